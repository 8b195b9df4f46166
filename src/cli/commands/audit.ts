/** `portcullis audit verify|export|pubkey`: check the tamper-evident audit log, ship it, and print its public key. */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { VerifyReport } from '../../audit/index.js';
import { parseDuration } from '../../config/index.js';
import { PortcullisError } from '../../core/index.js';
import type { AuditStore } from '../../storage/index.js';
import { EXIT } from '../exit-codes.js';

const CONFIG_HELP = 'configuration file(s), as for serve (needed to reach storage)';

/** `--pubkey` takes a PEM file, or the key itself (PEM or base64 SPKI). */
function readKey(k: string): string {
  try {
    return readFileSync(k, 'utf8');
  } catch {
    return k;
  }
}

/** ISO date/time, or a duration meaning "that long ago" (`24h`, `7d`). */
export function parseSince(text: string, now: number): number {
  const dur = /^\d/.test(text) && !/^\d{4}-/.test(text) ? parseDuration(text) : undefined;
  if (dur !== undefined) return now - dur;
  const t = Date.parse(text);
  if (Number.isNaN(t)) {
    throw new PortcullisError(
      'ERR_CLI_USAGE',
      `--since '${text}' is neither a date (2026-01-31T00:00:00Z) nor a duration (24h, 7d)`,
    );
  }
  return t;
}

export function formatReport(r: VerifyReport, source: string): string {
  const out = [`audit verify: ${r.entries} entries (last seq ${r.lastSeq}) in ${source}`];
  out.push(
    r.ok
      ? 'OK: no entry was edited, deleted, reordered or inserted'
      : `FAILED: first bad entry: ${r.firstBad}`,
  );
  if (r.problems.length > 1) out.push('problems:', ...r.problems.map((p) => `  - ${p}`));
  out.push('coverage:', ...r.coverage.map((c) => `  - ${c}`));
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n');
}

async function withStorage<T>(
  configFiles: string[] | undefined,
  fn: (s: { audit: AuditStore }) => Promise<T>,
): Promise<T> {
  const { loadConfigOrThrow } = await import('../../config/index.js');
  const { openMonitoringStorage } = await import('../../app/index.js');
  const { config } = await loadConfigOrThrow(configFiles ?? [], process.env);
  const s = await openMonitoringStorage(config);
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

export function defineAuditCommands(program: Command): void {
  const audit = program
    .command('audit')
    .description('Verify, export and inspect the tamper-evident audit log.');
  audit
    .command('verify')
    .description(
      'Check the hash chain and signed checkpoints; name the first bad entry and what the signatures cover.',
    )
    .option('--from <source>', "'storage' or a JSONL file written by audit.file_path", 'storage')
    .option('--pubkey <key>', 'expected Ed25519 public key (PEM file, PEM text or base64 SPKI)')
    .option('-c, --config <file...>', CONFIG_HELP)
    .addHelpText(
      'after',
      `
Examples:
  $ portcullis audit verify -c configuration.yml --pubkey audit.pub
  $ portcullis audit verify --from /var/log/portcullis/audit.jsonl --pubkey audit.pub

Exit codes: 0 intact · 1 tampering or truncation found · 3 could not read the log`,
    )
    .action(async (opts: { from: string; pubkey?: string; config?: string[] }) => {
      const { verifyAuditFile, verifyAuditStore } = await import('../../audit/index.js');
      const key = opts.pubkey === undefined ? undefined : readKey(opts.pubkey);
      const report =
        opts.from === 'storage'
          ? await withStorage(opts.config, (s) => verifyAuditStore(s.audit, key))
          : await verifyAuditFile(opts.from, key);
      console.log(formatReport(report, opts.from));
      if (!report.ok) process.exitCode = EXIT.FAILED;
    });
  audit
    .command('export')
    .description('Stream audit entries as JSON lines (for Loki, a SIEM, or an offline copy).')
    .option('--since <when>', 'a date/time or a duration ago (24h, 7d)', '24h')
    .option('--format <format>', 'output format (jsonl)', 'jsonl')
    .option('--from <source>', "'storage' or a JSONL file", 'storage')
    .option('-c, --config <file...>', CONFIG_HELP)
    .action(async (opts: { since: string; format: string; from: string; config?: string[] }) => {
      if (opts.format !== 'jsonl')
        throw new PortcullisError('ERR_CLI_USAGE', `--format must be 'jsonl', not '${opts.format}'`);
      const since = parseSince(opts.since, Date.now());
      const { exportAuditFile, exportAuditStore } = await import('../../audit/index.js');
      const write = async (lines: AsyncIterable<string>) => {
        for await (const l of lines) {
          if (!process.stdout.write(`${l}\n`)) await new Promise((r) => process.stdout.once('drain', r));
        }
      };
      if (opts.from === 'storage')
        await withStorage(opts.config, (s) => write(exportAuditStore(s.audit, since)));
      else await write(exportAuditFile(opts.from, since));
    });
  audit
    .command('pubkey')
    .description('Print the public key that signs checkpoints (PEM), to pin with `audit verify --pubkey`.')
    .option('-c, --config <file...>', CONFIG_HELP)
    .action(async (opts: { config?: string[] }) => {
      const { createCheckpointSigner, generateSigningKey } = await import('../../audit/index.js');
      const { loadConfigOrThrow } = await import('../../config/index.js');
      const { config } = await loadConfigOrThrow(opts.config ?? [], process.env);
      const pem = config.audit.checkpoint.signingKey
        ? config.audit.checkpoint.signingKey
        : await withStorage(opts.config, (s) => s.audit.signingKey(generateSigningKey));
      process.stdout.write(createCheckpointSigner(pem).publicKeyPem);
    });
}
