/** `portcullis bans list|add|remove`: the bans every instance honours (detection, regulation and manual ones). */
import type { Command } from 'commander';
import { parseDuration } from '../../config/index.js';
import { PortcullisError } from '../../core/index.js';

const CONFIG_HELP = 'configuration file(s), as for serve (needed to reach storage)';

function kindOf(k: string): 'ip' | 'user' {
  if (k === 'ip' || k === 'user') return k;
  throw new PortcullisError('ERR_CLI_USAGE', `the ban kind must be 'ip' or 'user', not '${k}'`);
}

async function withStorage<T>(
  files: string[] | undefined,
  fn: (s: Awaited<ReturnType<typeof import('../../app/index.js').openMonitoringStorage>>) => Promise<T>,
): Promise<T> {
  const { loadConfigOrThrow } = await import('../../config/index.js');
  const { openMonitoringStorage } = await import('../../app/index.js');
  const { config } = await loadConfigOrThrow(files ?? [], process.env);
  const s = await openMonitoringStorage(config);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

export function defineBanCommands(program: Command): void {
  const bans = program
    .command('bans')
    .description('List, add and lift IP and user bans (shared by every instance).');
  bans
    .command('list')
    .description('Bans in force.')
    .option('-c, --config <file...>', CONFIG_HELP)
    .action(async (opts: { config?: string[] }) => {
      await withStorage(opts.config, async (s) => {
        const list = await s.bans.list();
        if (!list.length) {
          console.log('No bans in force.');
          return;
        }
        for (const b of list) {
          console.log(
            `${b.kind.padEnd(5)}${b.value.padEnd(40)}until ${new Date(b.expiresAt).toISOString()}  ${b.reason}`,
          );
        }
      });
    });
  bans
    .command('add <kind> <value>')
    .description("Ban an IP (kind 'ip') or a user (kind 'user').")
    .option('--duration <duration>', 'how long (1h, 7d, …)', '1h')
    .option('--reason <text>', 'why, for the list and the audit log', 'manual')
    .option('-c, --config <file...>', CONFIG_HELP)
    .action(
      async (k: string, value: string, opts: { duration: string; reason: string; config?: string[] }) => {
        const kind = kindOf(k);
        const ms = parseDuration(opts.duration);
        if (ms === undefined || ms <= 0)
          throw new PortcullisError('ERR_CLI_USAGE', `--duration '${opts.duration}' is not a duration`);
        await withStorage(opts.config, async (s) => {
          const until = Date.now() + ms;
          await s.bans.ban(kind, value, until, `cli:${opts.reason}`);
          await s.record({
            type: 'ban.added',
            at: Date.now(),
            ...(kind === 'ip' ? { ip: value } : { username: value }),
            detail: { kind, value, until, source: 'cli', rule: opts.reason },
          });
          console.log(`Banned ${kind} '${value}' until ${new Date(until).toISOString()}.`);
        });
      },
    );
  bans
    .command('remove <kind> <value>')
    .description('Lift a ban.')
    .option('-c, --config <file...>', CONFIG_HELP)
    .action(async (k: string, value: string, opts: { config?: string[] }) => {
      const kind = kindOf(k);
      await withStorage(opts.config, async (s) => {
        const lifted = await s.bans.unban(kind, value);
        if (lifted) {
          await s.record({
            type: 'ban.removed',
            at: Date.now(),
            ...(kind === 'ip' ? { ip: value } : { username: value }),
            detail: { kind, value, source: 'cli' },
          });
        }
        console.log(
          lifted ? `Lifted the ban on ${kind} '${value}'.` : `No ban in force on ${kind} '${value}'.`,
        );
      });
    });
}
