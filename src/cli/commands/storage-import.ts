/** `portcullis storage import authelia --from db.sqlite3 --encryption-key …`: keep users' TOTP and WebAuthn devices. */
import type { Command } from 'commander';
import type { Config } from '../../config/index.js';
import { ConfigError, PortcullisError, systemClock } from '../../core/index.js';
import { EXIT } from '../exit-codes.js';

export function defineStorageImport(program: Command): void {
  const storage = program.commands.find((c) => c.name() === 'storage') ?? program.command('storage');
  storage
    .command('import')
    .description('Import second-factor devices from another product’s database.')
    .command('authelia')
    .description('Import TOTP configurations and WebAuthn credentials from an Authelia 4.39 SQLite database.')
    .requiredOption(
      '--from <path>',
      "Authelia's SQLite database (storage.local.path, e.g. /config/db.sqlite3)",
    )
    .requiredOption('--encryption-key <key>', "Authelia's storage.encryption_key (to decrypt the secrets)")
    .option('-c, --config <file...>', 'Portcullis configuration file(s): where the devices are imported to')
    .addHelpText(
      'after',
      `
Devices a user already has in Portcullis are kept and reported as skipped. The source database is opened read-only.

Example:
  $ portcullis storage import authelia --from /old/config/db.sqlite3 --encryption-key "$AUTHELIA_KEY" --config configuration.yml`,
    )
    .action(async (opts: { from: string; encryptionKey: string; config?: string[] }) => {
      const { formatIssues, loadConfigOrThrow } = await import('../../config/index.js');
      let config: Config;
      try {
        config = (await loadConfigOrThrow(opts.config ?? [], process.env)).config;
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        console.error(formatIssues(e.issues));
        process.exitCode = EXIT.FAILED;
        return;
      }
      if (opts.encryptionKey.length < 20)
        throw new PortcullisError(
          'ERR_CLI_USAGE',
          '--encryption-key must be at least 20 characters (as Authelia requires)',
        );
      const app = await import('../../app/index.js');
      const s = await app.openStorage(config.storage);
      try {
        const r = await app.importAuthelia({
          from: opts.from,
          encryptionKey: opts.encryptionKey,
          targets: { totp: s.totp, webauthn: s.webauthn },
          clock: systemClock,
        });
        console.log(
          `Imported ${r.totp.imported} TOTP configuration(s) and ${r.webauthn.imported} WebAuthn credential(s).`,
        );
        for (const u of r.totp.skipped)
          console.log(`Skipped TOTP of '${u}': a configuration already exists.`);
        for (const c of r.webauthn.skipped)
          console.log(`Skipped WebAuthn credential '${c}': it already exists.`);
      } finally {
        await s.close();
      }
    });
}
