/**
 * Builds the pino logger from `log.*`: JSON (one event per decision) or Authelia-like text, to stdout and/or a
 * file, written asynchronously so logging never blocks the hot path. Secrets are redacted by key name.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import type { LogConfig } from '../config/index.js';
import type { Logger } from '../core/index.js';

const REDACT = [
  'password',
  '*.password',
  'token',
  '*.token',
  'cookie',
  '*.cookie',
  'authorization',
  '*.authorization',
  'secret',
  '*.secret',
  'headers.cookie',
  'headers.authorization',
  'headers["proxy-authorization"]',
];

/** logfmt-style lines for `log.format: text`, the shape Authelia's text logs have. */
function textStream(out: pino.DestinationStream): Writable {
  const quote = (v: unknown) => {
    const s = typeof v === 'string' ? v : JSON.stringify(v);
    return /^[\w.:/@-]*$/.test(s) ? s : JSON.stringify(s);
  };
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      try {
        const { time, level, msg, ...rest } = JSON.parse(chunk.toString('utf8')) as Record<string, unknown>;
        const fields = Object.entries(rest)
          .map(([k, v]) => `${k}=${quote(v)}`)
          .join(' ');
        out.write(
          `time=${quote(time)} level=${quote(level)} msg=${quote(msg)}${fields ? ` ${fields}` : ''}\n`,
        );
      } catch {
        out.write(chunk.toString('utf8'));
      }
      cb();
    },
  });
}

export function createLogger(
  cfg: LogConfig,
  stdout: pino.DestinationStream = process.stdout,
): Logger & pino.Logger {
  const targets: pino.DestinationStream[] = [];
  if (cfg.filePath) {
    const path = cfg.filePath.replace('%d', new Date().toISOString().slice(0, 10));
    targets.push(pino.destination({ dest: path, sync: false, mkdir: true }));
  }
  if (!cfg.filePath || cfg.keepStdout) targets.push(stdout);
  const streams = targets.map((t) => ({ stream: cfg.format === 'text' ? textStream(t) : t }));
  return pino(
    {
      level: cfg.level === 'trace' ? 'trace' : cfg.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    pino.multistream(streams),
  );
}
