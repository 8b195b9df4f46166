/** `portcullis config validate`: loads the configuration like `serve` would and prints every issue with its file:line:col. */
import type { Command } from 'commander';
import { EXIT } from '../exit-codes.js';

export function defineConfigCommands(program: Command): void {
  const config = program.command('config').description('Work with configuration files.');
  config
    .command('validate')
    .description(
      'Load and validate the configuration (files, directories, AUTHELIA_*/PORTCULLIS_* environment) and print every issue.',
    )
    .option(
      '-c, --config <file...>',
      'configuration file(s) or directories, merged in order (default: $X_AUTHELIA_CONFIG or configuration.yml)',
    )
    .addHelpText(
      'after',
      `
Example:
  $ portcullis config validate --config /config/configuration.yml
  $ portcullis config validate -c base.yml -c secrets/ -c overrides.yml

Exit codes: 0 valid (warnings may be printed) · 1 at least one error`,
    )
    .action(async (opts: { config?: string[] }) => {
      const { loadConfig, formatIssues } = await import('../../config/index.js');
      const result = await loadConfig(opts.config ?? [], process.env);
      if (result.issues.length) console.log(formatIssues(result.issues));
      if (!result.ok) {
        process.exitCode = EXIT.FAILED;
        return;
      }
      console.log('Configuration parsed and loaded successfully without errors.');
    });
}
