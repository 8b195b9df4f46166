/**
 * Security settings: the authenticator app (set up with QR + confirmation code, remove), security keys and
 * passkeys (add, rename, remove) and the password. Every change first elevates the session with an emailed code.
 */
import { useEffect, useState } from 'preact/hooks';
import type {
  PasswordPolicyResponse,
  PortalSettings,
  StateResponse,
  TotpAlgorithm,
  TotpConfigurationResponse,
  TotpOptionsResponse,
  TotpRegisterStartResponse,
  UserInfoResponse,
  WebAuthnCredentialInfo,
} from '../../../src/http/api/contract.js';
import { api, describeFailure, type Failure, type Result } from '../api/client.js';
import { CodeInput } from '../components/code-input.js';
import { Alert, Button, Field } from '../components/controls.js';
import { Dialog } from '../components/dialog.js';
import { Page } from '../components/layout.js';
import { QrCode } from '../components/qr-code.js';
import { formatDate, t } from '../i18n/index.js';
import { navigate, type Route, withTarget } from '../router.js';
import { register } from '../webauthn.js';
import { NewPasswordFields } from './reset-password.js';
import { KeyIcon } from './sign-in.js';

type Notice = { kind: 'success' | 'error'; text: string } | undefined;
type Action = () => Promise<void>;

const failureText = (f: Failure, where: Parameters<typeof describeFailure>[1] = 'other') => {
  const d = describeFailure(f, where);
  return t(d.key, d.vars);
};

export function Settings(props: {
  settings: PortalSettings;
  state: StateResponse;
  user: UserInfoResponse;
  route: Route;
  onChanged: () => void;
}) {
  const [notice, setNotice] = useState<Notice>();
  const [elevating, setElevating] = useState<{ action: Action } | undefined>();
  const [elevationError, setElevationError] = useState('');

  /** Runs `action` once the session is elevated, asking for the emailed code first when it is not. */
  async function elevated(action: Action) {
    setNotice(undefined);
    const s = await api.elevationStatus();
    if (s.ok && s.data.elevated) return action();
    if (s.ok && s.data.require_second_factor && props.state.authentication_level < 2) {
      setNotice({ kind: 'error', text: t('elevation.needSecondFactor') });
      return;
    }
    const started = await api.elevationStart();
    if (!started.ok) {
      setNotice({ kind: 'error', text: failureText(started) });
      return;
    }
    setElevationError('');
    setElevating({ action });
  }

  /** A call that needs elevation: a 403 asking for it (expired meanwhile) starts the code dialog again. */
  function guard<T>(r: Result<T>, retry: Action): r is Extract<Result<T>, { ok: true }> {
    if (r.ok) return true;
    if (r.elevation) void elevated(retry);
    else setNotice({ kind: 'error', text: failureText(r) });
    return false;
  }

  const done = (text: string) => {
    setNotice({ kind: 'success', text });
    props.onChanged();
  };

  return (
    <Page title={t('settings.title')} wide>
      <div class="identity">
        <span class="avatar" aria-hidden="true">
          {(props.user.display_name || '?').slice(0, 1).toUpperCase()}
        </span>
        <span>{t('second.signedInAs', { name: props.user.display_name })}</span>
        <button
          type="button"
          class="link link-small"
          onClick={() => navigate(withTarget('/', props.route.query))}
        >
          {t('settings.back')}
        </button>
      </div>
      {notice ? (
        <Alert kind={notice.kind} onDismiss={() => setNotice(undefined)}>
          {notice.text}
        </Alert>
      ) : null}
      {props.settings.totp ? (
        <TotpSection has={props.user.has_totp} elevated={elevated} guard={guard} done={done} />
      ) : null}
      {props.settings.webauthn ? <WebAuthnSection elevated={elevated} guard={guard} done={done} /> : null}
      {props.settings.passwordChange ? (
        <PasswordSection username={props.state.username} elevated={elevated} guard={guard} done={done} />
      ) : null}
      {elevating ? (
        <ElevationDialog
          email={props.user.emails[0]}
          error={elevationError}
          onClose={() => setElevating(undefined)}
          onResend={async () => {
            const r = await api.elevationStart();
            setElevationError(r.ok ? '' : failureText(r));
            if (r.ok) setNotice({ kind: 'success', text: t('elevation.sent') });
          }}
          onSubmit={async (code) => {
            const r = await api.elevationFinish(code);
            if (!r.ok) {
              setElevationError(failureText(r, 'elevation'));
              return;
            }
            const { action } = elevating;
            setElevating(undefined);
            await action();
          }}
        />
      ) : null}
    </Page>
  );
}

