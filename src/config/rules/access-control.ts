/** access_control and named networks (authelia-reference B.2; upstream validator/access_control.go). */
import { joinAnd } from '../deprecations.js';
import { joinPath } from '../locate.js';
import { parseCidr } from '../networks.js';
import { arr, joinOr, obj, type Rule, type RuleContext, rawAt } from './context.js';
import { checkRegex } from './regex.js';

const POLICIES = ['bypass', 'one_factor', 'two_factor', 'deny'];
const METHODS = [
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'TRACE',
  'CONNECT',
  'OPTIONS',
  'COPY',
  'LOCK',
  'MKCOL',
  'MOVE',
  'PROPFIND',
  'PROPPATCH',
  'UNLOCK',
];
const OPERATORS = ['present', 'absent', 'equal', 'not equal', 'pattern', 'not pattern'];
/** Named groups that make a regex identity-dependent (upstream authorization.IdentitySubexpNames). */
const IDENTITY_GROUPS = ['User', 'Group'];

const strings = (v: unknown): string[] => arr(v).filter((x): x is string => typeof x === 'string');

function descriptor(position: number, domains: readonly string[]): string {
  return domains.length === 0 ? `#${position}` : `#${position} (domain '${domains.join(',')}')`;
}

const defaultPolicy: Rule = ({ raw, config, error, warn }) => {
  const policy = config.accessControl.defaultPolicy;
  const path = 'access_control.default_policy';
  if (!POLICIES.includes(policy)) {
    error(
      path,
      `access_control: option 'default_policy' must be one of ${joinOr(POLICIES)} but it's configured as '${policy}'`,
    );
    return;
  }
  if (arr(rawAt(raw, 'access_control.rules')).length !== 0) return;
  if (policy !== 'one_factor' && policy !== 'two_factor') {
    error(
      path,
      `access_control: 'default_policy' option '${policy}' is invalid: when no rules are specified it must be 'two_factor' or 'one_factor'`,
    );
  } else {
    warn(
      path,
      `access_control: no rules have been specified so the 'default_policy' of '${policy}' is going to be applied to all requests`,
    );
  }
};

function checkQuery(ctx: RuleContext, rule: Record<string, unknown>, path: string, desc: string): void {
  arr(rule['query']).forEach((group, j) => {
    arr(group).forEach((item, k) => {
      const q = obj(item);
      const p = `${path}.query[${j}][${k}]`;
      const operator = typeof q['operator'] === 'string' ? q['operator'] : '';
      const key = typeof q['key'] === 'string' ? q['key'] : '';
      const value = q['value'];
      let op = operator.toLowerCase();
      if (operator !== '' && !OPERATORS.includes(op)) {
        ctx.error(
          joinPath(p, 'operator'),
          `access_control: rule ${desc}: query: option 'operator' must be one of ${joinOr(OPERATORS)} but it's configured as '${operator}'`,
        );
        return;
      }
      if (key === '')
        ctx.error(p, `access_control: rule ${desc}: query: option 'key' is required but it's absent`);
      if (op === '' && key !== '')
        op = value === undefined || value === null || value === '' ? 'present' : 'equal';
      if (op === '') return;
      if (value === undefined || value === null) {
        if (op !== 'present' && op !== 'absent') {
          ctx.error(
            p,
            `access_control: rule ${desc}: query: option 'value' must be present when the option 'operator' is '${op}' but it's absent`,
          );
        }
        return;
      }
      if (typeof value !== 'string') {
        const goType =
          typeof value === 'number' ? (Number.isInteger(value) ? 'int' : 'float64') : typeof value;
        ctx.error(
          joinPath(p, 'value'),
          `access_control: rule ${desc}: query: option 'value' is invalid: expected type was string but got ${Array.isArray(value) ? '[]interface {}' : goType}`,
        );
        return;
      }
      if ((op === 'present' || op === 'absent') && value !== '') {
        ctx.error(
          joinPath(p, 'value'),
          `access_control: rule ${desc}: query: option 'value' must not be present when the option 'operator' is '${op}' but it's present`,
        );
      }
      if (op === 'pattern' || op === 'not pattern') {
        const r = checkRegex(value);
        if (!r.ok)
          ctx.error(
            joinPath(p, 'value'),
            `access_control: rule ${desc}: query: option 'value' is invalid: ${r.error}`,
          );
      }
    });
  });
}

function checkRegexList(
  ctx: RuleContext,
  values: readonly string[],
  path: string,
  option: string,
  desc: string,
): string[] {
  const groups: string[] = [];
  values.forEach((source, i) => {
    const r = checkRegex(source);
    if (r.ok) groups.push(...r.groups);
    else {
      ctx.error(
        `${path}.${option}[${i}]`,
        `access_control: rule ${desc}: option '${option}' with value '${source}' is invalid: ${r.error}`,
      );
    }
  });
  return groups;
}

