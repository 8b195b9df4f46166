/** Builds findings: one place that turns a check id and a location into the full record, so wording stays consistent. */
import type { Finding, Severity, Where } from './types.js';

export interface Sink {
  add(
    id: string,
    severity: Severity,
    at: Where,
    subject: string,
    message: string,
    why: string,
    fix: string,
  ): void;
  readonly findings: Finding[];
}

export function newSink(): Sink {
  const findings: Finding[] = [];
  return {
    findings,
    add(id, severity, at, subject, message, why, fix) {
      findings.push({ id, severity, file: at.file, line: at.line, subject, message, why, fix });
    },
  };
}
