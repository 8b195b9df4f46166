/** `/api/user/session/elevation`: status (GET), email a one-time code (POST), prove it (PUT), revoke it (DELETE /{id}). */
import { ko, ok, sendJson } from '../respond.js';
import { body, lastSegment, OPERATION_FAILED, portalUrl, withAccount } from './account-helpers.js';
import { str } from './body.js';
import { context, type Handler } from './portal.js';

const status: Handler = withAccount(async (p, a, c) => {
  const s = await a.elevation.status(context(p, c));
  if (!s) return sendJson(p.res, 403, ko(OPERATION_FAILED));
  sendJson(p.res, 200, ok(s));
});

const start: Handler = withAccount(async (p, a, c) => {
  p.req.resume();
  let id: string | undefined;
  try {
    id = await a.elevation.start(context(p, c), portalUrl(p, c));
  } catch {
    // Logged by the flow's caller chain; the person is told it failed (the notifier may be down).
    return sendJson(p.res, 403, ko(OPERATION_FAILED));
  }
  if (!id) return sendJson(p.res, 403, ko(OPERATION_FAILED));
  sendJson(p.res, 200, ok({ delete_id: id }));
});

const finish: Handler = withAccount(async (p, a, c) => {
  const b = await body(p);
  if (!b) return;
  const otc = str(b['otc']);
  if (otc === undefined) return sendJson(p.res, 400, ko(OPERATION_FAILED));
  const r = await a.elevation.finish(context(p, c), otc);
  if (!r.ok) return sendJson(p.res, r.status, ko(OPERATION_FAILED));
  sendJson(p.res, 200, ok());
});

const revoke: Handler = withAccount(async (p, a) => {
  p.req.resume();
  const id = lastSegment(p);
  if (!id || !(await a.elevation.revoke(id, p.ip))) return sendJson(p.res, 400, ko(OPERATION_FAILED));
  sendJson(p.res, 200, ok());
});

export const ELEVATION_ROUTES: ReadonlyMap<string, Handler> = new Map([
  ['GET /api/user/session/elevation', status],
  ['POST /api/user/session/elevation', start],
  ['PUT /api/user/session/elevation', finish],
  ['DELETE /api/user/session/elevation/*', revoke],
]);