const rules: Rule = (ctx) => {
  const { raw, config } = ctx;
  arr(rawAt(raw, 'access_control.rules')).forEach((item, i) => {
    const rule = obj(item);
    const path = `access_control.rules[${i}]`;
    const position = i + 1;
    const domains = strings(rule['domain']);
    const desc = descriptor(position, domains);

    if (domains.length + strings(rule['domain_regex']).length === 0) {
      ctx.error(
        path,
        `access_control: rule ${desc}: option 'domain' or 'domain_regex' must be present but are both absent`,
      );
    }
    domains.forEach((domain, j) => {
      if (domain.length > 1 && domain[0] === '*' && domain[1] !== '.') {
        ctx.warn(
          `${path}.domain[${j}]`,
          `access_control: rule #${position}: domain #${j + 1}: domain '${domain}' is ineffective and should probably be '*.${domain.slice(1)}' instead`,
        );
      }
    });

    const policy = typeof rule['policy'] === 'string' ? rule['policy'] : '';
    if (policy === '')
      ctx.error(path, `access_control: rule ${desc}: option 'policy' must be present but it's absent`);
    else if (!POLICIES.includes(policy)) {
      ctx.error(
        `${path}.policy`,
        `access_control: rule ${desc}: option 'policy' must be one of ${joinOr(POLICIES)} but it's configured as '${policy}'`,
      );
    }

    const subjects = arr(rule['subject']).flatMap((g) => strings(g));
    for (const subject of subjects) {
      if (subject.startsWith('user:') || subject.startsWith('group:')) continue;
      if (subject.startsWith('oauth2:client:')) {
        // Portcullis has no OpenID Connect provider, so no client id can be registered.
        ctx.error(
          `${path}.subject`,
          `access_control: rule ${desc}: option 'subject' with value '${subject}' is invalid: the client id '${subject.slice('oauth2:client:'.length)}' does not belong to a registered client`,
        );
        continue;
      }
      ctx.error(
        `${path}.subject`,
        `access_control: rule ${desc}: 'subject' option '${subject}' is invalid: must start with 'user:', 'group:', or 'oauth2:client:'`,
      );
    }

    const methods = strings(rule['methods']);
    const invalid = methods.filter((m) => !METHODS.includes(m));
    const duplicates = [
      ...new Set(methods.filter((m, j) => METHODS.includes(m) && methods.indexOf(m) !== j)),
    ];
    if (invalid.length) {
      ctx.error(
        `${path}.methods`,
        `access_control: rule ${desc}: option 'methods' must only have the values ${joinOr(METHODS)} but the values ${joinAnd(invalid)} are present`,
      );
    }
    if (duplicates.length) {
      ctx.error(
        `${path}.methods`,
        `access_control: rule ${desc}: option 'methods' must have unique values but the values ${joinAnd(duplicates)} are duplicated`,
      );
    }

    strings(rule['networks']).forEach((network, j) => {
      if (network in config.networks || parseCidr(network)) return;
      ctx.error(
        `${path}.networks[${j}]`,
        `access_control: rule ${desc}: the network '${network}' is not a valid Group Name, IP, or CIDR notation`,
      );
    });

    const domainGroups = checkRegexList(ctx, strings(rule['domain_regex']), path, 'domain_regex', desc);
    checkRegexList(ctx, strings(rule['resources']), path, 'resources', desc);
    checkQuery(ctx, rule, path, desc);

    if (policy === 'bypass') {
      if (subjects.length) {
        ctx.error(
          `${path}.subject`,
          `access_control: rule ${desc}: 'policy' option 'bypass' is not supported when 'subject' option is configured: see https://www.authelia.com/c/acl#bypass`,
        );
      }
      if (domainGroups.some((g) => IDENTITY_GROUPS.includes(g))) {
        ctx.error(
          `${path}.domain_regex`,
          `access_control: rule ${desc}: 'policy' option 'bypass' is not supported when 'domain_regex' option contains the user or group named matches. For more information see: https://www.authelia.com/c/acl-match-concept-2`,
        );
      }
    }
  });
};

const networks: Rule = ({ raw, error }) => {
  const defined = obj(rawAt(raw, 'definitions.network'));
  for (const [name, value] of Object.entries(defined)) {
    strings(value).forEach((cidr, j) => {
      if (!parseCidr(cidr)) {
        error(
          `definitions.network.${name}[${j}]`,
          `definitions: network: '${name}' is invalid: the network '${cidr}' is not a valid IP or CIDR notation`,
        );
      }
    });
  }
  arr(rawAt(raw, 'access_control.networks')).forEach((item, i) => {
    const entry = obj(item);
    const path = `access_control.networks[${i}]`;
    const name = typeof entry['name'] === 'string' ? entry['name'] : '';
    if (name === '')
      error(path, `access_control: networks: network group #${i + 1}: option 'name' is required`);
    if (name !== '' && name in defined) {
      error(
        `${path}.name`,
        `error occurred during unmarshaling definitions configuration: the definition for network with name '${name}' exists in both the definitions section and access control section which is not permitted`,
      );
    }
    strings(entry['networks']).forEach((cidr, j) => {
      if (!parseCidr(cidr)) {
        error(
          `${path}.networks[${j}]`,
          `access_control: networks: network group '${name}' is invalid: the network '${cidr}' is not a valid IP or CIDR notation`,
        );
      }
    });
  });
};

export const accessControlRules: readonly Rule[] = [networks, defaultPolicy, rules];
