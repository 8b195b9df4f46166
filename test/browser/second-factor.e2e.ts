/**
 * TOTP end to end in a real Chromium behind real Caddy: password sign-in → settings → the emailed elevation code
 * (read from a real SMTP listener) → enrolment with a code computed from the secret the page shows → sign out →
 * password + TOTP → the two_factor path of the app; a replayed code is refused; the authenticator is removed.
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
  totpCode,
} from './support.js';

describe('TOTP enrolment and sign-in in a browser, behind Caddy', { timeout: 90_000 }, () => {
  let portal: MailedPortal;
  let stack: Stack;
  let browser: Browser;
  let mailbox: Mailbox;

  before(async () => {
    portal = await startMailedPortal();
    ({ stack, browser, mailbox } = portal);
  });
  after(() => portal?.close());

  /** The "Confirm it's you" dialog: a wrong code is refused in words, then the mailed one gets through. */
  async function confirmItsYou(page: Page, skip: number): Promise<void> {
    const dialog = page.getByRole('dialog', { name: 'Confirm it’s you' });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /We sent a one-time code to john@example\.com/);
    await screenshots(page, 'settings-elevation');
    await dialog.getByLabel('One-time code').fill('WRONGCODE');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.getByText('That code is not right or has expired.').waitFor();
    const mail = await elevate(page, mailbox, 'john@example.com', skip);
    assert.deepEqual(mail.to, ['john@example.com']);
  }

  it('enrols an authenticator app, then signs in with password + TOTP and reaches the two_factor app path', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const secure = `${stack.appUrl}secure/`;
    await page.goto(secure);
    await signIn(page, 'john', 'john-password');
    await page.getByRole('heading', { name: 'Verify it’s you' }).waitFor();
    await page.getByText('You have not set up an authenticator app yet.').waitFor();
    await page.getByRole('button', { name: 'Set up two-step verification' }).click();

    // Settings keeps the target, and nothing is registered yet.
    await page.getByRole('heading', { name: 'Security settings' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/settings');
    assert.equal(new URL(page.url()).searchParams.get('rd'), secure);
    await page.getByText('No authenticator app set up.').waitFor();
    await screenshots(page, 'settings-empty', { phone: true });

    const before = mailbox.mails.length;
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    await confirmItsYou(page, before);

    const setup = page.getByRole('dialog', { name: 'Set up your authenticator app' });
    await setup.getByTestId('totp-secret').waitFor();
    const secret = (await setup.getByTestId('totp-secret').innerText()).replace(/\s+/g, '');
    assert.match(secret, /^[A-Z2-7]{32,}$/, 'a base32 secret is shown');
    assert.equal(await setup.getByRole('img', { name: 'QR code for your authenticator app' }).count(), 1);
    await screenshots(page, 'settings-totp-setup', { phone: true });
    // A wrong confirmation code keeps the dialog open with a message; the right one saves the configuration.
    const enrolCode = totpCode(secret, Date.now());
    const wrong = String((Number(enrolCode) + 1) % 1_000_000).padStart(6, '0');
    await setup.getByLabel('Verification code').fill(wrong);
    await setup.getByRole('button', { name: 'Confirm' }).click();
    await setup.getByText('That code is not right.').waitFor();
    await setup.getByLabel('Verification code').fill(enrolCode);
    await setup.getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('status').getByText('Authenticator app set up.').waitFor();
    await page.getByText('SHA1, 6 digits, every 30 s').waitFor();
    await screenshots(page, 'settings-totp-added');
    // The "device added" notice went out by mail as well.
    await mailbox.next((m) => /Second Factor Method Added/.test(m.subject + m.text), before);

    // Sign out, then sign in again: password, then the authenticator app.
    await page.goto(`${stack.portalUrl}logout`);
    await page.getByRole('heading', { name: 'You’re signed out' }).waitFor();
    await page.goto(secure);
    await signIn(page, 'john', 'john-password');
    await page.getByRole('heading', { name: 'Verify it’s you' }).waitFor();
    const codeField = page.getByLabel('Six-digit code from your authenticator app');
    await codeField.waitFor();
    await page.getByText('enter the code shown for Portcullis test').waitFor();
    await screenshots(page, 'second-factor-totp', { phone: true });

    // The code that confirmed the enrolment is spent: typing it again is refused (a full code submits itself).
    await codeField.fill(enrolCode);
    await page.getByText('That code is not right. Check your authenticator app and try again.').waitFor();
    assert.equal(await codeField.inputValue(), '', 'the refused code is cleared');
    assert.equal(new URL(page.url()).host, new URL(stack.portalUrl).host, 'still on the portal');
    await screenshots(page, 'second-factor-totp-error');

    // The next time step's code (inside the default skew of one period) is fresh.
    await codeField.fill(totpCode(secret, Date.now() + 30_000));
    await page.waitForURL(`${secure}**`);
    assert.equal(await page.locator('#greeting').innerText(), 'Hello, John Doe');

    // The portal now says two-step verification is complete.
    await page.goto(stack.portalUrl);
    await page.getByRole('heading', { name: 'You’re signed in' }).waitFor();
    await page.getByText('Two-step verification complete').waitFor();
    await screenshots(page, 'home-two-factor', { phone: true });
    await context.close();
  });

  it('removes the authenticator app from settings after elevation and a confirmation', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signInToSettings(page, stack.portalUrl, 'john', 'john-password');
    await page.getByText('SHA1, 6 digits, every 30 s').waitFor();

    const before = mailbox.mails.length;
    await page
      .getByRole('region', { name: 'Authenticator app' })
      .getByRole('button', { name: 'Remove' })
      .click();
    await confirmItsYou(page, before);
    const confirm = page.getByRole('dialog', { name: 'Remove authenticator app' });
    await confirm.getByText('You will not be able to use its codes to sign in.').waitFor();
    await screenshots(page, 'settings-totp-remove');
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('status').getByText('Authenticator app removed.').waitFor();
    await page.getByText('No authenticator app set up.').waitFor();
    await mailbox.next((m) => /Second Factor Method Removed/.test(m.subject + m.text), before);

    // The second-factor page no longer offers codes.
    await page.goto(`${stack.appUrl}secure/`);
    await page.getByRole('heading', { name: 'Verify it’s you' }).waitFor();
    await page.getByText('You have not set up an authenticator app yet.').waitFor();
    await context.close();
  });
});