interface SectionProps {
  elevated: (a: Action) => Promise<void>;
  guard: <T>(r: Result<T>, retry: Action) => r is Extract<Result<T>, { ok: true }>;
  done: (text: string) => void;
}

function Section(props: {
  title: string;
  desc: string;
  icon: preact.ComponentChildren;
  children: preact.ComponentChildren;
}) {
  return (
    <section class="section" aria-label={props.title}>
      <div class="section-head">
        <span class="section-icon" aria-hidden="true">
          {props.icon}
        </span>
        <div>
          <h2>{props.title}</h2>
          <p class="muted">{props.desc}</p>
        </div>
      </div>
      {props.children}
    </section>
  );
}

function TotpSection(props: SectionProps & { has: boolean }) {
  const [config, setConfig] = useState<TotpConfigurationResponse | null>();
  const [setup, setSetup] = useState<TotpOptionsResponse>();
  const [confirmRemove, setConfirmRemove] = useState(false);
  const load = () => api.totpConfiguration().then((r) => setConfig(r.ok ? r.data : null));
  useEffect(() => {
    void load();
  }, [props.has]);

  const startSetup: Action = async () => {
    const r = await api.totpOptions();
    if (props.guard(r, startSetup)) setSetup(r.data);
  };
  const remove: Action = async () => {
    const r = await api.totpDelete();
    setConfirmRemove(false);
    if (props.guard(r, remove)) {
      await load();
      props.done(t('settings.totp.removed'));
    }
  };

  return (
    <Section title={t('settings.totp.title')} desc={t('settings.totp.desc')} icon={<PhoneIcon />}>
      {config === undefined ? null : config ? (
        <ul class="devices">
          <li class="device">
            <div>
              <p class="device-name">{config.issuer}</p>
              <p class="muted small">
                {t('settings.totp.details', {
                  algorithm: config.algorithm,
                  digits: config.digits,
                  period: config.period,
                })}
                {' · '}
                {t('settings.totp.added', { date: formatDate(config.created_at) })}
                {' · '}
                {config.last_used_at
                  ? t('settings.totp.lastUsed', { date: formatDate(config.last_used_at) })
                  : t('settings.totp.never')}
              </p>
            </div>
            <Button variant="danger" onClick={() => props.elevated(async () => setConfirmRemove(true))}>
              {t('settings.webauthn.remove')}
            </Button>
          </li>
        </ul>
      ) : (
        <div class="empty">
          <p class="muted">{t('settings.totp.none')}</p>
          <Button onClick={() => props.elevated(startSetup)}>{t('settings.totp.add')}</Button>
        </div>
      )}
      {setup ? (
        <TotpSetupDialog
          options={setup}
          onClose={() => {
            setSetup(undefined);
            void api.totpRegisterCancel();
          }}
          onDone={async () => {
            setSetup(undefined);
            await load();
            props.done(t('totp.setup.done'));
          }}
        />
      ) : null}
      {confirmRemove ? (
        <ConfirmDialog
          title={t('settings.totp.remove')}
          body={t('settings.totp.removeConfirm')}
          confirm={t('settings.webauthn.remove')}
          onCancel={() => setConfirmRemove(false)}
          onConfirm={remove}
        />
      ) : null}
    </Section>
  );
}

