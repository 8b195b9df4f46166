/**
 * The "didn't ask for this?" links of the portal's mails, in a real Chromium behind real Caddy with a real SMTP
 * listener: opening a link only explains it (mail scanners open links), the button revokes it, and the password
 * reset link or elevation code that mail carried stops working.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  elevationCodeIn,
  type Mailbox,
  type MailedPortal,
  resetLinkIn,
  type Stack,
  screenshots,
  signIn,
  signInToSettings,
  startMailedPortal,
} from './support.js';

describe('revoking mailed links in a browser, behind Caddy', { timeout: 90_000 }, () => {
  let portal: MailedPortal;
  let stack: Stack;
  let browser: Browser;
  let mailbox: Mailbox;

  before(async () => {
    portal = await startMailedPortal();
    ({ stack, browser, mailbox } = portal);
  });
  after(() => portal?.close());

  it('revokes a password reset link from its mail: the reset link is refused and the password unchanged', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${stack.portalUrl}reset-password/step1`);
    await page.getByLabel('Username').fill('harry');
    const skip = mailbox.mails.length;
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByRole('status').getByText('If an account with that username exists').waitFor();

    const mail = await mailbox.next((m) => m.to.includes('harry@example.com'), skip);
    const resetLink = resetLinkIn(mail);
    const revokeLink = /Revoke this link: (https:\/\/\S+\/revoke\/reset-password\?token=[\w.-]+)/.exec(
      mail.text,
    )?.[1];
    assert.ok(resetLink && revokeLink, `the mail carries both links:\n${mail.text}`);
    assert.equal(
      new URL(revokeLink).origin,
      new URL(stack.portalUrl).origin,
      'the link points at the portal',
    );

    // Opening the link (as a mail scanner would) only explains it; nothing is revoked yet.
    const tab = await context.newPage();
    await tab.goto(revokeLink);
    await tab.getByRole('heading', { name: 'Revoke a password reset link' }).waitFor();
    await tab.getByText('Someone asked to reset the password of your account').waitFor();
    await tab.getByText('If it was you, you can ignore this page').waitFor();
    await screenshots(tab, 'revoke-reset-password', { phone: true });
    await tab.reload();
    await tab.getByRole('button', { name: 'Revoke this link' }).click();
    await tab
      .getByRole('status')
      .getByText('The link no longer works. Your password has not been changed.')
      .waitFor();
    assert.equal(await tab.getByRole('button', { name: 'Revoke this link' }).count(), 0, 'no second press');
    await screenshots(tab, 'revoke-reset-password-done');

    // The reset link from the same mail is refused.
    await tab.goto(resetLink);
    await tab.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await tab
      .getByRole('alert')
      .getByText('This reset link has expired or has already been used. Request a new one.')
      .waitFor();
    assert.equal(
      await tab.getByLabel('New password', { exact: true }).count(),
      0,
      'no form for a revoked link',
    );

    // Revoking it again says it is no longer live.
    await tab.goto(revokeLink);
    await tab.getByRole('button', { name: 'Revoke this link' }).click();
    await tab
      .getByRole('alert')
      .getByText('This link has already been used, revoked, or has expired.')
      .waitFor();
    await screenshots(tab, 'revoke-reset-password-failed');

    // The password did not change: the old one still reaches the app.
    await page.goto(stack.appUrl);
    await signIn(page, 'harry', 'harry-password');
    await page.waitForURL(`${stack.appUrl}**`);
    assert.equal(await page.locator('#greeting').textContent(), 'Hello, Harry Potter');
    await context.close();
  });

  it('explains a revoke link without its token or id', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${stack.portalUrl}revoke/reset-password`);
    await page.getByRole('heading', { name: 'Revoke a password reset link' }).waitFor();
    await page.getByRole('alert').getByText('This revoke link is incomplete.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Revoke this link' }).count(), 0);
    await page.goto(`${stack.portalUrl}revoke/one-time-code`);
    await page.getByRole('heading', { name: 'Revoke a one-time code' }).waitFor();
    await page.getByRole('alert').getByText('This revoke link is incomplete.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Revoke this code' }).count(), 0);
    await screenshots(page, 'revoke-incomplete');
    await context.close();
  });

  it('revokes an elevation code from its mail: the code is then refused in the settings dialog', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signInToSettings(page, stack.portalUrl, 'john', 'john-password');
    const skip = mailbox.mails.length;
    await page.getByRole('button', { name: 'Set up authenticator app' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm it’s you' });
    await dialog.waitFor();

    const mail = await mailbox.next(
      (m) => elevationCodeIn(m) !== undefined && m.to.includes('john@example.com'),
      skip,
    );
    const code = elevationCodeIn(mail)!;
    const revokeLink = /Revoke this code: (https:\/\/\S+\/revoke\/one-time-code\?id=[\w-]+)/.exec(
      mail.text,
    )?.[1];
    assert.ok(revokeLink, `the mail carries the revoke link:\n${mail.text}`);

    // Another tab, as from a mail client: the page explains, the button revokes.
    const tab = await context.newPage();
    await tab.goto(revokeLink);
    await tab.getByRole('heading', { name: 'Revoke a one-time code' }).waitFor();
    await tab.getByText('A one-time code was sent to confirm a change to your account.').waitFor();
    await screenshots(tab, 'revoke-one-time-code', { phone: true });
    await tab.getByRole('button', { name: 'Revoke this code' }).click();
    await tab.getByRole('status').getByText('The code no longer works.').waitFor();
    await screenshots(tab, 'revoke-one-time-code-done');
    await tab.close();

    // The code from that mail is refused in the first tab, and nothing was set up.
    await dialog.getByLabel('One-time code').fill(code);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog
      .getByText('That code is not right or has expired. Check your email and try again.')
      .waitFor();
    assert.equal(await page.getByRole('dialog', { name: 'Set up your authenticator app' }).count(), 0);
    await context.close();
  });
});
