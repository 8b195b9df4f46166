/** Public API of the stack audit: read a homelab's compose/Caddy/nginx/Authelia files and report zero-trust mistakes. */
export { auditStack, type StackAudit } from './audit.js';
export { renderHtml, renderSvg } from './graph.js';
export { failsAt, formatJson, formatSarif, formatText } from './report.js';
export { type Finding, SEVERITIES, type Severity } from './types.js';