function TotpSetupDialog(props: {
  options: TotpOptionsResponse;
  onClose: () => void;
  onDone: () => Promise<void>;
}) {
  const o = props.options;
  const [algorithm, setAlgorithm] = useState<TotpAlgorithm>(o.algorithm);
  const [length, setLength] = useState<number>(o.length);
  const [period, setPeriod] = useState<number>(o.period);
  const [secret, setSecret] = useState<TotpRegisterStartResponse>();
  const [code, setCode] = useState('');
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const hasChoices = o.algorithms.length > 1 || o.lengths.length > 1 || o.periods.length > 1;

  async function generate() {
    setBusy(true);
    setError('');
    const r = await api.totpRegisterStart({ algorithm, length, period });
    setBusy(false);
    if (!r.ok) return setError(failureText(r));
    setSecret(r.data);
  }
  useEffect(() => {
    // With nothing to choose, go straight to the QR code.
    if (!hasChoices) void generate();
  }, []);

  async function confirm(value: string) {
    if (busy) return;
    if (value.length !== length) return setError(t('error.codeFormat', { digits: length }));
    setBusy(true);
    setError('');
    const r = await api.totpRegisterFinish(value);
    setBusy(false);
    if (!r.ok) {
      setCode('');
      return setError(failureText(r, 'totp'));
    }
    await props.onDone();
  }

  return (
    <Dialog title={t('totp.setup.title')} onClose={props.onClose}>
      {!secret && hasChoices ? (
        <div>
          <p class="muted">{t('totp.setup.advanced')}</p>
          <div class="grid-3">
            <Select
              label={t('totp.setup.algorithm')}
              value={algorithm}
              options={o.algorithms}
              onChange={(v) => setAlgorithm(v as TotpAlgorithm)}
            />
            <Select
              label={t('totp.setup.digits')}
              value={String(length)}
              options={o.lengths.map(String)}
              onChange={(v) => setLength(Number(v))}
            />
            <Select
              label={t('totp.setup.period')}
              value={String(period)}
              options={o.periods.map(String)}
              onChange={(v) => setPeriod(Number(v))}
            />
          </div>
          {error ? <Alert kind="error">{error}</Alert> : null}
          <Button class="btn-block" busy={busy} onClick={generate}>
            {t('totp.setup.generate')}
          </Button>
        </div>
      ) : null}
      {!secret && !hasChoices && error ? <Alert kind="error">{error}</Alert> : null}
      {secret ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void confirm(code);
          }}
          noValidate
        >
          <p>
            <span class="step">1</span> {t('totp.setup.step1')}
          </p>
          <div class="qr-wrap">
            <QrCode value={secret.otpauth_url} label={t('totp.setup.qrAlt')} />
          </div>
          <p class="muted small">{t('totp.setup.manual')}</p>
          <div class="secret">
            <code data-testid="totp-secret">{secret.base32_secret.replace(/(.{4})/g, '$1 ').trim()}</code>
            <Button
              variant="secondary"
              onClick={async () => {
                await navigator.clipboard?.writeText(secret.base32_secret).catch(() => undefined);
                setCopied(true);
              }}
            >
              {copied ? t('totp.setup.copied') : t('totp.setup.copy')}
            </Button>
          </div>
          <p class="muted small">{t('totp.setup.once')}</p>
          <p>
            <span class="step">2</span> {t('totp.setup.step2')}
          </p>
          <CodeInput
            label={t('totp.setup.code')}
            value={code}
            digits={length}
            error={error || undefined}
            onInput={setCode}
          />
          <div class="dialog-actions">
            <Button variant="ghost" onClick={props.onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" busy={busy}>
              {t('totp.setup.confirm')}
            </Button>
          </div>
        </form>
      ) : null}
    </Dialog>
  );
}

