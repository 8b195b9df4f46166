/** TOTP configuration and enrolment: `/api/secondfactor/totp` (GET, DELETE) and `/totp/register` (GET, PUT, POST, DELETE). */
import { ko, ok, sendJson } from '../respond.js';
import { body, elevated, loggedIn, OPERATION_FAILED, withAccount } from './account-helpers.js';
import { str } from './body.js';
import type { Handler } from './portal.js';

const configuration: Handler = withAccount(async (p, a, c, d) => {
  const s = await loggedIn(p, d, c);
  if (!s) return;
  const cfg = await a.enrolment.configuration(s.username);
  if (!cfg) return sendJson(p.res, 404, ko('No TOTP configuration is registered.'));
  sendJson(p.res, 200, ok(cfg));
});

const remove: Handler = elevated(async (p, a, _c, s) => {
  p.req.resume();
  const r = await a.enrolment.remove(s, p.ip);
  if (!r.ok) return sendJson(p.res, r.status, ko(OPERATION_FAILED));
  sendJson(p.res, 200, ok());
});

const options: Handler = withAccount(async (p, a, c, d) => {
  if (!(await loggedIn(p, d, c))) return;
  sendJson(p.res, 200, ok(a.enrolment.options()));
});

const start: Handler = elevated(async (p, a, _c, s) => {
  const b = await body(p);
  if (!b) return;
  const r = await a.enrolment.start(s, {
    algorithm: b['algorithm'],
    length: b['length'],
    period: b['period'],
  });
  if (!r.ok) return sendJson(p.res, r.status, ko(OPERATION_FAILED));
  sendJson(p.res, 200, ok(r.data));
});

const finish: Handler = elevated(async (p, a, _c, s) => {
  const b = await body(p);
  if (!b) return;
  const token = str(b['token']);
  if (!token) return sendJson(p.res, 400, ko(OPERATION_FAILED));
  const r = await a.enrolment.finish(s, token.trim(), p.ip);
  if (!r.ok) return sendJson(p.res, r.status, ko(OPERATION_FAILED));
  sendJson(p.res, 200, ok());
});

const cancel: Handler = withAccount(async (p, a, c, d) => {
  const s = await loggedIn(p, d, c);
  if (!s) return;
  p.req.resume();
  await a.enrolment.cancel(s);
  sendJson(p.res, 200, ok());
});

export const TOTP_REGISTRATION_ROUTES: ReadonlyMap<string, Handler> = new Map([
  ['GET /api/secondfactor/totp', configuration],
  ['DELETE /api/secondfactor/totp', remove],
  ['GET /api/secondfactor/totp/register', options],
  ['PUT /api/secondfactor/totp/register', start],
  ['POST /api/secondfactor/totp/register', finish],
  ['DELETE /api/secondfactor/totp/register', cancel],
]);
