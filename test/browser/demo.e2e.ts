/**
 * `npm run demo` end to end: the demo stack in this process, a browser opening the protected app, signing in with
 * the printed credentials, and a restart that keeps secrets, user and certificate.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startDemo } from '../../src/cli/commands/demo-run.js';
import { freePort, launch, screenshots } from './support.js';

describe('npm run demo', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-demo-'));
  const quiet = { write: () => true };
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('protects the demo app and lets the demo user in with the printed password', async () => {
    const port = await freePort();
    const demo = await startDemo({ dir, port, stdout: quiet });
    const browser = await launch(demo.spki);
    try {
      const page = await browser.newPage();
      await page.goto(demo.appUrl);
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      assert.equal(new URL(page.url()).host, `auth.portcullis.localhost:${port}`);
      await page.getByLabel('Username').fill(demo.username);
      await page.getByLabel('Password', { exact: true }).fill(demo.password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(`${demo.appUrl}**`);
      assert.equal(await page.locator('#greeting').innerText(), 'Hello, Demo User');
      await screenshots(page, 'demo-app');
    } finally {
      await browser.close();
      await demo.stop();
    }
  });

  it('keeps secrets, the user and the certificate across runs', async () => {
    const before = readFileSync(join(dir, 'secrets.json'), 'utf8');
    const cert = readFileSync(join(dir, 'tls.crt'), 'utf8');
    const users = readFileSync(join(dir, 'users_database.yml'), 'utf8');
    const demo = await startDemo({ dir, port: await freePort(), stdout: quiet });
    try {
      assert.equal(readFileSync(join(dir, 'secrets.json'), 'utf8'), before);
      assert.equal(readFileSync(join(dir, 'tls.crt'), 'utf8'), cert);
      assert.equal(readFileSync(join(dir, 'users_database.yml'), 'utf8'), users);
      assert.equal(demo.password, JSON.parse(before).demoPassword);
    } finally {
      await demo.stop();
    }
  });
});
