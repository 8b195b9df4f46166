/** `portcullis demo`: one command to see the portal, second factors and a protected app on this machine. */
import type { Command } from 'commander';

export function defineDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Run a self-contained demo: login portal plus a protected app on https://*.portcullis.localhost.',
    )
    .option(
      '-d, --dir <path>',
      'data folder for secrets, users, database and certificate',
      '.portcullis-demo',
    )
    .option('-p, --port <port>', 'HTTPS port for both demo hosts', '8443')
    .addHelpText('after', '\nExample:\n  $ npm run demo\n  $ portcullis demo --port 9443\n')
    .action(async (opts: { dir: string; port: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 1 || port > 65535)
        throw new TypeError(`--port must be 1-65535, got '${opts.port}'`);
      const { runDemo } = await import('./demo-run.js');
      await runDemo({ dir: opts.dir, port });
    });
}
