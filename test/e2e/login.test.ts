import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.js';
import { graphql } from '../support/graphql.js';
import { ManualClock } from '../support/clock.js';
import { openPhone, useUiSystem } from './phone.js';

/* The login lockout as a person meets it: in the server's own words. */

describe.runIf(browserAvailable())('web UI login lockout', () => {
  // A clock that stands still, so the wait the server names is the same on both asks.
  const ui = useUiSystem(() => ({ clock: new ManualClock(new Date('2026-11-21T11:00:00Z')) }));

  it("shows the server's message once this address is locked out", async () => {
    const { context, page } = await openPhone(ui.browser);
    await page.goto(`http://127.0.0.1:${ui.running.http}/`);
    const password = page.getByLabel('Admin password');
    const alert = page.getByRole('alert');
    for (let attempt = 1; attempt <= 5; attempt++) {
      await password.fill(`wrong ${attempt}`);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expect.poll(() => alert.textContent()).toContain('wrong password');
      await page.getByRole('button', { name: 'Log in' }).waitFor();
    }
    await password.fill('wrong again');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => alert.textContent()).toContain('too many failed logins');

    // Word for word what the API says to this address (the browser's, on loopback).
    const answer = await graphql(ui.running.http, 'mutation { login(password: "x") { expiresAt } }', undefined, {});
    expect(answer.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(await alert.textContent()).toBe(answer.errors![0]!.message);
    await context.close();
  });
});
