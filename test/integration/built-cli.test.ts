/**
 * The CLI as it ships: tools/bundle.ts builds the production bundle (what `bin/portcullis.js` runs) into a temp
 * dir, and `serve` from it must start, verify an argon2id password in the hash pool's worker (a separate entry
 * of the bundle) and answer forward-auth. Everything else in the suite runs from source, so this is the test
 * that the bundle's entries, chunks and relative paths hold together.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { stringify } from 'yaml';
import { hashPassword } from '../../src/authn/index.js';
import { PASSWORD_HASH_DEFAULTS } from '../../src/config/index.js';
import { bundle } from '../../tools/bundle.js';
import { REPO_ROOT } from '../harness/cli.js';
import { baseConfig, usersYaml } from '../harness/gateway.js';
import { forwardAuthHeaders, login, request } from '../harness/http.js';
import { freePort, until } from '../harness/net.js';

const dir = mkdtempSync(join(tmpdir(), 'portcullis-built-'));
let child: ChildProcess | undefined;
let port = 0;
let stderr = '';

before(async () => {
  const { main } = await bundle(REPO_ROOT, join(dir, 'app', 'dist', 'bundle'));
  writeFileSync(join(dir, 'app', 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'app', 'node_modules'), 'dir');
  const conf = join(dir, 'conf');
  mkdirSync(conf);
  port = await freePort();
  const cfg = baseConfig(conf);
  cfg['server'] = { address: `tcp://127.0.0.1:${port}/` };
  writeFileSync(join(conf, 'configuration.yml'), stringify(cfg));
  const digest = await hashPassword('john-password', PASSWORD_HASH_DEFAULTS);
  writeFileSync(join(conf, 'users_database.yml'), await usersYaml({ john: { password: '', digest } }));
  child = spawn(process.execPath, [main, 'serve', '--config', join(conf, 'configuration.yml')], {
    env: { PATH: process.env['PATH'], NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  await until(
    'the bundled CLI to answer /api/health',
    async () => {
      if (child?.exitCode !== null) throw new Error(`the bundled CLI exited: ${stderr}`);
      return (await request(port, { path: '/api/health' }).catch(() => undefined))?.status === 200;
    },
    15_000,
  );
});

after(async () => {
  child?.kill('SIGTERM');
  if (child && child.exitCode === null) await new Promise((r) => child?.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
});

test('the bundled CLI serves: argon2id login through the pool worker, then forward-auth allows', async () => {
  const wrong = await login(port, 'john', 'not-the-password');
  assert.equal(wrong.res.status, 401, wrong.res.body);
  const ok = await login(port, 'john', 'john-password');
  assert.equal(ok.res.status, 200, ok.res.body);
  const check = await request(port, {
    path: '/api/authz/forward-auth',
    headers: forwardAuthHeaders('https://app.example.com/', 'GET', { cookie: ok.cookie }),
  });
  assert.equal(check.status, 200);
  assert.equal(check.headers['remote-user'], 'john');
});
