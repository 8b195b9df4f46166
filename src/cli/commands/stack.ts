/** `portcullis stack audit [PATH…]`: audit a homelab's compose, Caddy, nginx and Authelia files for zero-trust mistakes. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { PortcullisError } from '../../core/index.js';
import { EXIT } from '../exit-codes.js';

const SEVERITY_NAMES = ['critical', 'high', 'medium', 'low', 'info'] as const;
type SeverityName = (typeof SEVERITY_NAMES)[number];

export function defineStackCommands(program: Command): void {
  const stack = program
    .command('stack')
    .description('Audit the stack around the gateway (compose, Caddy, nginx, Authelia).');
  stack
    .command('audit')
    .description(
      'Read compose files, Caddyfiles, nginx configs and configuration.yml under PATHs and report zero-trust mistakes.',
    )
    .argument('[paths...]', 'files or directories (default: .)')
    .option('--format <format>', 'text | json | sarif', 'text')
    .option(
      '--fail-on <severity>',
      'exit 1 when a finding is at or above: critical | high | medium | low | info',
    )
    .option('--graph <file>', 'also write a picture of the stack: FILE.svg or FILE.html')
    .action(async (paths: string[], opts: { format: string; failOn?: string; graph?: string }) => {
      if (!['text', 'json', 'sarif'].includes(opts.format)) {
        throw new PortcullisError(
          'ERR_CLI_USAGE',
          `--format must be text, json or sarif (got '${opts.format}')`,
        );
      }
      if (opts.failOn !== undefined && !SEVERITY_NAMES.includes(opts.failOn as SeverityName)) {
        throw new PortcullisError(
          'ERR_CLI_USAGE',
          `--fail-on must be one of ${SEVERITY_NAMES.join(', ')} (got '${opts.failOn}')`,
        );
      }
      if (opts.graph !== undefined && !/\.(svg|html?)$/i.test(opts.graph)) {
        throw new PortcullisError(
          'ERR_CLI_USAGE',
          `--graph must name a .svg or .html file (got '${opts.graph}')`,
        );
      }
      const s = await import('../../stack/index.js');
      const audit = s.auditStack(paths);
      const colour = process.stdout.isTTY === true && !process.env['NO_COLOR'];
      const text =
        opts.format === 'json'
          ? s.formatJson(audit)
          : opts.format === 'sarif'
            ? s.formatSarif(audit)
            : s.formatText(audit, colour);
      process.stdout.write(`${text}\n`);
      if (opts.graph)
        writeFileSync(opts.graph, /\.svg$/i.test(opts.graph) ? s.renderSvg(audit) : s.renderHtml(audit));
      process.exitCode = opts.failOn && s.failsAt(audit, opts.failOn as SeverityName) ? EXIT.FAILED : EXIT.OK;
    });
}
