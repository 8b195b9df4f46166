/** Public API of config: loading, the frozen Config type, and the YAML-with-positions helpers reused by the users file. */

export { formatIssue, formatIssues, sortIssues } from './issues.js';
export { joinPath, type LocatedYaml, locateYaml, positionFor, type SourcePos } from './locate.js';
export type * from './types.js';
