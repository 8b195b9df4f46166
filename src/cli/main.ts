#!/usr/bin/env node
/** CLI entry: builds the command tree, runs it, and maps every failure to a documented exit code. */
import { Command, CommanderError } from 'commander';
import { isPortcullisError } from '../core/index.js';
import { defineCommands } from './commands/index.js';
import { EXIT } from './exit-codes.js';

const program = new Command('portcullis')
  .description('Portcullis: a self-hosted zero-trust access gateway, drop-in compatible with Authelia.')
  .version(process.env['npm_package_version'] ?? '0.1.0', '-V, --version')
  .showHelpAfterError('(run with --help for usage and examples)')
  .exitOverride();
program.configureOutput({ outputError: (str, write) => write(str) });
program.addHelpText(
  'after',
  `
Examples:
  $ portcullis config validate --config configuration.yml
  $ portcullis crypto hash generate argon2 --password 'correct horse battery staple'
  $ portcullis serve --config configuration.yml

Exit codes: 0 ok · 1 check failed · 2 usage error · 3 could not run`,
);
defineCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exitCode = e.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  } else if (isPortcullisError(e)) {
    console.error(`portcullis: ${e.message} [${e.code}]`);
    process.exitCode = e.code === 'ERR_CLI_USAGE' ? EXIT.USAGE : EXIT.RUNTIME;
  } else {
    console.error('portcullis: unexpected error:', e);
    process.exitCode = EXIT.RUNTIME;
  }
}
