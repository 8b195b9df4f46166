/**
 * WebAuthn end to end in a real Chromium with a CDP virtual authenticator, behind real Caddy: register a security
 * key from settings (after the emailed elevation code), sign in with it as the second factor (the portal opens on
 * the method last chosen), rename and remove it; and a passkey as the first factor (`enable_passkey_login`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  elevate,
  type Mailbox,
  type MailedPortal,
  type Stack,
  screenshots,
  signIn,
  signInToSettings,
  startMailedPortal,
  withAuthenticator,
} from './support.js';

describe('security keys and passkeys in a browser, behind Caddy', { timeout: 90_000 }, () => {
  let portal: MailedPortal;
  let stack: Stack;
  let browser: Browser;
  let mailbox: Mailbox;

  before(async () => {
    portal = await startMailedPortal();
    ({ stack, browser, mailbox } = portal);
  });
  after(() => portal?.close());

  /** Registers a key named `name` from the settings page (elevating first). */
  async function addKey(page: Page, email: string, name: string): Promise<void> {
    const skip = mailbox.mails.length;
    await page.getByRole('button', { name: 'Add security key' }).click();
    await elevate(page, mailbox, email, skip);
    const dialog = page.getByRole('dialog', { name: 'Add security key' });
    // An empty name is refused in words before any ceremony.
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await dialog.getByText('Give the key a name so you can recognise it later.').waitFor();
    await dialog.getByLabel('Name').fill(name);
    await screenshots(page, 'settings-webauthn-add');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('status').getByText(`Security key “${name}” added.`).waitFor();
  }

  it('registers a security key, signs in with it as the second factor, renames and removes it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const authenticator = await withAuthenticator(context, page);
    const secure = `${stack.appUrl}secure/`;

    await page.goto(secure);
    await signIn(page, 'john', 'john-password');
    await page.getByRole('heading', { name: 'Verify it’s you' }).waitFor();
    // Choosing the security key tab is remembered for the next sign-in.
    await page.getByRole('button', { name: 'Security key', exact: true }).click();
    await page.getByText('You have not registered a security key yet.').waitFor();
    await page.getByRole('button', { name: 'Set up two-step verification' }).click();
    await page.getByRole('heading', { name: 'Security settings' }).waitFor();
    await page.getByText('No security keys registered.').waitFor();

    await addKey(page, 'john@example.com', 'YubiKey on my keyring');
    const keys = page.getByRole('region', { name: 'Security keys and passkeys' });
    await keys.getByText('YubiKey on my keyring').waitFor();
    await keys.getByText('Never used').waitFor();
    assert.equal((await authenticator.credentials()).length, 1, 'the authenticator holds the new credential');
    await screenshots(page, 'settings-webauthn-added', { phone: true });

    // Sign out, sign in: password, then the key (the page opens on it: the preferred method was stored).
    await page.goto(`${stack.portalUrl}logout`);
    await page.getByRole('heading', { name: 'You’re signed out' }).waitFor();
    await page.goto(secure);
    await signIn(page, 'john', 'john-password');
    await page.getByRole('heading', { name: 'Verify it’s you' }).waitFor();
    const use = page.getByRole('button', { name: 'Use security key' });
    await use.waitFor();
    assert.equal(
      await page.getByRole('button', { name: 'Security key', exact: true }).getAttribute('aria-pressed'),
      'true',
    );
    await screenshots(page, 'second-factor-webauthn', { phone: true });
    await use.click();
    await page.waitForURL(`${secure}**`);
    assert.equal(await page.locator('#greeting').innerText(), 'Hello, John Doe');

    // Rename: a fresh session, so the portal asks for the emailed code before the change.
    await page.goto(`${stack.portalUrl}settings`);
    await keys.getByText('YubiKey on my keyring').waitFor();
    assert.doesNotMatch(await keys.innerText(), /Never used/, 'the sign-in was recorded as a use');
    let skip = mailbox.mails.length;
    await page.getByRole('button', { name: 'Rename YubiKey on my keyring' }).click();
    await elevate(page, mailbox, 'john@example.com', skip);
    const rename = page.getByRole('dialog', { name: 'Rename' });
    const field = rename.getByLabel('New name for YubiKey on my keyring');
    assert.equal(await field.inputValue(), 'YubiKey on my keyring');
    await field.fill('Work key');
    await screenshots(page, 'settings-webauthn-rename');
    await rename.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').getByText('Renamed.').waitFor();
    await keys.getByText('Work key').waitFor();
    assert.doesNotMatch(await keys.innerText(), /YubiKey on my keyring/);

    // Remove, after a confirmation that names the key.
    skip = mailbox.mails.length;
    await page.getByRole('button', { name: 'Remove Work key' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove Work key' });
    await confirm.getByText('Remove “Work key”? You will not be able to sign in with it.').waitFor();
    await screenshots(page, 'settings-webauthn-remove');
    await confirm.getByRole('button', { name: 'Remove', exact: true }).click();
    await page.getByRole('status').getByText('Security key removed.').waitFor();
    await keys.getByText('No security keys registered.').waitFor();
    await mailbox.next((m) => /Second Factor Method Removed/.test(m.subject + m.text), skip);

    // The key no longer signs in: the second-factor page says none is registered.
    await page.goto(`${stack.portalUrl}logout`);
    await page.getByRole('heading', { name: 'You’re signed out' }).waitFor();
    await page.goto(secure);
    await signIn(page, 'john', 'john-password');
    await page.getByText('You have not registered a security key yet.').waitFor();
    await context.close();
  });

  it('signs in with a passkey instead of a password and reaches the app', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const authenticator = await withAuthenticator(context, page);

    await signInToSettings(page, stack.portalUrl, 'harry', 'harry-password');
    await addKey(page, 'harry@example.com', 'Phone passkey');
    const keys = page.getByRole('region', { name: 'Security keys and passkeys' });
    // Discoverability is `preferred`: the resident-key authenticator made a passkey, and the list says so.
    await keys.getByText('Passkey', { exact: true }).waitFor();
    const creds = await authenticator.credentials();
    assert.equal(creds.length, 1);
    assert.equal(creds[0]!.isResidentCredential, true);

    await page.goto(`${stack.portalUrl}logout`);
    await page.getByRole('heading', { name: 'You’re signed out' }).waitFor();
    await page.goto(stack.appUrl);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    // No username typed: the passkey names the user.
    await page.waitForURL(`${stack.appUrl}**`);
    assert.equal(await page.locator('#greeting').innerText(), 'Hello, Harry Potter');

    // One factor only (no UV two-factor option): the two_factor path still asks for a second factor.
    await page.goto(`${stack.appUrl}secure/`);
    await page.getByRole('heading', { name: 'Verify it’s you' }).waitFor();
    await page.getByText('Signed in as Harry Potter').waitFor();
    await context.close();
  });

  it('says so in words when the passkey request finds no credential', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // An authenticator with no credentials: the browser's request fails and the portal explains.
    await withAuthenticator(context, page);
    await page.goto(stack.portalUrl);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 70_000 });
    assert.match(await alert.innerText(), /The security key request was cancelled or timed out\./);
    await screenshots(page, 'sign-in-passkey-error');
    await context.close();
  });
});
