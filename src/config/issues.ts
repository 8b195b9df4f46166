/** Formatting of config and users-file issues: `file:line:col: message`, errors first, sorted by place. */
import type { ConfigIssue } from '../core/index.js';

export function formatIssue(i: ConfigIssue): string {
  const where = i.source ? `${i.source.file}:${i.source.line}:${i.source.col}: ` : '';
  return `${where}${i.severity}: ${i.message}`;
}

export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  const rank = (i: ConfigIssue) => (i.severity === 'error' ? 0 : 1);
  return [...issues].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      (a.source?.file ?? '').localeCompare(b.source?.file ?? '') ||
      (a.source?.line ?? 0) - (b.source?.line ?? 0) ||
      (a.source?.col ?? 0) - (b.source?.col ?? 0),
  );
}

export function formatIssues(issues: readonly ConfigIssue[]): string {
  return sortIssues(issues).map(formatIssue).join('\n');
}
