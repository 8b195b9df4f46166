/** Every cross-field rule, in the order Authelia's ValidateConfiguration runs its validators. */
import { accessControlRules } from './access-control.js';
import type { Rule } from './context.js';
import { generalRules } from './general.js';
import { identityRules } from './identity.js';
import { monitoringRules } from './monitoring.js';
import { providerRules } from './providers.js';
import { secondFactorRules } from './second-factor.js';
import { serverRules } from './server.js';
import { sessionRules } from './session.js';

export const RULES: readonly Rule[] = [
  ...generalRules,
  ...secondFactorRules,
  ...identityRules,
  ...accessControlRules,
  ...sessionRules,
  ...serverRules,
  ...providerRules,
  ...monitoringRules,
];

export type { Rule, RuleContext } from './context.js';
