/** `portcullis storage migrate …` and `storage user totp …`: Authelia's storage commands, over the configured database. */
import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { ConfigError, PortcullisError } from '../../core/index.js';
import type { SqlClient } from '../../storage/index.js';
import { EXIT } from '../exit-codes.js';

const CONFIG_HELP = 'configuration file(s) or directories, merged in order, as for serve';

type App = typeof import('../../app/index.js');
type Storage = Awaited<ReturnType<App['openStorage']>>;

function integer(flag: string, value: string, min: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min)
    throw new PortcullisError(
      'ERR_CLI_USAGE',
      `${flag} '${value}' must be a whole number of at least ${min}`,
    );
  return n;
}

/** The configuration, or undefined after printing its issues (exit 1), as `serve` and check-policy do. */
async function loadConfig(files: string[] | undefined): Promise<Config | undefined> {
  const { formatIssues, loadConfigOrThrow } = await import('../../config/index.js');
  try {
    return (await loadConfigOrThrow(files ?? [], process.env)).config;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(formatIssues(e.issues));
    console.error('portcullis: failed to execute command due to errors in the configuration (listed above)');
    process.exitCode = EXIT.FAILED;
    return undefined;
  }
}

/**
 * The raw SQL connection, not migrated: the migrate commands decide what to apply. They run under the same
 * cross-instance lock as start-up, so a migration never races a starting instance.
 */
async function withSql<T>(
  files: string[] | undefined,
  fn: (app: App, sql: SqlClient) => Promise<T>,
): Promise<T | undefined> {
  const config = await loadConfig(files);
  if (!config) return undefined;
  const app = await import('../../app/index.js');
  const db = await app.openSqlDatabase(config.storage);
  try {
    return await db.locks.withLocks(['migrations'], () => fn(app, db.sql));
  } finally {
    await db.sql.close();
  }
}

/** Storage opened as serve opens it: migrated to the newest schema and the encryption key checked. */
async function withStorage<T>(
  files: string[] | undefined,
  fn: (s: Storage, config: Config) => Promise<T>,
): Promise<T | undefined> {
  const config = await loadConfig(files);
  if (!config) return undefined;
  const { openStorage } = await import('../../app/index.js');
  const s = await openStorage(config.storage);
  try {
    return await fn(s, config);
  } finally {
    await s.close();
  }
}

/** A device added or removed from the command line is a security event like one from the portal (audit log). */
async function auditDevice(config: Config, type: 'device.registered' | 'device.removed', username: string) {
  const { openMonitoringStorage } = await import('../../app/index.js');
  const m = await openMonitoringStorage(config);
  try {
    await m.record({ type, at: Date.now(), username, detail: { kind: 'totp', source: 'cli' } });
  } finally {
    await m.close();
  }
}

/** Prints a refusal the way main.ts prints errors, with exit code 1 ("the check answered no"). */
function refuse(message: string): void {
  console.error(`portcullis: ${message}`);
  process.exitCode = EXIT.FAILED;
}

