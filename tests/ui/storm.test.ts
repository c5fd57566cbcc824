// Issue 17 in headless Chromium against the fake backend: a click on the
// storm notification shows the Activity screen filtered to the tickets
// created since the storm began ("Created since HH:MM (storm)", removable),
// both in a window that is open on another screen (the tray's `show_activity`
// event) and in one the click started (the filter waits in the tray); the
// runs table still says how many creates the storm guard holds. Screenshots
// at 1280×800 and 900×600 go to target/screenshots (ui-activity-storm-*).
import { describe, expect, it } from 'vitest';

import { NARROW, WIDE, appSuite, type App } from './harness';

const apps = appSuite();

/** How many ticket rows are listed. */
async function ticketCount(a: App): Promise<number> {
  return a.id('ticket-row').count();
}

describe('the storm notification opens Activity filtered to the storm', () => {
  it('switches an open window to Activity with a removable "Created since" chip', async () => {
    const app = await apps.open({ configured: true, storm: 'history' }, WIDE, '#companies');
    await app.id('screen-companies').waitFor();
    const since = await app.page.evaluate(() => window.__bbFake.stormSince);
    expect(since).not.toBeNull();
    await app.page.evaluate((s) => window.__bbFake.showActivity({ created_since: s ?? '' }), since);
    await app.id('screen-activity').waitFor();
    await app.id('ticket-row').first().waitFor();
    const chip = app.id('since-filter');
    await expect(chip.textContent()).resolves.toMatch(/^Created since \d{2}:\d{2} \(storm\)/);
    // The 20 tickets the storm created; not the 4 from the day before.
    expect(await ticketCount(app)).toBe(21);
    await expect(app.id('tickets-count').textContent()).resolves.toBe('21 tickets');
    // The runs table still says what the guard holds.
    await expect(app.id('runs-table-body').textContent()).resolves.toContain('10 tickets held by the storm guard');
    // The filter was taken once: the tray holds it no more.
    expect((await app.calls('take_activity_filter')).length).toBe(2);
    // The other filter still applies on top; removing the chip shows everything.
    await app.id('tickets-filter').selectOption('errors');
    await expect(app.id('tickets-empty').textContent()).resolves.toContain('since the storm began');
    await app.id('tickets-filter').selectOption('all');
    await app.id('since-filter-remove').click();
    expect(await chip.isVisible()).toBe(false);
    expect(await ticketCount(app)).toBe(25);
    await expect(app.id('tickets-count').textContent()).resolves.toBe('25 tickets');
    await expect(app.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).resolves.toBe('tickets-filter');
  });

  it('a window started by the click opens on Activity, filtered', async () => {
    for (const viewport of [WIDE, NARROW]) {
      const app = await apps.open({ configured: true, storm: 'clicked' }, viewport, '#companies');
      await app.id('screen-activity').waitFor();
      await app.id('ticket-row').first().waitFor();
      expect(await ticketCount(app)).toBe(21);
      expect(await app.id('since-filter').isVisible()).toBe(true);
      await app.shot('activity-storm');
      await app.shotFull('activity-storm');
      expect(await app.overflow()).toEqual([]);
      await apps.close();
    }
  });

  it('without a waiting filter the window opens where it would', async () => {
    const app = await apps.open({ configured: true, storm: 'history' }, WIDE, '#companies');
    await app.id('screen-companies').waitFor();
    expect((await app.calls('take_activity_filter')).length).toBe(1);
    await app.nav('activity');
    expect(await app.id('since-filter').isVisible()).toBe(false);
    expect(await ticketCount(app)).toBe(25);
  });
});
