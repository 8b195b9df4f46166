/**
 * WebAuthn: second factor (`/api/secondfactor/webauthn` GET options, POST assertion), passkey sign-in
 * (`/api/firstfactor/passkey`), credentials (list, register PUT/POST, rename PUT /{id}, DELETE /{id}).
 */
import { ko, ok, sendJson } from '../respond.js';
import {
  body,
  elevated,
  lastSegment,
  loggedIn,
  OPERATION_FAILED,
  relyingParty,
  withAccount,
} from './account-helpers.js';
import { str } from './body.js';
import { context, type Handler, withCookie } from './portal.js';

const AUTH_FAILED = 'Authentication failed. Check your credentials.';

const assertionOptions: Handler = withAccount(async (p, a, c) => {
  const r = await a.webauthn.assertionStart(context(p, c), relyingParty(p));
  if (!r.ok) return sendJson(p.res, r.status === 401 ? 401 : 400, ko(OPERATION_FAILED));
  sendJson(p.res, 200, ok(r.data));
});

const assertion: Handler = withAccount(async (p, a, c) => {
  const b = await body(p);
  if (!b) return;
  const r = await a.webauthn.assertionFinish(
    context(p, c),
    relyingParty(p),
    b['response'],
    str(b['targetURL']),
  );
  if (!r.ok) return sendJson(p.res, 401, ko(AUTH_FAILED));
  sendJson(p.res, 200, ok(r.redirect ? { redirect: r.redirect } : undefined), withCookie(r.setCookie));
});

const passkeyOptions: Handler = withAccount(async (p, a) => {
  const r = await a.webauthn.passkeyStart(relyingParty(p));
  if (!r.ok) return sendJson(p.res, 403, ko(OPERATION_FAILED));
  sendJson(p.res, 200, ok(r.data));
});

const passkey: Handler = withAccount(async (p, a, c) => {
  const b = await body(p);
  if (!b) return;
  const r = await a.webauthn.passkeyFinish(context(p, c), relyingParty(p), {
    response: b['response'],
    keepMeLoggedIn: b['keepMeLoggedIn'] === true,
    targetURL: str(b['targetURL']),
    requestMethod: str(b['requestMethod']),
  });
  if (!r.ok) return sendJson(p.res, r.status, ko(r.status === 401 ? AUTH_FAILED : OPERATION_FAILED));
  sendJson(p.res, 200, ok(r.redirect ? { redirect: r.redirect } : undefined), withCookie(r.setCookie));
});

const list: Handler = withAccount(async (p, a, c, d) => {
  const s = await loggedIn(p, d, c);
  if (!s) return;
  sendJson(p.res, 200, ok(await a.webauthn.list(s.username)));
});

const registerStart: Handler = elevated(async (p, a, _c, s) => {
  const b = await body(p);
  if (!b) return;
  const r = await a.webauthn.registerStart(s, relyingParty(p), str(b['description']) ?? '');
  if (!r.ok)
    return sendJson(
      p.res,
      r.status,
      ko(
        r.reason === 'description-taken'
          ? 'Another credential already has this description.'
          : OPERATION_FAILED,
      ),
    );
  sendJson(p.res, 200, ok(r.data));
});

const registerFinish: Handler = elevated(async (p, a, _c, s) => {
  const b = await body(p);
  if (!b) return;
  const r = await a.webauthn.registerFinish(s, relyingParty(p), b, p.ip);
  if (!r.ok) return sendJson(p.res, r.status, ko(OPERATION_FAILED));
  sendJson(p.res, 201, ok());
});

const id = (raw: string) => (/^\d{1,15}$/.test(raw) ? Number(raw) : undefined);

const rename: Handler = elevated(async (p, a, _c, s) => {
  const b = await body(p);
  if (!b) return;
  const n = id(lastSegment(p));
  if (n === undefined) return sendJson(p.res, 400, ko(OPERATION_FAILED));
  const r = await a.webauthn.rename(s, n, str(b['description']) ?? '');
  if (!r.ok) return sendJson(p.res, r.status, ko(OPERATION_FAILED));
  sendJson(p.res, 200, ok());
});

const remove: Handler = elevated(async (p, a, _c, s) => {
  p.req.resume();
  const n = id(lastSegment(p));
  if (n === undefined) return sendJson(p.res, 400, ko(OPERATION_FAILED));
  const r = await a.webauthn.remove(s, n, p.ip);
  if (!r.ok) return sendJson(p.res, r.status, ko(OPERATION_FAILED));
  sendJson(p.res, 200, ok());
});

export const WEBAUTHN_ROUTES: ReadonlyMap<string, Handler> = new Map([
  ['GET /api/secondfactor/webauthn', assertionOptions],
  ['POST /api/secondfactor/webauthn', assertion],
  ['GET /api/firstfactor/passkey', passkeyOptions],
  ['POST /api/firstfactor/passkey', passkey],
  ['GET /api/secondfactor/webauthn/credentials', list],
  ['PUT /api/secondfactor/webauthn/credential/register', registerStart],
  ['POST /api/secondfactor/webauthn/credential/register', registerFinish],
  ['PUT /api/secondfactor/webauthn/credential/*', rename],
  ['DELETE /api/secondfactor/webauthn/credential/*', remove],
]);
