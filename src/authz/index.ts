/** Public API of authz: compile access_control once, find the required policy for a request, decide, explain. */

export { type CompiledAccessControl, compileAccessControl, type RequiredPolicy } from './compile.js';
export { decide } from './decide.js';
export type { CriterionVerdict, ExplainRow, Verdict } from './explain.js';
export { type AccessTarget, cleanPath, resourceString, targetFromUrl } from './path.js';
