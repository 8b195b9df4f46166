/** `portcullis access-control check-policy`: which access_control rule and policy apply to a request (Authelia's command). */
import { isIP } from 'node:net';
import type { Command } from 'commander';
import type { CompiledAccessControl, ExplainRow, Verdict } from '../../authz/index.js';
import { ConfigError, PortcullisError } from '../../core/index.js';
import { EXIT } from '../exit-codes.js';

export interface CheckPolicyInput {
  readonly url: string;
  readonly method: string;
  readonly username: string;
  readonly groups: readonly string[];
  readonly ip: string;
  readonly verbose: boolean;
}

const COLUMNS = ['Domain', 'Resource', 'Query', 'Method', 'Network', 'Subject'] as const;
const CRITERIA = ['domain', 'resources', 'query', 'methods', 'networks', 'subject'] as const;

/** Go text/tabwriter with padding 4: every cell but the last is padded to its column's widest cell plus 4. */
function tabulate(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  }
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 4))).join(''));
}

function describeRequest(input: CheckPolicyInput): string {
  let s = `Performing policy check for request to '${input.url}'`;
  if (input.method) s += ` method '${input.method}'`;
  if (input.username) s += ` username '${input.username}'`;
  if (input.groups.length) s += ` groups '${input.groups.join(',')}'`;
  if (isIP(input.ip)) s += ` from IP '${input.ip}'`;
  return `${s}.`;
}

/** The same summary sentences as upstream, so scripts written against Authelia keep working. */
function summary(rows: readonly ExplainRow[], defaultPolicy: string): string {
  const applied = rows.find((r) => r.verdict === 'hit' && !r.skipped);
  const potential = rows.find((r) => r.verdict === 'may' && !r.skipped);
  if (applied && (!potential || potential.rule > applied.rule)) {
    return `The policy '${applied.policy}' from rule #${applied.rule} will be applied to this request.`;
  }
  if (potential && applied) {
    return `The policy '${potential.policy}' from rule #${potential.rule} will potentially be applied to this request. If not policy '${applied.policy}' from rule #${applied.rule} will be.`;
  }
  if (potential) {
    return `The policy '${potential.policy}' from rule #${potential.rule} will potentially be applied to this request. Otherwise the policy '${defaultPolicy}' from the default policy will be.`;
  }
  return `The policy '${defaultPolicy}' from the default policy will be applied to this request as no rules matched the request.`;
}

/** Upstream's table (rows up to the applied rule; all rows with --verbose), plus the reason per criterion when verbose. */
export function formatCheckPolicy(
  acl: CompiledAccessControl,
  rows: readonly ExplainRow[],
  input: CheckPolicyInput,
): string {
  if (acl.ruleCount === 0) {
    return `\nThe default policy '${acl.defaultPolicy}' will be applied to ALL requests as no rules are configured.\n\n`;
  }
  const table: string[][] = [['  #', ...COLUMNS]];
  for (const row of rows) {
    if (row.skipped && !input.verbose) break;
    const marker = row.skipped ? ' ' : row.verdict === 'hit' ? '*' : row.verdict === 'may' ? '~' : ' ';
    table.push([`${marker} ${row.rule}`, ...CRITERIA.map((c): Verdict => row[c].verdict)]);
  }
  const out = [describeRequest(input), '', ...tabulate(table), ''];
  if (input.verbose) {
    for (const row of rows) {
      const state = row.skipped ? `${row.verdict}, skipped: an earlier rule applies` : row.verdict;
      out.push(`Rule #${row.rule} (${row.policy}): ${state}`);
      const used = CRITERIA.filter((c) => row[c].configured);
      if (used.length === 0) out.push('    no criteria: matches every request');
      for (const c of used) out.push(`    ${c.padEnd(13)}${row[c].verdict.padEnd(8)}${row[c].why}`);
      out.push('');
    }
  }
  out.push(summary(rows, acl.defaultPolicy), '', '');
  return out.join('\n');
}

const collect = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean),
];

export function defineAccessControlCommands(program: Command): void {
  const ac = program.command('access-control').description('Work with the access_control rules.');
  ac.command('check-policy')
    .description('Show which access_control rule and policy apply to a request, and why.')
    .option(
      '-c, --config <file...>',
      'configuration file(s) or directories, merged in order (default: $X_AUTHELIA_CONFIG or configuration.yml)',
    )
    .requiredOption('--url <url>', 'the url of the object')
    .option('--method <method>', 'the HTTP method of the object', 'GET')
    .option('--username <name>', 'the username of the subject', '')
    .option('--groups <list>', 'the groups of the subject (comma-separated, repeatable)', collect)
    .option('--ip <ip>', 'the ip of the subject', '')
    .option('--verbose', 'print every rule and the reason for each criterion', false)
    .addHelpText(
      'after',
      `
Examples:
  $ portcullis access-control check-policy --config configuration.yml --url https://example.com
  $ portcullis access-control check-policy --config configuration.yml --url https://example.com/api --method POST \\
      --username john --groups admin,dev --ip 192.168.1.10 --verbose

Output: one row per rule with hit/miss/may for Domain, Resource, Query, Method, Network and Subject.
'*' marks the rule that applies, '~' a rule that applies if the anonymous user turns out to match its subject.

Exit codes: 0 printed · 1 configuration invalid · 2 usage error`,
    )
    .action(
      async (opts: {
        config?: string[];
        url: string;
        method: string;
        username: string;
        groups?: string[];
        ip: string;
        verbose: boolean;
      }) => {
        let url: URL;
        try {
          url = new URL(opts.url);
        } catch {
          throw new PortcullisError('ERR_CLI_USAGE', `--url '${opts.url}' is not an absolute URL`);
        }
        const [{ loadConfigOrThrow, formatIssues }, authz] = await Promise.all([
          import('../../config/index.js'),
          import('../../authz/index.js'),
        ]);
        let config: Awaited<ReturnType<typeof loadConfigOrThrow>>['config'];
        try {
          ({ config } = await loadConfigOrThrow(opts.config ?? [], process.env));
        } catch (e) {
          if (!(e instanceof ConfigError)) throw e;
          console.error(formatIssues(e.issues));
          console.error('failed to execute command due to errors in the configuration');
          process.exitCode = EXIT.FAILED;
          return;
        }
        const acl = authz.compileAccessControl(config.accessControl);
        const input: CheckPolicyInput = {
          url: opts.url,
          method: opts.method,
          username: opts.username,
          groups: opts.groups ?? [],
          ip: opts.ip,
          verbose: opts.verbose,
        };
        const subject = { username: input.username, groups: input.groups, ip: input.ip };
        const rows = acl.explain(subject, authz.targetFromUrl(url, input.method));
        process.stdout.write(formatCheckPolicy(acl, rows, input));
      },
    );
}
