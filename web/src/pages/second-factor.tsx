/** The second factor: a one-time code or a security key, starting with (and remembering) the preferred method. */
import { useEffect, useState } from 'preact/hooks';
import type { PortalSettings, SecondFactorMethod, UserInfoResponse } from '../../../src/http/api/contract.js';
import { api, describeFailure } from '../api/client.js';
import { CodeInput } from '../components/code-input.js';
import { Alert, Button } from '../components/controls.js';
import { Page } from '../components/layout.js';
import { t } from '../i18n/index.js';
import { navigate, type Route, withTarget } from '../router.js';
import { authenticate } from '../webauthn.js';
import { KeyIcon } from './sign-in.js';

type Method = Extract<SecondFactorMethod, 'totp' | 'webauthn'>;

export function SecondFactor(props: {
  settings: PortalSettings;
  route: Route;
  user: UserInfoResponse;
  onVerified: (redirect?: string) => void;
  onSignOut: () => void;
}) {
  const { settings, user, route } = props;
  const methods: Method[] = [
    ...(settings.totp ? ['totp' as const] : []),
    ...(settings.webauthn ? ['webauthn' as const] : []),
  ];
  const initial: Method = methods.includes(user.method as Method)
    ? (user.method as Method)
    : (methods[0] ?? 'totp');
  const [method, setMethod] = useState<Method>(initial);
  const target = route.query.get('rd') ?? undefined;

  function choose(m: Method) {
    // Remembered server-side so the next sign-in opens on the same method. Compared with the method on screen,
    // not the one loaded: switching away and back must store the way back too.
    if (m !== method) void api.setPreferredMethod(m);
    setMethod(m);
  }

  return (
    <Page title={t('second.title')} subtitle={t('second.subtitle')}>
      <div class="identity">
        <span class="avatar" aria-hidden="true">
          {(user.display_name || '?').slice(0, 1).toUpperCase()}
        </span>
        <span>{t('second.signedInAs', { name: user.display_name })}</span>
        <button type="button" class="link link-small" onClick={props.onSignOut}>
          {t('second.notYou')}
        </button>
      </div>
      {methods.length > 1 ? (
        <fieldset class="tabs">
          <legend class="visually-hidden">{t('second.methods')}</legend>
          {methods.map((m) => (
            <button
              key={m}
              type="button"
              aria-pressed={method === m}
              class={method === m ? 'tab tab-active' : 'tab'}
              onClick={() => choose(m)}
            >
              {m === 'totp' ? t('second.method.totp') : t('second.method.webauthn')}
            </button>
          ))}
        </fieldset>
      ) : null}
      {method === 'totp' ? (
        <TotpForm has={user.has_totp} target={target} onVerified={props.onVerified} />
      ) : (
        <WebAuthnForm has={user.has_webauthn} target={target} onVerified={props.onVerified} />
      )}
      {(method === 'totp' && !user.has_totp) || (method === 'webauthn' && !user.has_webauthn) ? (
        <Button
          variant="secondary"
          class="btn-block"
          onClick={() => navigate(withTarget('/settings', route.query))}
        >
          {t('second.setup')}
        </Button>
      ) : null}
    </Page>
  );
}

function TotpForm(props: {
  has: boolean;
  target: string | undefined;
  onVerified: (redirect?: string) => void;
}) {
  const [code, setCode] = useState('');
  const [digits, setDigits] = useState(6);
  const [issuer, setIssuer] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => {
    if (!props.has) return;
    void api.totpConfiguration().then((r) => {
      if (r.ok) {
        setDigits(r.data.digits);
        setIssuer(r.data.issuer);
      }
    });
  }, [props.has]);

  async function verify(value: string) {
    if (busy) return;
    if (value.length !== digits) {
      setError(t('error.codeFormat', { digits }));
      return;
    }
    setBusy(true);
    setError('');
    const r = await api.totpSignIn(value, props.target);
    setBusy(false);
    if (!r.ok) {
      setCode('');
      const d = describeFailure(r, 'totp');
      setError(t(d.key, d.vars));
      return;
    }
    props.onVerified(r.data?.redirect);
  }

  if (!props.has) return <p class="muted">{t('second.totp.none')}</p>;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void verify(code);
      }}
      noValidate
    >
      {issuer ? <p class="muted">{t('second.totp.help', { issuer })}</p> : null}
      <CodeInput
        label={digits === 6 ? t('second.totp.label') : t('second.totp.labelDigits', { digits })}
        value={code}
        digits={digits}
        error={error || undefined}
        autoFocus
        onInput={(v) => {
          setCode(v);
          // A complete code submits itself: one less step on a phone.
          if (v.length === digits) void verify(v);
        }}
      />
      <Button type="submit" class="btn-block" busy={busy}>
        {t('second.totp.submit')}
      </Button>
    </form>
  );
}

function WebAuthnForm(props: {
  has: boolean;
  target: string | undefined;
  onVerified: (redirect?: string) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  async function run() {
    if (busy) return;
    setBusy(true);
    setError('');
    const options = await api.webauthnAssertionOptions();
    if (!options.ok) {
      setBusy(false);
      const d = describeFailure(options, 'webauthn');
      return setError(t(d.key, d.vars));
    }
    const ceremony = await authenticate(options.data.publicKey);
    if (!ceremony.ok) {
      setBusy(false);
      return setError(t(ceremony.key));
    }
    const r = await api.webauthnAssertion(ceremony.response, props.target);
    setBusy(false);
    if (!r.ok) {
      const d = describeFailure(r, 'webauthn');
      return setError(t(d.key, d.vars));
    }
    props.onVerified(r.data?.redirect);
  }

  if (!props.has) return <p class="muted">{t('second.webauthn.none')}</p>;
  return (
    <div>
      {error ? <Alert kind="error">{error}</Alert> : null}
      <div class="key-prompt">
        <span class="key-illustration" aria-hidden="true">
          <KeyIcon />
        </span>
        <p class="muted">{busy ? t('second.webauthn.waiting') : t('second.webauthn.help')}</p>
      </div>
      <Button class="btn-block" busy={busy} onClick={run}>
        {t('second.webauthn.submit')}
      </Button>
    </div>
  );
}
