/**
 * The login portal in a real Chromium, through real Caddy (forward_auth) in front of the gateway: sign in with a
 * password and reach the app, the second-factor page for a two_factor path, sign out, and the messages a person
 * sees for a wrong password and for a ban. Screenshots (light and dark) go to test-artifacts/screenshots/.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launch, type Stack, screenshots, signIn, startStack } from './support.js';

describe('portal in a browser, behind Caddy', { timeout: 120_000 }, () => {
  let stack: Stack;
  let browser: Browser;

  before(async () => {
    stack = await startStack({
      proxy: 'caddy',
      modify: (cfg) => {
        cfg['regulation'] = { max_retries: 3, find_time: '2m', ban_time: '5m' };
      },
    });
    browser = await launch(stack.spki);
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('sends an anonymous visitor to the portal, signs in with a password and lands on the app', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const response = await page.goto(stack.appUrl);
    assert.equal(response?.status(), 200);
    assert.equal(new URL(page.url()).host, `auth.portcullis.localhost:${stack.port}`);
    assert.equal(new URL(page.url()).searchParams.get('rd'), stack.appUrl);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // The CSP nonce is applied: the app rendered, and no script or style was refused.
    const csp = response?.headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self' 'nonce-/);
    assert.match(await page.getByText('Sign in to continue to').innerText(), /app\.portcullis\.localhost/);
    await screenshots(page, 'sign-in');

    await signIn(page, 'john', 'john-password');
    await page.waitForURL(`${stack.appUrl}**`);
    assert.equal(await page.locator('#greeting').innerText(), 'Hello, John Doe');
    await context.close();
  });

  it('tells the person the password is wrong, in words, and keeps the username', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(stack.portalUrl);
    await signIn(page, 'bob', 'not-his-password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /The username or password is incorrect\./);
    assert.equal(await page.getByLabel('Username').inputValue(), 'bob');
    assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '');
    await screenshots(page, 'sign-in-error');
    await context.close();
  });

  it('answers a banned user like a wrong password, with words that explain the pause', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(stack.portalUrl);
    for (let i = 0; i < 3; i++) {
      await signIn(page, 'harry', `wrong-${i}`);
      // A failed attempt clears the password field: the answer has arrived.
      const password = page.getByLabel('Password', { exact: true });
      for (let n = 0; n < 100 && (await password.inputValue()) !== ''; n++) await page.waitForTimeout(50);
      assert.match(await page.getByRole('alert').innerText(), /The username or password is incorrect\./);
    }
    // The right password is refused during the ban, with the same answer as a wrong one (no ban oracle).
    await signIn(page, 'harry', 'harry-password');
    const password = page.getByLabel('Password', { exact: true });
    for (let n = 0; n < 100 && (await password.inputValue()) !== ''; n++) await page.waitForTimeout(50);
    assert.match(await page.getByRole('alert').innerText(), /sign-in is paused for a few minutes/);
    assert.equal(new URL(page.url()).host, new URL(stack.portalUrl).host, 'still on the portal');
    await screenshots(page, 'sign-in-banned');
    await context.close();
  });

  it('asks for a second factor on a two_factor path, says none is set up, and signs out', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${stack.appUrl}secure/`);
    await signIn(page, 'john', 'john-password');
    await page.getByRole('heading', { name: 'Verify it’s you' }).waitFor();
    assert.match(await page.getByText('Signed in as').innerText(), /John Doe/);
    await page.getByText('You have not set up an authenticator app yet.').waitFor();
    await screenshots(page, 'second-factor-phone');

    // Keyboard only: the method tabs and the sign-out link are reachable and usable.
    await page.getByRole('button', { name: 'Security key' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('You have not registered a security key yet.').waitFor();

    // Signing out keeps the target (as Authelia's portal does): the app is safe, so the browser goes back to
    // it and, with no session any more, lands on the sign-in page for it.
    await page.getByRole('button', { name: 'Not you? Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('rd'), `${stack.appUrl}secure/`);
    const again = await page.goto(`${stack.appUrl}secure/`);
    assert.equal(again?.status(), 200);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    // Without a target, signing out shows the signed-out page.
    await page.goto(`${stack.portalUrl}logout`);
    await page.getByRole('heading', { name: 'You’re signed out' }).waitFor();
    await screenshots(page, 'signed-out');
    await context.close();
  });

  it('leads from sign-in to the password reset page by keyboard', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(stack.portalUrl);
    await page.getByRole('link', { name: 'Forgot your password?' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/reset-password/step1');
    await screenshots(page, 'reset-password-start');
    await context.close();
  });
});
