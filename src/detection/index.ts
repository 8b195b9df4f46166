/** Public API of detection: sliding-window rules over security events that decide bans and alerts. */
export { createTrustedMatcher, type Detection, type DetectionInput, Detector } from './detector.js';
export { CountWindow, DistinctWindow, LruMap } from './window.js';
