/** Collects config issues and pins each to the `file:line:col` (or environment variable) its value came from. */
import type { ConfigIssue } from '../core/index.js';
import { positionFor, type SourcePos } from './locate.js';

export class IssueSink {
  readonly issues: ConfigIssue[] = [];
  /** Key path → position of the value in a file. */
  readonly positions: Map<string, SourcePos>;
  /** Key path → environment variable that set it (such values have no file position). */
  readonly envOrigins = new Map<string, string>();

  constructor(positions: Map<string, SourcePos> = new Map()) {
    this.positions = positions;
  }

  error(path: string, message: string): void {
    this.push('error', path, message);
  }

  warn(path: string, message: string): void {
    this.push('warning', path, message);
  }

  /** An issue that belongs to no key (unreadable file, environment variable that maps nowhere). */
  add(issue: ConfigIssue): void {
    this.issues.push(issue);
  }

  hasErrors(): boolean {
    return this.issues.some((i) => i.severity === 'error');
  }

  private push(severity: 'error' | 'warning', path: string, message: string): void {
    const env = this.envOriginOf(path);
    if (env) {
      this.issues.push({ path, severity, message: `${message} (set by environment variable ${env})` });
      return;
    }
    this.issues.push({ path, severity, message, source: positionFor(this.positions, path) });
  }

  private envOriginOf(path: string): string | undefined {
    let p = path;
    for (;;) {
      const hit = this.envOrigins.get(p);
      if (hit) return hit;
      const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      if (cut <= 0) return undefined;
      p = p.slice(0, cut);
    }
  }
}
