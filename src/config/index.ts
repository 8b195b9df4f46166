/** Public API of config: loading, the frozen Config type, and the YAML-with-positions helpers reused by the users file. */

export { parseAddress } from './address.js';
export { parseDuration } from './duration.js';
export { formatIssue, formatIssues, sortIssues } from './issues.js';
export { configFromObject, type LoadResult, loadConfig, loadConfigOrThrow } from './load.js';
export { joinPath, type LocatedYaml, locateYaml, positionFor, type SourcePos } from './locate.js';
export { PASSWORD_HASH_DEFAULTS, PBKDF2_DEFAULT_ITERATIONS } from './password-defaults.js';
export { compileRe2 } from './rules/regex.js';
export { nodeTlsOptions } from './tls.js';
export type * from './types.js';
