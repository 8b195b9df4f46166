/** The shipped Grafana dashboard is valid JSON and every PromQL query names a metric the registry exposes. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createMetrics } from '../../src/metrics/index.js';

/** Metric names a PromQL expression selects: identifiers left after removing matchers, groupings and calls. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const names: string[] = [];
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*([(]?))/g)) {
    if (m[1] === '(') continue; // a function call
    if (/^(?:and|or|unless|offset|bool)$/.test(m[0])) continue;
    names.push(m[0]);
  }
  return names;
}

test('metricNames reads selectors, not functions or labels', () => {
  assert.deepEqual(metricNames('histogram_quantile(0.9, sum by (le) (rate(a_bucket{job=~"x"}[5m])))'), [
    'a_bucket',
  ]);
  assert.deepEqual(metricNames('sum(b{c="d"}) / sum(e)'), ['b', 'e']);
});

test('the Grafana dashboard only queries metrics that exist', () => {
  const dash = JSON.parse(readFileSync('contrib/grafana/portcullis.json', 'utf8')) as {
    panels: { title: string; targets: { expr: string }[] }[];
    templating: { list: { definition?: string }[] };
  };
  const m = createMetrics();
  try {
    const exposed = new Set(m.names);
    const known = (n: string) => exposed.has(n) || exposed.has(n.replace(/_(?:bucket|sum|count)$/, ''));
    let checked = 0;
    for (const p of dash.panels) {
      assert.ok(p.targets.length > 0, `panel '${p.title}' has no query`);
      for (const t of p.targets) {
        const names = metricNames(t.expr);
        assert.ok(names.length > 0, `panel '${p.title}': no metric in ${t.expr}`);
        for (const n of names)
          assert.ok(known(n), `panel '${p.title}' queries '${n}', which the registry does not expose`);
        checked += names.length;
      }
    }
    for (const v of dash.templating.list) {
      const lv = v.definition?.match(/label_values\(([a-zA-Z_:][a-zA-Z0-9_:]*)/);
      if (lv) assert.ok(known(lv[1]!), `variable queries unknown metric ${lv[1]}`);
    }
    assert.ok(checked >= 18);
    // Every Portcullis metric is on the dashboard somewhere.
    const used = new Set(dash.panels.flatMap((p) => p.targets.flatMap((t) => metricNames(t.expr))));
    for (const n of m.names.filter((x) => x.startsWith('portcullis_'))) {
      assert.ok(
        [...used].some((u) => u === n || u.replace(/_(?:bucket|sum|count)$/, '') === n),
        `${n} is not on the dashboard`,
      );
    }
  } finally {
    m.close();
  }
});
