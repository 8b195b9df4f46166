/** One field for a numeric one-time code: numeric keyboard on phones, paste-friendly, autofill from SMS/apps. */
import { Field } from './controls.js';

export function CodeInput(props: {
  label: string;
  value: string;
  digits: number;
  error?: string | undefined;
  hint?: string | undefined;
  autoFocus?: boolean;
  onInput: (v: string) => void;
}) {
  return (
    <Field
      label={props.label}
      error={props.error}
      hint={props.hint}
      class="code"
      name="code"
      type="text"
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9]*"
      maxLength={props.digits}
      autoFocus={props.autoFocus}
      value={props.value}
      onInput={(e) =>
        props.onInput((e.currentTarget as HTMLInputElement).value.replace(/\D/g, '').slice(0, props.digits))
      }
    />
  );
}
