/** Forgot password: ask for a link by username, then (from the emailed link) choose a new password. */
import { useEffect, useState } from 'preact/hooks';
import type { PasswordPolicyResponse } from '../../../src/http/api/contract.js';
import { api, describeFailure } from '../api/client.js';
import { Alert, Button, Field } from '../components/controls.js';
import { Page } from '../components/layout.js';
import { type MessageKey, t } from '../i18n/index.js';
import { navigate, type Route, withTarget } from '../router.js';

function BackToSignIn({ route }: { route: Route }) {
  return (
    <p class="center">
      <a
        class="link"
        href="./"
        onClick={(e) => {
          e.preventDefault();
          navigate(withTarget('/', route.query));
        }}
      >
        {t('reset.backToSignIn')}
      </a>
    </p>
  );
}

export function ResetStart(props: { route: Route }) {
  const [username, setUsername] = useState('');
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState('');

  async function submit(e: Event) {
    e.preventDefault();
    if (busy || !username.trim()) return;
    setBusy(true);
    setError('');
    const r = await api.resetStart(username.trim());
    setBusy(false);
    if (!r.ok) {
      const d = describeFailure(r, 'other');
      return setError(t(d.key, d.vars));
    }
    setSent(true);
  }

  return (
    <Page title={t('reset.title')} subtitle={sent ? undefined : t('reset.step1.body')}>
      {sent ? <Alert kind="success">{t('reset.step1.sent')}</Alert> : null}
      {error ? <Alert kind="error">{error}</Alert> : null}
      {sent ? null : (
        <form onSubmit={submit} noValidate>
          <Field
            label={t('signin.username')}
            name="username"
            autoComplete="username"
            autoCapitalize="none"
            autoFocus
            required
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
          <Button type="submit" class="btn-block" busy={busy}>
            {t('reset.step1.submit')}
          </Button>
        </form>
      )}
      <BackToSignIn route={props.route} />
    </Page>
  );
}

/** The rules of the configured password policy as a checklist (Authelia's /api/configuration/password-policy). */
export function policyRules(
  p: PasswordPolicyResponse | undefined,
): { key: MessageKey; n?: number; test: (s: string) => boolean }[] {
  if (!p || p.mode === 'disabled') return [];
  if (p.mode === 'zxcvbn') return [{ key: 'reset.policy.zxcvbn', test: () => true }];
  const rules: { key: MessageKey; n?: number; test: (s: string) => boolean }[] = [];
  if (p.min_length > 0)
    rules.push({ key: 'reset.policy.min', n: p.min_length, test: (s) => [...s].length >= p.min_length });
  if (p.max_length > 0)
    rules.push({ key: 'reset.policy.max', n: p.max_length, test: (s) => [...s].length <= p.max_length });
  if (p.require_uppercase) rules.push({ key: 'reset.policy.upper', test: (s) => /\p{Lu}/u.test(s) });
  if (p.require_lowercase) rules.push({ key: 'reset.policy.lower', test: (s) => /\p{Ll}/u.test(s) });
  if (p.require_number) rules.push({ key: 'reset.policy.number', test: (s) => /\p{N}/u.test(s) });
  if (p.require_special) rules.push({ key: 'reset.policy.special', test: (s) => /[^\p{L}\p{N}]/u.test(s) });
  return rules;
}

export function PolicyList(props: { policy: PasswordPolicyResponse | undefined; value: string }) {
  const rules = policyRules(props.policy);
  if (!rules.length) return null;
  return (
    <ul class="policy">
      {rules.map((r) => {
        const met = r.key !== 'reset.policy.zxcvbn' && r.test(props.value);
        return (
          <li key={r.key} class={met ? 'policy-met' : ''}>
            <span aria-hidden="true">{met ? '✓' : '•'}</span>{' '}
            {t(r.key, r.n === undefined ? undefined : { n: r.n })}
          </li>
        );
      })}
    </ul>
  );
}

/** New password + confirmation, with the policy checklist; shared by reset and change-password. */
export function NewPasswordFields(props: {
  policy: PasswordPolicyResponse | undefined;
  password: string;
  confirm: string;
  mismatch: boolean;
  onPassword: (v: string) => void;
  onConfirm: (v: string) => void;
}) {
  return (
    <>
      <Field
        label={t('settings.password.new')}
        name="new-password"
        type="password"
        autoComplete="new-password"
        required
        value={props.password}
        onInput={(e) => props.onPassword(e.currentTarget.value)}
      />
      <PolicyList policy={props.policy} value={props.password} />
      <Field
        label={t('settings.password.confirm')}
        name="confirm-password"
        type="password"
        autoComplete="new-password"
        required
        value={props.confirm}
        error={props.mismatch ? t('error.passwordMismatch') : undefined}
        onInput={(e) => props.onConfirm(e.currentTarget.value)}
      />
    </>
  );
}

export function ResetFinish(props: { route: Route }) {
  const token = props.route.query.get('token') ?? '';
  const [phase, setPhase] = useState<'checking' | 'form' | 'invalid' | 'done'>(
    token ? 'checking' : 'invalid',
  );
  const [policy, setPolicy] = useState<PasswordPolicyResponse>();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(token ? '' : t('error.resetMissingToken'));

  useEffect(() => {
    if (!token) return;
    void (async () => {
      const r = await api.resetFinish(token);
      if (!r.ok) {
        const d = describeFailure(r, 'reset-link');
        setError(t(d.key, d.vars));
        setPhase('invalid');
        return;
      }
      const p = await api.passwordPolicy();
      if (p.ok) setPolicy(p.data);
      setPhase('form');
    })();
  }, [token]);

  async function submit(e: Event) {
    e.preventDefault();
    if (busy) return;
    if (password !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setBusy(true);
    setError('');
    const r = await api.resetPassword(password);
    setBusy(false);
    if (!r.ok) {
      const d = describeFailure(r, 'other');
      return setError(t(d.key, d.vars));
    }
    setPhase('done');
  }

  return (
    <Page title={t('reset.step2.title')}>
      {phase === 'checking' ? <p class="muted">{t('reset.step2.checking')}</p> : null}
      {error ? <Alert kind="error">{error}</Alert> : null}
      {phase === 'invalid' ? (
        <Button variant="secondary" class="btn-block" onClick={() => navigate('/reset-password/step1')}>
          {t('reset.step1.submit')}
        </Button>
      ) : null}
      {phase === 'done' ? <Alert kind="success">{t('reset.step2.done')}</Alert> : null}
      {phase === 'form' ? (
        <form onSubmit={submit} noValidate>
          <NewPasswordFields
            policy={policy}
            password={password}
            confirm={confirm}
            mismatch={mismatch}
            onPassword={setPassword}
            onConfirm={setConfirm}
          />
          <Button type="submit" class="btn-block" busy={busy}>
            {t('reset.step2.submit')}
          </Button>
        </form>
      ) : null}
      <BackToSignIn route={props.route} />
    </Page>
  );
}