function defineMigrate(storage: Command): void {
  const migrate = storage
    .command('migrate')
    .description(
      'Apply, revert and list the versioned schema migrations (serve applies pending ones itself).',
    );

  migrate
    .command('up')
    .description('Apply pending migrations, up to the newest or to --target.')
    .option('--target <version>', 'stop at this schema version')
    .option('-c, --config <file...>', CONFIG_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ portcullis storage migrate up --config configuration.yml
  $ portcullis storage migrate up --target 1 --config configuration.yml`,
    )
    .action(async (opts: { target?: string; config?: string[] }) => {
      await withSql(opts.config, async (app, sql) => {
        const newest = app.migrationsFor(sql.dialect).at(-1)?.version ?? 0;
        const target = opts.target === undefined ? newest : integer('--target', opts.target, 1);
        if (target > newest)
          throw new PortcullisError(
            'ERR_CLI_USAGE',
            `schema up migration target version ${target} is greater than the newest version ${newest}`,
          );
        const current = await app.currentVersion(sql);
        // A schema newer than every known migration falls through to migrateUp, which refuses it.
        if (target < current && current <= newest)
          throw new PortcullisError(
            'ERR_CLI_USAGE',
            `schema up migration target version ${target} is less than the current version ${current}: use 'storage migrate down'`,
          );
        const applied = await app.migrateUp(sql, app.migrationsFor(sql.dialect), target);
        console.log(
          applied.length
            ? `Storage schema migration from ${current} to ${target} is complete`
            : `Storage schema is already at version ${current}: nothing to do`,
        );
      });
    });

  migrate
    .command('down')
    .description('Revert migrations down to --target (required). Reverting may destroy data.')
    .option('--target <version>', 'the schema version to go back to (0 removes every table)')
    .option('-c, --config <file...>', CONFIG_HELP)
    .addHelpText(
      'after',
      `
Down migrations DROP tables: stop Portcullis and back up the database first.

Examples:
  $ portcullis storage migrate down --target 1 --config configuration.yml
  $ portcullis storage migrate down --target 0 --config configuration.yml`,
    )
    .action(async (opts: { target?: string; config?: string[] }) => {
      // Like Authelia, no default: going down destroys data, so the version must be spelled out.
      if (opts.target === undefined)
        throw new PortcullisError('ERR_CLI_USAGE', 'you must set a target version with --target');
      const target = integer('--target', opts.target, 0);
      await withSql(opts.config, async (app, sql) => {
        const current = await app.currentVersion(sql);
        if (target > current)
          throw new PortcullisError(
            'ERR_CLI_USAGE',
            `schema down migration target version ${target} is greater than the current version ${current}`,
          );
        const reverted = await app.migrateDown(sql, app.migrationsFor(sql.dialect), target);
        console.log(
          reverted.length
            ? `Storage schema migration from ${current} to ${target} is complete`
            : `Storage schema is already at version ${current}: nothing to do`,
        );
      });
    });

  migrate
    .command('history')
    .description('List the applied migrations.')
    .option('-c, --config <file...>', CONFIG_HELP)
    .addHelpText('after', '\nExample:\n  $ portcullis storage migrate history --config configuration.yml')
    .action(async (opts: { config?: string[] }) => {
      await withSql(opts.config, async (app, sql) => {
        const rows = await app.migrationHistory(sql);
        if (!rows.length) {
          console.log('No migration history is available for schemas that are not version 1 or above.');
          return;
        }
        const table = [
          ['Version', 'Name', 'Applied At'],
          ...rows.map((m) => [String(m.version), m.name, new Date(m.appliedAt).toISOString()]),
        ];
        const widths = table[0]?.map((_, i) => Math.max(...table.map((r) => r[i]?.length ?? 0))) ?? [];
        console.log('Migration History:\n');
        for (const r of table)
          console.log(
            r
              .map((c, i) => c.padEnd(widths[i] ?? 0))
              .join('    ')
              .trimEnd(),
          );
      });
    });
}

interface GenerateOpts {
  secret?: string;
  force?: boolean;
  algorithm?: string;
  digits?: string;
  period?: string;
  issuer?: string;
  secretSize?: string;
  config?: string[];
}

function defineTotp(storage: Command): void {
  const totp = storage
    .command('user')
    .description("Manage users' stored second-factor data.")
    .command('totp')
    .description('Generate, delete and export TOTP configurations.');

  totp
    .command('generate <username>')
    .description(
      'Generate (or, with --secret, restore) a TOTP configuration for a user and print its otpauth:// URI.',
    )
    .option(
      '--secret <base32>',
      "the shared secret as base32 (no padding); for restoring a user's existing one",
    )
    .option('-f, --force', 'replace the configuration the user already has')
    .option('--algorithm <name>', 'SHA1 (what most apps support), SHA256 or SHA512 (default: totp.algorithm)')
    .option('--digits <n>', '6 or 8 (default: totp.digits)')
    .option('--period <seconds>', 'seconds between codes (default: totp.period)')
    .option('--issuer <name>', 'the issuer shown by authenticator apps (default: totp.issuer)')
    .option('--secret-size <bytes>', 'random secret size, at least 20 (default: totp.secret_size)')
    .option('-c, --config <file...>', CONFIG_HELP)
    .addHelpText(
      'after',
      `
Put the username before --config: --config takes every value that follows it.

Examples:
  $ portcullis storage user totp generate john --config configuration.yml
  $ portcullis storage user totp generate john --algorithm SHA512 --digits 8 --config configuration.yml
  $ portcullis storage user totp generate john --force --secret JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP --config configuration.yml`,
    )
    .action(async (username: string, opts: GenerateOpts) => {
      const algorithm = opts.algorithm?.toUpperCase();
      if (algorithm !== undefined && algorithm !== 'SHA1' && algorithm !== 'SHA256' && algorithm !== 'SHA512')
        throw new PortcullisError(
          'ERR_CLI_USAGE',
          `--algorithm '${opts.algorithm}' must be SHA1, SHA256 or SHA512`,
        );
      const digits = opts.digits === undefined ? undefined : integer('--digits', opts.digits, 6);
      if (digits !== undefined && digits !== 6 && digits !== 8)
        throw new PortcullisError('ERR_CLI_USAGE', `--digits '${opts.digits}' must be 6 or 8`);
      const period = opts.period === undefined ? undefined : integer('--period', opts.period, 1);
      const secretSize =
        opts.secretSize === undefined ? undefined : integer('--secret-size', opts.secretSize, 20);
      const { newTotpRecord, secretFromBase32, totpUri } = await import('../../authn/index.js');
      let secret: Buffer | undefined;
      if (opts.secret !== undefined) {
        secret = secretFromBase32(opts.secret);
        if (!secret?.length)
          throw new PortcullisError('ERR_CLI_USAGE', '--secret must be base32 (letters A-Z and digits 2-7)');
      }
      await withStorage(opts.config, async (s, config) => {
        if (!opts.force && (await s.totp.get(username))) {
          refuse(`${username} already has a TOTP configuration, use --force to overwrite`);
          return;
        }
        const cfg = {
          ...config.totp,
          issuer: opts.issuer ?? config.totp.issuer,
          secretSize: secretSize ?? config.totp.secretSize,
        };
        const record = newTotpRecord(
          username,
          cfg,
          Date.now(),
          {
            ...(algorithm ? { algorithm } : {}),
            ...(digits ? { digits } : {}),
            ...(period ? { period } : {}),
          },
          secret,
        );
        await s.totp.save(record);
        await auditDevice(config, 'device.registered', username);
        console.log(
          `Successfully generated TOTP configuration for user '${username}' with URI '${totpUri(record)}'`,
        );
      });
    });

  totp
    .command('delete <username>')
    .description("Delete a user's TOTP configuration.")
    .option('-c, --config <file...>', CONFIG_HELP)
    .addHelpText(
      'after',
      '\nExample:\n  $ portcullis storage user totp delete john --config configuration.yml',
    )
    .action(async (username: string, opts: { config?: string[] }) => {
      await withStorage(opts.config, async (s, config) => {
        if (!(await s.totp.delete(username))) {
          refuse(
            `failed to delete TOTP configuration for user '${username}': no TOTP configuration for user`,
          );
          return;
        }
        await auditDevice(config, 'device.removed', username);
        console.log(`Successfully deleted TOTP configuration for user '${username}'`);
      });
    });

  totp
    .command('export')
    .description('Export TOTP configurations.')
    .command('uri')
    .description('Print every TOTP configuration as an otpauth:// URI (they contain the secrets).')
    .option('-c, --config <file...>', CONFIG_HELP)
    .addHelpText(
      'after',
      '\nExample:\n  $ portcullis storage user totp export uri --config configuration.yml',
    )
    .action(async (opts: { config?: string[] }) => {
      const { totpUri } = await import('../../authn/index.js');
      await withStorage(opts.config, async (s) => {
        const all = await s.totp.list();
        for (const r of all) console.log(totpUri(r));
        console.log(
          `\n\nSuccessfully exported ${all.length} TOTP configurations as TOTP URI's and printed them to the console`,
        );
      });
    });
}

export function defineStorageCommands(program: Command): void {
  const storage = program
    .command('storage')
    .description('Manage the storage: schema migrations and per-user TOTP configurations.');
  defineMigrate(storage);
  defineTotp(storage);
}
