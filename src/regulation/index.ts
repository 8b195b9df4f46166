/** Public API of regulation: brute-force bans over narrow attempt and ban stores. */
export {
  type AttemptInput,
  type BanCheck,
  type GuardResult,
  Regulator,
  type RegulatorDeps,
} from './regulator.js';
