/** Public API of storage for domains: types only. Implementations are imported by app/ directly. */
export type { SqlClient, SqlValue } from './types.js';