function WebAuthnSection(props: SectionProps) {
  const [list, setList] = useState<WebAuthnCredentialInfo[]>();
  const [adding, setAdding] = useState(false);
  const [renaming, setRenaming] = useState<WebAuthnCredentialInfo>();
  const [removing, setRemoving] = useState<WebAuthnCredentialInfo>();
  const load = () => api.webauthnCredentials().then((r) => setList(r.ok ? (r.data ?? []) : []));
  useEffect(() => {
    void load();
  }, []);

  const remove =
    (c: WebAuthnCredentialInfo): Action =>
    async () => {
      const r = await api.webauthnDelete(c.id);
      setRemoving(undefined);
      if (props.guard(r, remove(c))) {
        await load();
        props.done(t('settings.webauthn.removed'));
      }
    };

  return (
    <Section title={t('settings.webauthn.title')} desc={t('settings.webauthn.desc')} icon={<KeyIcon />}>
      {list?.length ? (
        <ul class="devices">
          {list.map((c) => (
            <li class="device" key={c.id}>
              <div>
                <p class="device-name">
                  {c.description}
                  {c.discoverable ? <span class="badge">{t('settings.webauthn.passkey')}</span> : null}
                </p>
                <p class="muted small">
                  {t('settings.totp.added', { date: formatDate(c.created_at) })}
                  {' · '}
                  {c.last_used_at
                    ? t('settings.totp.lastUsed', { date: formatDate(c.last_used_at) })
                    : t('settings.totp.never')}
                </p>
                {c.clone_warning ? <p class="field-error">{t('settings.webauthn.cloneWarning')}</p> : null}
              </div>
              <div class="device-actions">
                <Button
                  variant="ghost"
                  aria-label={t('settings.webauthn.renameButtonLabel', { name: c.description })}
                  // The server requires elevation for a rename too: ask for the code before the dialog.
                  onClick={() => props.elevated(async () => setRenaming(c))}
                >
                  {t('settings.webauthn.rename')}
                </Button>
                <Button
                  variant="danger"
                  aria-label={t('settings.webauthn.removeLabel', { name: c.description })}
                  onClick={() => props.elevated(async () => setRemoving(c))}
                >
                  {t('settings.webauthn.remove')}
                </Button>
              </div>
            </li>
          ))}
        </ul>
      ) : list ? (
        <p class="muted">{t('settings.webauthn.none')}</p>
      ) : null}
      <Button
        variant={list?.length ? 'secondary' : 'primary'}
        onClick={() => props.elevated(async () => setAdding(true))}
      >
        {t('settings.webauthn.add')}
      </Button>
      {adding ? (
        <AddKeyDialog
          guard={props.guard}
          onClose={() => setAdding(false)}
          onDone={async (name) => {
            setAdding(false);
            await load();
            props.done(t('settings.webauthn.added', { name }));
          }}
        />
      ) : null}
      {renaming ? (
        <RenameDialog
          credential={renaming}
          onClose={() => setRenaming(undefined)}
          onDone={async () => {
            setRenaming(undefined);
            await load();
            props.done(t('settings.webauthn.renamed'));
          }}
        />
      ) : null}
      {removing ? (
        <ConfirmDialog
          title={t('settings.webauthn.removeLabel', { name: removing.description })}
          body={t('settings.webauthn.removeConfirm', { name: removing.description })}
          confirm={t('settings.webauthn.remove')}
          onCancel={() => setRemoving(undefined)}
          onConfirm={remove(removing)}
        />
      ) : null}
    </Section>
  );
}

