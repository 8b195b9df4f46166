/** Form building blocks: every input has a visible label, errors are announced and tied to their field. */
import type { ButtonHTMLAttributes, ComponentChildren, TargetedEvent, TargetedKeyboardEvent } from 'preact';
import { useId } from 'preact/hooks';
import { t } from '../i18n/index.js';

/** The input attributes the portal uses (Preact 11's input typings are a union too wide to spread). */
interface InputProps {
  label: string;
  error?: string | undefined;
  hint?: string | undefined;
  trailing?: ComponentChildren;
  name: string;
  value: string;
  type?: 'text' | 'password';
  class?: string;
  autoComplete?:
    | 'username'
    | 'username webauthn'
    | 'current-password'
    | 'new-password'
    | 'one-time-code'
    | 'off';
  autoCapitalize?: 'none' | 'characters';
  autoFocus?: boolean | undefined;
  spellcheck?: boolean;
  required?: boolean;
  placeholder?: string;
  maxLength?: number;
  inputMode?: 'numeric' | 'text';
  pattern?: string;
  onInput: (e: TargetedEvent<HTMLInputElement, Event>) => void;
  onKeyUp?: (e: TargetedKeyboardEvent<HTMLInputElement>) => void;
}

export function Field({ label, error, hint, trailing, type = 'text', ...input }: InputProps) {
  const id = useId();
  const describedBy =
    [error ? `${id}-err` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ') || undefined;
  const attrs = {
    id,
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': describedBy,
    ...input,
  };
  return (
    <div class={error ? 'field field-invalid' : 'field'}>
      <label for={id}>{label}</label>
      <div class="field-row">
        {type === 'password' ? <input type="password" {...attrs} /> : <input type="text" {...attrs} />}
        {trailing}
      </div>
      {hint ? (
        <p class="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p class="field-error" id={`${id}-err`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function Checkbox(props: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  return (
    <div class="check">
      <input
        id={id}
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)}
      />
      <label for={id}>{props.label}</label>
    </div>
  );
}

export function Button(
  props: ButtonHTMLAttributes<HTMLButtonElement> & {
    variant?: 'primary' | 'secondary' | 'ghost' | 'danger';
    busy?: boolean;
  },
) {
  const { variant = 'primary', busy, children, class: cls, ...rest } = props;
  return (
    <button
      type="button"
      {...rest}
      class={`btn btn-${variant}${cls ? ` ${cls}` : ''}`}
      disabled={busy || rest.disabled}
      aria-busy={busy ? 'true' : undefined}
    >
      {busy ? <span class="spinner spinner-sm" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}

export function Alert(props: {
  kind: 'error' | 'success' | 'info';
  children: ComponentChildren;
  onDismiss?: () => void;
}) {
  return (
    <div class={`alert alert-${props.kind}`} role={props.kind === 'error' ? 'alert' : 'status'}>
      <span class="alert-icon" aria-hidden="true">
        {props.kind === 'error' ? '!' : props.kind === 'success' ? '✓' : 'i'}
      </span>
      <div class="alert-body">{props.children}</div>
      {props.onDismiss ? (
        <button type="button" class="alert-close" aria-label={t('common.dismiss')} onClick={props.onDismiss}>
          ×
        </button>
      ) : null}
    </div>
  );
}
