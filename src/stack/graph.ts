/** Draws the stack as a hand-written SVG (or an HTML page around it): exposure, routes, services, networks, problems. */
import type { StackAudit } from './audit.js';
import { severityRank } from './types.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#b07aa1', '#76b7b2', '#edc948', '#9c755f', '#bab0ac'];

export function renderSvg(a: StackAudit): string {
  const services = a.projects.flatMap((p) => p.services.map((s) => ({ s, project: p.name })));
  // Same-named networks of different projects are different networks.
  const many = a.projects.length > 1;
  const netsOf = (s: (typeof services)[number]['s'], project: string) =>
    (s.networks.length ? s.networks : ['default']).map((n) => (many ? `${project}/${n}` : n));
  const networks = [...new Set(services.flatMap(({ s, project }) => netsOf(s, project)))];
  const colour = (n: string) => PALETTE[networks.indexOf(n) % PALETTE.length] as string;
  const bad = (subject: string) =>
    a.findings.filter(
      (f) =>
        severityRank(f.severity) >= severityRank('high') &&
        (f.subject === subject || f.subject.startsWith(`${subject} `)),
    );
  const rowH = 74;
  const routeH = 30;
  const height = Math.max(services.length * rowH, a.routes.length * routeH) + 140 + networks.length * 18;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="1100" height="${height}" viewBox="0 0 1100 ${height}" font-family="sans-serif" font-size="12">`,
    '<title>portcullis stack audit</title>',
    '<rect width="100%" height="100%" fill="#fff"/>',
    '<text x="20" y="24" font-size="16" font-weight="bold">Stack exposure</text>',
    '<rect x="20" y="50" width="110" height="40" rx="6" fill="#eee" stroke="#333"/><text x="75" y="75" text-anchor="middle">Internet</text>',
    '<text x="220" y="44" font-weight="bold">Proxy routes</text><text x="640" y="44" font-weight="bold">Services</text>',
  ];
  a.routes.forEach((r, i) => {
    const y = 56 + i * routeH;
    const state = r.protected ? 'protected' : r.exempt ? r.exempt : 'open';
    const stroke = { protected: '#59a14f', portal: '#4e79a7', public: '#999', open: '#d62728' }[state];
    const fill = { protected: '#eaf5e6', portal: '#e6eef7', public: '#f3f3f3', open: '#fde2e2' }[state];
    const label = { protected: 'AUTH', portal: 'PORTAL', public: 'PUBLIC', open: 'OPEN' }[state];
    const problem = bad(r.host).length + bad(`${r.host} ${r.path}`).length > 0;
    const text = `${r.host}${r.path === '/' ? '' : ` ${r.path}`} → ${r.upstreams.join(' ')}`;
    out.push(
      `<line x1="130" y1="70" x2="220" y2="${y + 10}" stroke="${stroke}" stroke-width="${state === 'open' ? 2 : 1}"/>`,
      `<g class="route ${state}${problem ? ' problem' : ''}"><rect x="220" y="${y}" width="380" height="22" rx="4" fill="${fill}" stroke="${problem ? '#d62728' : '#999'}" stroke-width="${problem ? 2 : 1}"/>`,
      `<text x="228" y="${y + 15}" font-weight="bold" fill="${stroke}">${label}</text>`,
      `<text x="292" y="${y + 15}">${esc(text.length > 50 ? `${text.slice(0, 49)}…` : text)}</text></g>`,
    );
  });
  services.forEach(({ s, project }, i) => {
    const y = 56 + i * rowH;
    const problems = bad(s.name);
    const exposed = s.ports.filter((p) => p.allInterfaces);
    out.push(`<g class="service${problems.length ? ' problem' : ''}" data-name="${esc(s.name)}">`);
    out.push(
      `<rect x="640" y="${y}" width="440" height="${rowH - 10}" rx="6" fill="${problems.length ? '#fff0f0' : '#f7f7f7'}" stroke="${problems.length ? '#d62728' : '#666'}" stroke-width="${problems.length ? 2.5 : 1}"/>`,
    );
    out.push(
      `<text x="650" y="${y + 18}" font-weight="bold">${esc(s.name)}</text><text x="${650 + s.name.length * 8 + 10}" y="${y + 18}" fill="#666">${esc(`${s.kind} · ${s.image ?? 'build'} · ${project}`)}</text>`,
    );
    netsOf(s, project).forEach((n, k) => {
      out.push(
        `<rect x="${650 + k * 156}" y="${y + 26}" width="150" height="16" rx="8" fill="${colour(n)}"/><text x="${656 + k * 156}" y="${y + 38}" fill="#fff">${esc(n.length > 22 ? `${n.slice(0, 21)}…` : n)}</text>`,
      );
    });
    const portText = s.ports
      .map((p) => `${p.hostIp ? `${p.hostIp}:` : ''}${p.published ?? '*'}→${p.target}`)
      .join('  ');
    if (portText)
      out.push(
        `<text x="650" y="${y + 57}" fill="${exposed.length ? '#d62728' : '#333'}">ports: ${esc(portText)}</text>`,
      );
    if (problems.length)
      out.push(
        `<text x="1070" y="${y + 18}" text-anchor="end" fill="#d62728" font-weight="bold">⚠ ${problems.length}</text>`,
      );
    out.push('</g>');
    if (exposed.length) {
      out.push(
        `<path d="M130 70 C 400 ${y - 20}, 500 ${y + 30}, 640 ${y + 32}" fill="none" stroke="${s.kind === 'app' || s.kind === 'proxy' ? '#888' : '#d62728'}" stroke-dasharray="5 3"/>`,
      );
    }
  });
  const ly = height - 30 - networks.length * 18;
  out.push(
    `<text x="20" y="${ly}" font-weight="bold">Networks (services sharing a network can reach each other)</text>`,
  );
  networks.forEach((n, k) => {
    const members = services
      .filter(({ s, project }) => netsOf(s, project).includes(n))
      .map(({ s }) => s.name);
    out.push(
      `<rect x="20" y="${ly + 8 + k * 18}" width="12" height="12" fill="${colour(n)}"/><text x="38" y="${ly + 18 + k * 18}">${esc(`${n}: ${members.join(', ')}`)}</text>`,
    );
  });
  out.push(
    `<text x="20" y="${height - 8}" fill="#666">red border / ⚠ n = high or critical findings · dashed = port published on all interfaces · OPEN = route without forward-auth, AUTH = behind forward-auth</text>`,
  );
  out.push('</svg>');
  return out.join('\n');
}

export function renderHtml(a: StackAudit): string {
  const rows = a.findings
    .map(
      (f) =>
        `<tr class="${f.severity}"><td>${f.severity}</td><td>${esc(f.id)}</td><td>${esc(f.subject)}</td><td>${esc(f.message)}</td><td>${esc(f.fix)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>portcullis stack audit</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td{border:1px solid #ccc;padding:4px 8px;vertical-align:top}
.critical td:first-child,.high td:first-child{color:#d62728;font-weight:bold}.medium td:first-child{color:#b8860b}</style></head>
<body><h1>portcullis stack audit</h1>
${renderSvg(a)}
<h2>Findings (${a.findings.length})</h2>
<table><tr><th>severity</th><th>id</th><th>where</th><th>what</th><th>fix</th></tr>
${rows}
</table></body></html>
`;
}
