/** `portcullis sessions list|revoke`: who is signed in where, and the "sign everyone out" after an incident. */
import type { Command } from 'commander';
import { PortcullisError } from '../../core/index.js';

const CONFIG_HELP = 'configuration file(s), as for serve (needed to reach storage and session.redis)';

async function withSessions<T>(
  files: string[] | undefined,
  fn: (s: Awaited<ReturnType<typeof import('../../app/index.js').openSessionAdmin>>) => Promise<T>,
): Promise<T> {
  const { loadConfigOrThrow } = await import('../../config/index.js');
  const { openSessionAdmin } = await import('../../app/index.js');
  const { config } = await loadConfigOrThrow(files ?? [], process.env);
  const s = await openSessionAdmin(config);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

export function defineSessionCommands(program: Command): void {
  const sessions = program
    .command('sessions')
    .description('List signed-in sessions and revoke them on every instance.');
  sessions
    .command('list')
    .description('Live sessions: user, client IP, created, last activity, remember-me, cookie domain.')
    .option('--user <username>', 'only this user’s sessions')
    .option('--json', 'one JSON array, for scripts')
    .option('-c, --config <file...>', CONFIG_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ portcullis sessions list -c configuration.yml
  $ portcullis sessions list --user john --json -c configuration.yml`,
    )
    .action(async (opts: { user?: string; json?: boolean; config?: string[] }) => {
      await withSessions(opts.config, async (s) => {
        const list = (await s.list(opts.user)).sort(
          (a, b) => a.username.localeCompare(b.username) || b.lastActivity - a.lastActivity,
        );
        const rows = list.map((x) => ({
          username: x.username,
          ip: x.ip,
          createdAt: iso(x.createdAt),
          lastActivity: iso(x.lastActivity),
          rememberMe: x.keepMeLoggedIn,
          cookieDomain: x.cookieDomain,
        }));
        if (opts.json) {
          console.log(JSON.stringify(rows, null, 2));
          return;
        }
        if (!rows.length) {
          console.log(opts.user ? `No live sessions for '${opts.user}'.` : 'No live sessions.');
          return;
        }
        const header = ['USER', 'IP', 'CREATED', 'LAST ACTIVITY', 'REMEMBER ME', 'DOMAIN'];
        const cells = rows.map((r) => [
          r.username,
          r.ip,
          r.createdAt,
          r.lastActivity,
          r.rememberMe ? 'yes' : 'no',
          r.cookieDomain,
        ]);
        const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
        for (const line of [header, ...cells])
          console.log(
            line
              .map((c, i) => c.padEnd(widths[i]!))
              .join('  ')
              .trimEnd(),
          );
        console.log(`${rows.length} session${rows.length === 1 ? '' : 's'}.`);
      });
    });
  sessions
    .command('revoke')
    .description(
      'Sign a user (or everyone) out on every instance; each revocation is written to the audit log.',
    )
    .option('--user <username>', 'revoke every session of this user')
    .option('--all', 'revoke every session of every user (after an incident)')
    .option('-c, --config <file...>', CONFIG_HELP)
    .addHelpText(
      'after',
      `
Other instances stop honouring the revoked sessions within 1 second (pushed over Redis when session.redis is
set; otherwise their cache of the SQL table expires within that time).

Examples:
  $ portcullis sessions revoke --user john -c configuration.yml
  $ portcullis sessions revoke --all -c configuration.yml`,
    )
    .action(async (opts: { user?: string; all?: boolean; config?: string[] }) => {
      if (Boolean(opts.user) === Boolean(opts.all))
        throw new PortcullisError('ERR_CLI_USAGE', 'give exactly one of --user <username> or --all');
      await withSessions(opts.config, async (s) => {
        if (opts.user) {
          const n = await s.revokeUser(opts.user);
          console.log(`Revoked ${n} session${n === 1 ? '' : 's'} of '${opts.user}'.`);
          return;
        }
        const r = await s.revokeAll();
        console.log(
          `Revoked ${r.sessions} session${r.sessions === 1 ? '' : 's'} of ${r.users} user${r.users === 1 ? '' : 's'}.`,
        );
      });
    });
}
