/** Every portal API route, merged from one table per feature file. */
import { type Handler, SESSION_ROUTES } from './portal.js';

export const PORTAL_ROUTES: ReadonlyMap<string, Handler> = new Map([...SESSION_ROUTES]);
