/** The first factor: username and password (remember me when enabled), or a passkey when enabled. */
import { useState } from 'preact/hooks';
import type { PortalSettings } from '../../../src/http/api/contract.js';
import { api, describeFailure, type Failure } from '../api/client.js';
import { Alert, Button, Checkbox, Field } from '../components/controls.js';
import { Page } from '../components/layout.js';
import { t } from '../i18n/index.js';
import { hostOf, href, navigate, type Route, withTarget } from '../router.js';
import { authenticate } from '../webauthn.js';

export function SignIn(props: {
  settings: PortalSettings;
  route: Route;
  onSignedIn: (redirect?: string) => void;
}) {
  const { settings, route } = props;
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const [showPassword, setShowPassword] = useState(false);
  const [capsLock, setCapsLock] = useState(false);
  const [busy, setBusy] = useState<'' | 'password' | 'passkey'>('');
  const [error, setError] = useState('');
  const target = route.query.get('rd') ?? undefined;
  const requestMethod = route.query.get('rm') ?? undefined;

  const fail = (f: Failure, where: 'password' | 'webauthn') => {
    const d = describeFailure(f, where);
    setError(t(d.key, d.vars));
  };

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    if (!username.trim() || !password) {
      setError(t('signin.missing'));
      return;
    }
    setBusy('password');
    setError('');
    const r = await api.firstFactor({
      username: username.trim(),
      password,
      keepMeLoggedIn: remember,
      targetURL: target,
      requestMethod,
    });
    setBusy('');
    if (!r.ok) {
      setPassword('');
      return fail(r, 'password');
    }
    props.onSignedIn(r.data?.redirect);
  }

  async function passkey() {
    if (busy) return;
    setBusy('passkey');
    setError('');
    const options = await api.passkeyOptions();
    if (!options.ok) {
      setBusy('');
      return fail(options, 'webauthn');
    }
    const ceremony = await authenticate(options.data.publicKey);
    if (!ceremony.ok) {
      setBusy('');
      setError(t(ceremony.key));
      return;
    }
    const r = await api.passkeySignIn({
      response: ceremony.response,
      keepMeLoggedIn: remember,
      targetURL: target,
      requestMethod,
    });
    setBusy('');
    if (!r.ok) return fail(r, 'webauthn');
    props.onSignedIn(r.data?.redirect);
  }

  const host = hostOf(target);
  const resetHref = settings.resetPasswordCustomUrl || href(withTarget('/reset-password/step1', route.query));
  return (
    <Page
      title={t('signin.title')}
      subtitle={host ? t('signin.subtitle.target', { host }) : t('signin.subtitle')}
    >
      {error ? <Alert kind="error">{error}</Alert> : null}
      <form onSubmit={submit} noValidate>
        <Field
          label={t('signin.username')}
          name="username"
          autoComplete="username webauthn"
          autoCapitalize="none"
          spellcheck={false}
          autoFocus
          required
          value={username}
          onInput={(e) => setUsername(e.currentTarget.value)}
        />
        <Field
          label={t('signin.password')}
          name="password"
          type={showPassword ? 'text' : 'password'}
          autoComplete="current-password"
          required
          value={password}
          hint={capsLock ? t('signin.capsLock') : undefined}
          onInput={(e) => setPassword(e.currentTarget.value)}
          onKeyUp={(e) => setCapsLock(e.getModifierState?.('CapsLock') ?? false)}
          trailing={
            <button
              type="button"
              class="field-toggle"
              aria-pressed={showPassword}
              aria-label={showPassword ? t('signin.hidePassword') : t('signin.showPassword')}
              onClick={() => setShowPassword(!showPassword)}
            >
              <EyeIcon open={!showPassword} />
            </button>
          }
        />
        <div class="row-between">
          {settings.rememberMe ? (
            <Checkbox label={t('signin.rememberMe')} checked={remember} onChange={setRemember} />
          ) : (
            <span />
          )}
          {settings.resetPassword ? (
            <a
              class="link"
              href={resetHref}
              onClick={(e) => {
                if (settings.resetPasswordCustomUrl) return;
                e.preventDefault();
                navigate(withTarget('/reset-password/step1', route.query));
              }}
            >
              {t('signin.forgot')}
            </a>
          ) : null}
        </div>
        <Button type="submit" class="btn-block" busy={busy === 'password'}>
          {busy === 'password' ? t('signin.submitting') : t('signin.submit')}
        </Button>
      </form>
      {settings.passkeyLogin ? (
        <>
          <div class="divider">
            <span>{t('signin.or')}</span>
          </div>
          <Button variant="secondary" class="btn-block" busy={busy === 'passkey'} onClick={passkey}>
            <KeyIcon />
            {t('signin.passkey')}
          </Button>
        </>
      ) : null}
    </Page>
  );
}

function EyeIcon({ open }: { open: boolean }) {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" class="icon">
      <path d="M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z" />
      <circle cx="12" cy="12" r="3" />
      {open ? null : <path d="M4 4l16 16" />}
    </svg>
  );
}

export function KeyIcon() {
  return (
    <svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true" class="icon">
      <circle cx="8" cy="15" r="4" />
      <path d="M10.8 12.2L20 3M16 7l3 3M14 9l2 2" />
    </svg>
  );
}
