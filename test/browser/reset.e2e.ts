/**
 * Password reset end to end in a real Chromium behind real Caddy: ask for a link, open the link from the mail a
 * real SMTP listener received, meet the password policy, sign in with the new password and reach the app; the
 * used link and an incomplete one are refused in words. Also the password change from the settings page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  elevate,
  type Mailbox,
  type MailedPortal,
  resetLinkIn,
  type Stack,
  screenshots,
  signIn,
  signInToSettings,
  startMailedPortal,
} from './support.js';

describe('password reset in a browser, through the mail, behind Caddy', { timeout: 90_000 }, () => {
  let portal: MailedPortal;
  let stack: Stack;
  let browser: Browser;
  let mailbox: Mailbox;

  before(async () => {
    portal = await startMailedPortal((cfg) => {
      cfg['password_policy'] = { standard: { enabled: true, min_length: 12, require_number: true } };
    });
    ({ stack, browser, mailbox } = portal);
  });
  after(() => portal?.close());

  it('resets a password from the emailed link, signs in with it, and refuses the link a second time', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(stack.appUrl);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await page.getByLabel('Username').fill('bob');
    const skip = mailbox.mails.length;
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByRole('status').getByText('If an account with that username exists').waitFor();
    await screenshots(page, 'reset-password-sent', { phone: true });

    const mail = await mailbox.next((m) => m.to.includes('bob@example.com'), skip);
    assert.match(mail.subject, /Reset your password/);
    const link = resetLinkIn(mail);
    assert.ok(link, `the mail carries the reset link:\n${mail.text}`);
    assert.equal(new URL(link).origin, new URL(stack.portalUrl).origin, 'the link points at the portal');

    // The link opens the new-password form in another tab, as from a mail client.
    const tab = await context.newPage();
    await tab.goto(link);
    await tab.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    const fresh = tab.getByLabel('New password', { exact: true });
    await fresh.waitFor();
    // The policy is shown as a checklist that follows what is typed.
    await fresh.fill('short');
    await tab.getByText('At least 12 characters').waitFor();
    await tab.getByText('A number').waitFor();
    await tab.getByLabel('Confirm new password').fill('short');
    await tab.getByRole('button', { name: 'Reset password' }).click();
    await tab.getByRole('alert').getByText('does not meet the requirements').waitFor();
    await screenshots(tab, 'reset-password-policy', { phone: true });
    // Mismatched confirmation: said in words at the field.
    await fresh.fill('a-new-password-for-bob-7');
    await tab.getByLabel('Confirm new password').fill('a-new-password-for-bob-8');
    await tab.getByRole('button', { name: 'Reset password' }).click();
    await tab.getByText('The passwords do not match.').waitFor();
    await tab.getByLabel('Confirm new password').fill('a-new-password-for-bob-7');
    await tab.getByRole('button', { name: 'Reset password' }).click();
    await tab.getByRole('status').getByText('Your password has been reset.').waitFor();
    await screenshots(tab, 'reset-password-done');

    // The old password no longer works; the new one reaches the app through Caddy.
    await page.goto(stack.appUrl);
    await signIn(page, 'bob', 'bob-password');
    await page.getByRole('alert').getByText('The username or password is incorrect.').waitFor();
    await signIn(page, 'bob', 'a-new-password-for-bob-7');
    await page.waitForURL(`${stack.appUrl}**`);
    assert.equal(await page.locator('#greeting').innerText(), 'Hello, Bob Dylan');

    // The same link again: refused, with what to do next.
    await tab.goto(link);
    await tab.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await tab
      .getByRole('alert')
      .getByText('This reset link has expired or has already been used. Request a new one.')
      .waitFor();
    assert.equal(await tab.getByLabel('New password', { exact: true }).count(), 0, 'no form for a used link');
    await screenshots(tab, 'reset-password-link-used', { phone: true });
    await tab.getByRole('button', { name: 'Send reset link' }).click();
    await tab.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await context.close();
  });

  it('answers an unknown username like a known one, and explains an incomplete link', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${stack.portalUrl}reset-password/step1`);
    await page.getByLabel('Username').fill('nobody');
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByRole('status').getByText('If an account with that username exists').waitFor();

    await page.goto(`${stack.portalUrl}reset-password/step2`);
    await page.getByRole('alert').getByText('This reset link is incomplete.').waitFor();
    await screenshots(page, 'reset-password-link-incomplete');
    await context.close();
  });

  // john: no other test of this file signs in as him, so his changed password cannot upset them.
  it('changes the password from settings after elevation: a wrong current password is refused', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signInToSettings(page, stack.portalUrl, 'john', 'john-password');
    const skip = mailbox.mails.length;
    await page
      .getByRole('region', { name: 'Password' })
      .getByRole('button', { name: 'Change password' })
      .click();
    await elevate(page, mailbox, 'john@example.com', skip);

    const dialog = page.getByRole('dialog', { name: 'Change password' });
    await dialog.waitFor();
    await dialog.getByLabel('Current password').fill('not-johns-password');
    await dialog.getByLabel('New password', { exact: true }).fill('a-new-password-for-john-5');
    await dialog.getByLabel('Confirm new password').fill('a-new-password-for-john-5');
    await dialog.getByText('At least 12 characters').waitFor();
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.getByRole('alert').getByText('The username or password is incorrect.').waitFor();
    await screenshots(page, 'settings-password-wrong');

    await dialog.getByLabel('Current password').fill('john-password');
    await dialog.getByRole('button', { name: 'Change password' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').getByText('Your password has been changed.').waitFor();
    await screenshots(page, 'settings-password-changed');
    await mailbox.next(
      (m) => m.to.includes('john@example.com') && /Password Changed/.test(m.subject + m.text),
      skip,
    );

    // Signed out: the old password is refused, the new one reaches the app.
    await page.goto(`${stack.portalUrl}logout`);
    await page.getByRole('heading', { name: 'You’re signed out' }).waitFor();
    await page.goto(stack.appUrl);
    await signIn(page, 'john', 'john-password');
    await page.getByRole('alert').getByText('The username or password is incorrect.').waitFor();
    await signIn(page, 'john', 'a-new-password-for-john-5');
    await page.waitForURL(`${stack.appUrl}**`);
    assert.equal(await page.locator('#greeting').textContent(), 'Hello, John Doe');
    await context.close();
  });
});
