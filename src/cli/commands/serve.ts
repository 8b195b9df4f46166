/** `portcullis serve`: loads the configuration and starts the gateway. */
import type { Command } from 'commander';

export function defineServe(program: Command): void {
  program
    .command('serve')
    .description('Start the gateway with the given configuration files.')
    .option('-c, --config <file...>', 'configuration file(s) or directories, merged in order', [])
    .addHelpText('after', '\nExample:\n  $ portcullis serve --config /config/configuration.yml\n')
    .action(async (opts: { config: string[] }) => {
      const { runServe } = await import('./serve-run.js');
      await runServe(opts.config);
    });
}
