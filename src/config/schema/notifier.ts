/** Shape of `notifier`: filesystem or SMTP. */
import { bool, dur, obj, str, tlsSpec } from './spec.js';

export const notifierSpec = obj({
  disable_startup_check: bool(),
  template_path: str(),
  filesystem: obj({ filename: str() }),
  smtp: obj({
    address: str(),
    timeout: dur(),
    username: str(),
    password: str(),
    sender: str(),
    identifier: str(),
    subject: str(),
    startup_check_address: str(),
    disable_require_tls: bool(),
    disable_starttls: bool(),
    disable_html_emails: bool(),
    tls: tlsSpec(),
  }),
});
