import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../support/browser.js';
import { graphqlData } from '../support/graphql.js';
import { logIn, openPhone, SCREENSHOTS, useUiSystem } from './phone.js';

/*
 * The Schedules view in Chromium against the real server: the common case on one screen, a
 * wake-up alarm at 06:30 on weekdays in the bedroom, then listed in words with its next run.
 */

describe.runIf(browserAvailable())('schedules in the web UI', () => {
  const ui = useUiSystem();
  const url = () => `http://127.0.0.1:${ui.running.http}/`;

  it('creates a wake-up alarm from the wake-me form and lists it with its next run', async () => {
    await graphqlData(ui.running.http, 'mutation { setTimeZone(timeZone: "Europe/Zurich") { timeZone } }');
    const bedroom = (await graphqlData(ui.running.http, 'mutation { createRoom(name: "Bedroom") { id } }')).createRoom.id as string;

    const { context, page } = await openPhone(ui.browser);
    await logIn(page, url());
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Schedules' }).click();
    await page.getByText('No schedules yet.').waitFor();

    const form = page.getByRole('form', { name: 'Wake me' });
    await form.getByLabel('Alarm time').fill('06:30');
    await form.getByLabel('Room').selectOption({ label: 'Bedroom' });
    await form.getByLabel('Light rises over').selectOption({ label: '30 min' });
    // Weekdays are chosen already; Saturday is not.
    expect(await form.getByRole('button', { name: 'Friday' }).getAttribute('aria-pressed')).toBe('true');
    expect(await form.getByRole('button', { name: 'Saturday' }).getAttribute('aria-pressed')).toBe('false');
    await form.getByRole('button', { name: 'Set wake-up alarm' }).click();

    const item = page.getByRole('listitem').filter({ hasText: 'Weekdays at 06:30 · Bedroom · wake-up light, 30 min' });
    await item.waitFor();
    // The next run is when the light starts, shown in the home's zone: 06:00.
    await expect.poll(() => item.locator('.next').textContent()).toMatch(/^Next: .*06:00/);
    await page.screenshot({ path: join(SCREENSHOTS, 'schedules-wake-up.png') });

    // What the page shows is what the server stored: the light starts 30 minutes before 06:30 Zurich time.
    const [stored] = (
      await graphqlData(ui.running.http, '{ schedules { description nextRunAt what { wakeUp { roomId durationMinutes } } } }')
    ).schedules as { nextRunAt: string; what: { wakeUp: { roomId: string; durationMinutes: number } } }[];
    expect(stored!.what.wakeUp).toEqual({ roomId: bedroom, durationMinutes: 30 });
    const start = new Date(stored!.nextRunAt);
    const local = start.toLocaleString('en-GB', { timeZone: 'Europe/Zurich', weekday: 'long', hour: '2-digit', minute: '2-digit' });
    expect(local).toMatch(/^(Monday|Tuesday|Wednesday|Thursday|Friday) 06:00$/);

    // Switched off, it has no next run; edited, it says its new time in words.
    await item.getByRole('switch').uncheck();
    await expect.poll(() => item.locator('.next').textContent()).toBe('Off');
    await item.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit schedule' });
    await edit.getByLabel('Time', { exact: true }).fill('07:15');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Weekdays at 07:15 · Bedroom · wake-up light, 30 min' }).waitFor();

    // The full form: a scene applied at 20:00 on weekdays.
    await graphqlData(ui.running.http, 'mutation { saveScene(name: "Evening") { id } }');
    await page.getByRole('button', { name: 'Add' }).click();
    const add = page.getByRole('form', { name: 'New schedule' });
    await add.getByLabel('Time', { exact: true }).fill('20:00');
    await add.getByLabel('What').selectOption({ label: 'Apply a scene' });
    await add.getByRole('combobox', { name: /^Scene/ }).selectOption({ label: 'Evening' });
    await add.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Weekdays at 20:00 · scene Evening' }).waitFor();
    await context.close();
  });

  it("changes the home's time zone, and schedules keep their wall-clock times in the new one", async () => {
    await graphqlData(ui.running.http, 'mutation { setTimeZone(timeZone: "Europe/Zurich") { timeZone } }');
    await graphqlData(
      ui.running.http,
      'mutation { createSchedule(input: { when: { timeOfDay: { time: "21:00", weekdays: [MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY] } }, what: { turnOff: { roomIds: ["home"] } } }) { id } }',
    );
    const { context, page } = await openPhone(ui.browser);
    await logIn(page, url());
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name: 'Schedules' }).click();
    const zone = page.getByLabel('Time zone of the home');
    expect(await zone.inputValue()).toBe('Europe/Zurich');
    await zone.selectOption('America/New_York');
    await page.getByText('Times are now in America/New_York.').waitFor();

    const { homeSettings, schedules } = await graphqlData(
      ui.running.http,
      '{ homeSettings { timeZone } schedules { description nextRunAt } }',
    );
    expect(homeSettings.timeZone).toBe('America/New_York');
    const offAtNine = (schedules as { description: string; nextRunAt: string }[]).find((s) => s.description.includes('21:00'))!;
    const local = new Date(offAtNine.nextRunAt).toLocaleString('en-GB', {
      timeZone: 'America/New_York',
      hour: '2-digit',
      minute: '2-digit',
    });
    expect(local).toBe('21:00');
    await context.close();
  });
});
