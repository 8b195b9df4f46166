/** `POST /api/change-password {username, old_password, new_password}` for an elevated session. */
import { ko, ok, sendJson } from '../respond.js';
import { body, elevated, OPERATION_FAILED } from './account-helpers.js';
import { str } from './body.js';
import type { Handler } from './portal.js';

const change: Handler = elevated(async (p, a, _c, s) => {
  const b = await body(p);
  if (!b) return;
  const username = str(b['username']);
  const oldPassword = str(b['old_password']);
  const newPassword = str(b['new_password']);
  if (username === undefined || oldPassword === undefined || newPassword === undefined)
    return sendJson(p.res, 400, ko(OPERATION_FAILED));
  const r = await a.passwords.changePassword(
    s,
    { username, oldPassword, newPassword },
    { ip: p.ip, requestUri: p.req.url ?? '', requestMethod: p.req.method ?? 'POST' },
  );
  if (!r.ok)
    return sendJson(
      p.res,
      r.status,
      ko(
        r.message ?? (r.status === 401 ? 'Authentication failed. Check your credentials.' : OPERATION_FAILED),
      ),
    );
  sendJson(p.res, 200, ok());
});

export const CHANGE_PASSWORD_ROUTES: ReadonlyMap<string, Handler> = new Map([
  ['POST /api/change-password', change],
]);
