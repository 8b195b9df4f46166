/**
 * The "didn't ask for this?" links of the portal's mails: a password reset link (`?token=`) or an elevation
 * one-time code (`?id=`). Nothing happens on arrival, since mail scanners open links on their own: the page says
 * what the link is, and only the button revokes it.
 */
import { useState } from 'preact/hooks';
import { api, describeFailure, type Result } from '../api/client.js';
import { Alert, Button } from '../components/controls.js';
import { Page } from '../components/layout.js';
import { type MessageKey, t } from '../i18n/index.js';
import { navigate, type Route } from '../router.js';

export type RevokeKind = 'reset-password' | 'one-time-code';

interface KindText {
  readonly param: string;
  readonly title: MessageKey;
  readonly body: MessageKey;
  readonly ifYou: MessageKey;
  readonly submit: MessageKey;
  readonly done: MessageKey;
  readonly advice?: MessageKey;
  readonly failed: MessageKey;
  readonly missing: MessageKey;
  readonly revoke: (value: string) => Promise<Result<undefined>>;
}

const KINDS: Record<RevokeKind, KindText> = {
  'reset-password': {
    param: 'token',
    title: 'revoke.reset.title',
    body: 'revoke.reset.body',
    ifYou: 'revoke.reset.ifYou',
    submit: 'revoke.reset.submit',
    done: 'revoke.reset.done',
    failed: 'revoke.reset.failed',
    missing: 'revoke.reset.missing',
    revoke: api.revokeResetLink,
  },
  'one-time-code': {
    param: 'id',
    title: 'revoke.code.title',
    body: 'revoke.code.body',
    ifYou: 'revoke.code.ifYou',
    submit: 'revoke.code.submit',
    done: 'revoke.code.done',
    advice: 'revoke.code.advice',
    failed: 'revoke.code.failed',
    missing: 'revoke.code.missing',
    revoke: api.revokeOneTimeCode,
  },
};

export function Revoke(props: { kind: RevokeKind; route: Route }) {
  const k = KINDS[props.kind];
  const value = props.route.query.get(k.param) ?? '';
  const [phase, setPhase] = useState<'ask' | 'done' | 'failed'>('ask');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  async function revoke() {
    if (busy) return;
    setBusy(true);
    setError('');
    const r = await k.revoke(value);
    setBusy(false);
    if (r.ok) return setPhase('done');
    // A 4xx (other than a rate limit) means the server does not know the link as a live one.
    if (r.status >= 400 && r.status < 500 && r.status !== 429) {
      setError(t(k.failed));
      return setPhase('failed');
    }
    // Network trouble or a server error: say so, and leave the button to try again.
    const d = describeFailure(r, 'other');
    setError(t(d.key, d.vars));
  }

  return (
    <Page title={t(k.title)} subtitle={value && phase === 'ask' ? t(k.body) : undefined}>
      {!value ? <Alert kind="error">{t(k.missing)}</Alert> : null}
      {error ? <Alert kind="error">{error}</Alert> : null}
      {phase === 'done' ? <Alert kind="success">{t(k.done)}</Alert> : null}
      {phase === 'done' && k.advice ? <p class="muted">{t(k.advice)}</p> : null}
      {value && phase === 'ask' ? (
        <>
          <p>{t(k.ifYou)}</p>
          <Button variant="danger" class="btn-block" busy={busy} onClick={() => void revoke()}>
            {t(k.submit)}
          </Button>
        </>
      ) : null}
      <p class="center">
        <a
          class="link"
          href="./"
          onClick={(e) => {
            e.preventDefault();
            navigate('/');
          }}
        >
          {t('reset.backToSignIn')}
        </a>
      </p>
    </Page>
  );
}
