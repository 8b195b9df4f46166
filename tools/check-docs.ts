/** Keeps docs/errors.md in sync with the ErrorCode union: every code must be documented. */
import { readFileSync } from 'node:fs';
import { ERROR_CODES } from '../src/core/index.js';

const doc = readFileSync('docs/errors.md', 'utf8');
const missing = ERROR_CODES.filter((c) => !doc.includes(`\`${c}\``));
if (missing.length) {
  console.error(`check-docs: docs/errors.md does not document: ${missing.join(', ')}`);
  process.exit(1);
}
console.log(`check-docs: all ${ERROR_CODES.length} error codes documented`);
