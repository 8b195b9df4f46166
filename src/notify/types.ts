/** What the notifier sends and the interface every transport implements. */

export interface Recipient {
  readonly address: string;
  readonly name: string;
}

/** Authelia's template names (also the file names looked up under `notifier.template_path`). */
export type TemplateName =
  | 'IdentityVerificationOTC'
  | 'IdentityVerificationJWT'
  | 'Event'
  /** Portcullis-only: a detection alert to the administrators (detection.alerts.email). */
  | 'DetectionAlert';

export interface Mail {
  readonly to: Recipient;
  /** The subject's `{title}` and the template's `{{ .Title }}`. */
  readonly title: string;
  readonly template: TemplateName;
  /** Template values by Authelia's field names (DisplayName, OneTimeCode, LinkURL, RemoteIP …). */
  readonly values: Readonly<Record<string, string>>;
}

export interface Notifier {
  send(mail: Mail): Promise<void>;
  /** The startup check: connect (and authenticate) without sending anything. */
  check(): Promise<void>;
  close(): void;
}
