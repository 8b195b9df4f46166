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

/** Lines wait at most this long in the stdout buffer: a log tail stays live without a write per line. */
const FLUSH_EVERY_MS = 100;

/**
 * process.stdout writes to a pipe or file synchronously on Linux: one syscall per line, on the event loop. Under
 * load that was the largest single cost of a forward-auth check (docs/performance.md), so the real stdout goes
 * through a buffered asynchronous destination, flushed on a short timer and on exit.
 */
let stdoutDestination: pino.DestinationStream | undefined;
function bufferedStdout(): pino.DestinationStream {
  // One per process: fd 1 is one file, and each runtime (tests start many) must not add a timer and exit hook.
  if (!stdoutDestination) {
    const dest = pino.destination({ dest: 1, sync: false, minLength: 4096 });
    setInterval(() => dest.flush(), FLUSH_EVERY_MS).unref();
    process.once('exit', () => dest.flushSync());
    stdoutDestination = dest;
  }
  return stdoutDestination;
}

export type PortcullisLogger = Logger &
  pino.Logger & {
    /**
     * The logger for `authz.decision` events: same destinations, no redaction pass. The decision event's fields
     * are fixed by src/http/authz/handler.ts (user, URL without query, policy, reasons) and carry no secret, and
     * redaction cost more per check than the rest of the log line.
     */
    readonly decisions: Logger;
  };

export function createLogger(
  cfg: LogConfig,
  stdout: pino.DestinationStream = process.stdout,
): PortcullisLogger {
  const targets: pino.DestinationStream[] = [];
  if (cfg.filePath) {
    const path = cfg.filePath.replace('%d', new Date().toISOString().slice(0, 10));
    targets.push(pino.destination({ dest: path, sync: false, mkdir: true }));
  }
  if (!cfg.filePath || cfg.keepStdout) targets.push(stdout === process.stdout ? bufferedStdout() : stdout);
  const streams = targets.map((t) => (cfg.format === 'text' ? textStream(t) : t));
  const destination =
    streams.length === 1 ? streams[0]! : pino.multistream(streams.map((stream) => ({ stream })));
  const options: pino.LoggerOptions = {
    level: cfg.level === 'trace' ? 'trace' : cfg.level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  const logger = pino({ ...options, redact: { paths: REDACT, censor: '[redacted]' } }, destination);
  return Object.assign(logger, { decisions: pino(options, destination) });
}