function AddKeyDialog(props: {
  guard: SectionProps['guard'];
  onClose: () => void;
  onDone: (name: string) => Promise<void>;
}) {
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const start: Action = async () => {
    const description = name.trim();
    if (!description) return setError(t('settings.webauthn.nameRequired'));
    setBusy(true);
    setError('');
    const options = await api.webauthnRegisterStart(description);
    if (!options.ok) {
      setBusy(false);
      return setError(options.status === 409 ? t('error.webauthnExcluded') : failureText(options));
    }
    const ceremony = await register(options.data.publicKey);
    if (!ceremony.ok) {
      setBusy(false);
      return setError(t(ceremony.key));
    }
    const r = await api.webauthnRegisterFinish(ceremony.response);
    setBusy(false);
    if (!r.ok) return setError(failureText(r, 'webauthn'));
    await props.onDone(description);
  };

  return (
    <Dialog title={t('settings.webauthn.add')} onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
        noValidate
      >
        <Field
          label={t('settings.webauthn.name')}
          name="description"
          placeholder={t('settings.webauthn.namePlaceholder')}
          maxLength={64}
          autoFocus
          value={name}
          error={error || undefined}
          hint={busy ? t('settings.webauthn.waiting') : undefined}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <div class="dialog-actions">
          <Button variant="ghost" onClick={props.onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" busy={busy}>
            {t('settings.webauthn.register')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function RenameDialog(props: {
  credential: WebAuthnCredentialInfo;
  onClose: () => void;
  onDone: () => Promise<void>;
}) {
  const [name, setName] = useState(props.credential.description);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  return (
    <Dialog title={t('settings.webauthn.rename')} onClose={props.onClose}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!name.trim()) return setError(t('settings.webauthn.nameRequired'));
          setBusy(true);
          const r = await api.webauthnRename(props.credential.id, name.trim());
          setBusy(false);
          if (!r.ok) return setError(failureText(r));
          await props.onDone();
        }}
        noValidate
      >
        <Field
          label={t('settings.webauthn.renameLabel', { name: props.credential.description })}
          name="description"
          maxLength={64}
          autoFocus
          value={name}
          error={error || undefined}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <div class="dialog-actions">
          <Button variant="ghost" onClick={props.onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" busy={busy}>
            {t('common.save')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function PasswordSection(props: SectionProps & { username: string }) {
  const [open, setOpen] = useState(false);
  return (
    <Section title={t('settings.password.title')} desc={t('settings.password.desc')} icon={<LockIcon />}>
      <Button variant="secondary" onClick={() => props.elevated(async () => setOpen(true))}>
        {t('settings.password.change')}
      </Button>
      {open ? (
        <ChangePasswordDialog
          username={props.username}
          onClose={() => setOpen(false)}
          onDone={() => {
            setOpen(false);
            props.done(t('settings.password.changed'));
          }}
        />
      ) : null}
    </Section>
  );
}

function ChangePasswordDialog(props: { username: string; onClose: () => void; onDone: () => void }) {
  const [policy, setPolicy] = useState<PasswordPolicyResponse>();
  const [old, setOld] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  useEffect(() => {
    void api.passwordPolicy().then((r) => r.ok && setPolicy(r.data));
  }, []);
  return (
    <Dialog title={t('settings.password.change')} onClose={props.onClose}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (password !== confirm) return setMismatch(true);
          setMismatch(false);
          setBusy(true);
          setError('');
          const r = await api.changePassword({
            username: props.username,
            old_password: old,
            new_password: password,
          });
          setBusy(false);
          if (!r.ok) return setError(r.status === 401 ? t('error.credentials') : failureText(r));
          props.onDone();
        }}
        noValidate
      >
        {error ? <Alert kind="error">{error}</Alert> : null}
        <Field
          label={t('settings.password.old')}
          name="current-password"
          type="password"
          autoComplete="current-password"
          autoFocus
          value={old}
          onInput={(e) => setOld(e.currentTarget.value)}
        />
        <NewPasswordFields
          policy={policy}
          password={password}
          confirm={confirm}
          mismatch={mismatch}
          onPassword={setPassword}
          onConfirm={setConfirm}
        />
        <div class="dialog-actions">
          <Button variant="ghost" onClick={props.onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" busy={busy}>
            {t('settings.password.change')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function ElevationDialog(props: {
  email: string | undefined;
  error: string;
  onClose: () => void;
  onResend: () => Promise<void>;
  onSubmit: (code: string) => Promise<void>;
}) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <Dialog title={t('elevation.title')} onClose={props.onClose}>
      <p>{props.email ? t('elevation.body', { email: props.email }) : t('elevation.bodyNoEmail')}</p>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (busy || !code.trim()) return;
          setBusy(true);
          await props.onSubmit(code.trim());
          setBusy(false);
        }}
        noValidate
      >
        <Field
          label={t('elevation.code')}
          name="otc"
          autoComplete="one-time-code"
          autoCapitalize="characters"
          spellcheck={false}
          autoFocus
          value={code}
          error={props.error || undefined}
          onInput={(e) => setCode(e.currentTarget.value)}
        />
        <div class="dialog-actions">
          <Button variant="ghost" onClick={() => void props.onResend()}>
            {t('elevation.resend')}
          </Button>
          <Button type="submit" busy={busy}>
            {t('elevation.submit')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function ConfirmDialog(props: {
  title: string;
  body: string;
  confirm: string;
  onCancel: () => void;
  onConfirm: Action;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <Dialog title={props.title} onClose={props.onCancel}>
      <p>{props.body}</p>
      <div class="dialog-actions">
        <Button variant="ghost" onClick={props.onCancel} autoFocus>
          {t('common.cancel')}
        </Button>
        <Button
          variant="danger"
          busy={busy}
          onClick={async () => {
            setBusy(true);
            await props.onConfirm();
            setBusy(false);
          }}
        >
          {props.confirm}
        </Button>
      </div>
    </Dialog>
  );
}

function Select(props: {
  label: string;
  value: string;
  options: readonly string[];
  onChange: (v: string) => void;
}) {
  const id = `sel-${props.label.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}

function PhoneIcon() {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" class="icon" aria-hidden="true">
      <rect x="6" y="2" width="12" height="20" rx="2.5" />
      <path d="M10.5 18.5h3" />
    </svg>
  );
}

function LockIcon() {
  return (
    <svg width="22" height="22" viewBox="0 0 24 24" class="icon" aria-hidden="true">
      <rect x="4.5" y="10.5" width="15" height="10" rx="2" />
      <path d="M8 10.5V7.5a4 4 0 0 1 8 0v3" />
    </svg>
  );
}
