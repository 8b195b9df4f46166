/**
 * Email bodies: built-in text and HTML for each template, replaceable file by file from `notifier.template_path`
 * (`<Name>.txt` / `<Name>.html`). Overrides use Authelia's `{{ .Field }}` placeholders; other Go template actions
 * are not interpreted.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PortcullisError } from '../core/index.js';
import type { TemplateName } from './types.js';

const TEXT: Record<TemplateName, string> = {
  IdentityVerificationOTC: `Hi {{ .DisplayName }},

This email has been sent to you in order to validate your identity. Purpose: {{ .Title }}.

If you did not initiate the process your credentials might have been compromised and you should:
  1. Revoke this code: {{ .RevocationLinkURL }}
  2. Reset your password or other login credentials
  3. Contact an administrator

To confirm your identity, enter this one-time code in the portal:

    {{ .OneTimeCode }}

This request was made from the IP address {{ .RemoteIP }} for {{ .Domain }}.
`,
  IdentityVerificationJWT: `Hi {{ .DisplayName }},

This email has been sent to you in order to validate your identity. Purpose: {{ .Title }}.

If you did not initiate the process your credentials might have been compromised and you should:
  1. Revoke this link: {{ .RevocationLinkURL }}
  2. Reset your password or other login credentials
  3. Contact an administrator

To continue, visit this link (valid for {{ .LinkExpiresIn }}):

    {{ .LinkURL }}

This request was made from the IP address {{ .RemoteIP }} for {{ .Domain }}.
`,
  Event: `Hi {{ .DisplayName }},

{{ .BodyPrefix }}{{ .BodyEvent }}{{ .BodySuffix }}

Details:
{{ .Details }}

If you did not make this change, contact an administrator right away.
This change was made from the IP address {{ .RemoteIP }} for {{ .Domain }}.
`,
  DetectionAlert: `Portcullis detection alert

{{ .Summary }}

{{ .Details }}

See the bans with: portcullis bans list
Lift one with: portcullis bans remove ip VALUE (or: user VALUE)
At most one alert mail is sent every {{ .Interval }}; detections in between are collected into the next one.
`,
};

const FRAME = (body: string) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1d2330">
<div style="max-width:520px;margin:0 auto;background:#fff;border-radius:12px;padding:32px;border:1px solid #e3e6ea">
<h1 style="font-size:20px;margin:0 0 16px">{{ .Title }}</h1>
<p>Hi {{ .DisplayName }},</p>
${body}
<p style="font-size:12px;color:#5b6472;margin-top:32px">This request was made from the IP address {{ .RemoteIP }} for {{ .Domain }}.</p>
</div></body></html>
`;

const HTML: Record<TemplateName, string> = {
  IdentityVerificationOTC: FRAME(`<p>Enter this one-time code in the portal to confirm your identity:</p>
<p style="font-size:28px;letter-spacing:4px;font-weight:700;font-family:ui-monospace,monospace">{{ .OneTimeCode }}</p>
<p>If you did not ask for it, <a href="{{ .RevocationLinkURL }}">{{ .RevocationLinkText }}</a> the code, reset your password and contact an administrator.</p>`),
  IdentityVerificationJWT: FRAME(`<p>To continue, follow this link (valid for {{ .LinkExpiresIn }}):</p>
<p><a href="{{ .LinkURL }}" style="display:inline-block;background:#2f5bd3;color:#fff;padding:10px 18px;border-radius:8px;text-decoration:none">{{ .LinkText }}</a></p>
<p>If you did not ask for it, <a href="{{ .RevocationLinkURL }}">{{ .RevocationLinkText }}</a> the link and contact an administrator.</p>`),
  Event: FRAME(`<p>{{ .BodyPrefix }}<strong>{{ .BodyEvent }}</strong>{{ .BodySuffix }}</p>
<pre style="background:#f4f5f7;padding:12px;border-radius:8px;white-space:pre-wrap">{{ .Details }}</pre>
<p>If you did not make this change, contact an administrator right away.</p>`),
  // Addressed to administrators, not to a user: no greeting, no "this request was made from" footer.
  DetectionAlert: `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1d2330">
<div style="max-width:640px;margin:0 auto;background:#fff;border-radius:12px;padding:32px;border:1px solid #e3e6ea">
<h1 style="font-size:20px;margin:0 0 16px;color:#b42318">{{ .Title }}</h1>
<p><strong>{{ .Summary }}</strong></p>
<pre style="background:#f4f5f7;padding:12px;border-radius:8px;white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:13px">{{ .Details }}</pre>
<p>See the bans with <code>portcullis bans list</code>; lift one with <code>portcullis bans remove ip VALUE</code> (or <code>user VALUE</code>).</p>
<p style="font-size:12px;color:#5b6472;margin-top:32px">At most one alert mail is sent every {{ .Interval }}; detections in between are collected into the next one.</p>
</div></body></html>
`,
};

const PLACEHOLDER = /\{\{\s*\.(\w+)\s*\}\}/g;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface Templates {
  render(name: TemplateName, values: Readonly<Record<string, string>>): { text: string; html: string };
}

function readOverride(dir: string, file: string): string | undefined {
  try {
    return readFileSync(join(dir, file), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PortcullisError(
      'ERR_CONFIG_UNREADABLE',
      `notifier.template_path: cannot read '${join(dir, file)}': ${(e as Error).message}`,
      { cause: e },
    );
  }
}

/** Loads the templates once at start-up: a file missing under `templatePath` keeps the built-in one. */
export function loadTemplates(templatePath: string): Templates {
  const text = { ...TEXT };
  const html = { ...HTML };
  if (templatePath) {
    for (const name of Object.keys(TEXT) as TemplateName[]) {
      text[name] = readOverride(templatePath, `${name}.txt`) ?? text[name];
      html[name] = readOverride(templatePath, `${name}.html`) ?? html[name];
    }
  }
  return {
    render(name, values) {
      const get = (k: string) => values[k] ?? '';
      return {
        text: text[name].replace(PLACEHOLDER, (_m, k: string) => get(k)),
        html: html[name].replace(PLACEHOLDER, (_m, k: string) => escapeHtml(get(k))),
      };
    },
  };
}
