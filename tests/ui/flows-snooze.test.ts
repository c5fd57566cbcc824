// Snoozes in headless Chromium against the fake backend: the row menus of
// Activity and Companies and the snooze dialog, with the keyboard only
// (menu keys, focus in and back, Escape, a refused end shown at its field),
// and screenshots of the dialog, the menus, the Snoozed card and the
// Defaults screen's storm section at 1280×800 and 900×600 into
// target/screenshots/, each checked for overflow and unlabelled controls.
// The same flows against the real dispatcher are in real-backend.test.ts.
import { describe, expect, it } from 'vitest';

import { NARROW, WIDE, appSuite, type App, type Viewport } from './harness';

const apps = appSuite();

async function open(hash: string, viewport: Viewport = WIDE): Promise<App> {
  return apps.open({ configured: true, history: true }, viewport, hash);
}

/** The `data-testid` (or else the text) of the focused element. */
function focused(a: App): Promise<string> {
  return a.page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    return e?.dataset['testid'] ?? e?.textContent ?? '';
  });
}

/** Where the dialog sticks out of the window or cuts its content off; empty when it fits. */
function dialogFits(a: App): Promise<string[]> {
  return a.page.evaluate(() => {
    const d = document.querySelector<HTMLElement>('[data-testid="snooze-dialog"]');
    if (d === null) return ['no dialog'];
    const r = d.getBoundingClientRect();
    const out: string[] = [];
    if (r.left < 0 || r.top < 0 || r.right > window.innerWidth || r.bottom > window.innerHeight) out.push(`dialog ${JSON.stringify(r)} outside the window`);
    if (d.scrollHeight > d.clientHeight + 1) out.push(`dialog content ${d.scrollHeight}px in ${d.clientHeight}px`);
    if (d.scrollWidth > d.clientWidth + 1) out.push(`dialog content ${d.scrollWidth}px wide in ${d.clientWidth}px`);
    return out;
  });
}

describe('snoozing from the Activity screen, keyboard only', () => {
  it('the row menu opens, moves and closes with keys; the dialog saves, refuses a bad end, and gives focus back', async () => {
    const a = await open('#activity');
    const button = a.page.locator('[data-testid="row-menu"][data-id="evt-101"]');
    await button.focus();
    await a.page.keyboard.press('Enter');
    await a.id('row-menu-list').waitFor();
    expect(await button.getAttribute('aria-expanded')).toBe('true');
    expect(await focused(a)).toBe('menu-snooze-computer');
    await a.page.keyboard.press('ArrowDown');
    expect(await focused(a)).toBe('menu-snooze-plan');
    await a.page.keyboard.press('End');
    expect(await focused(a)).toBe('menu-snooze-company');
    await a.page.keyboard.press('ArrowDown');
    expect(await focused(a)).toBe('menu-snooze-computer');
    await a.page.keyboard.press('Escape');
    await a.id('row-menu-list').waitFor({ state: 'detached' });
    expect(await focused(a)).toBe('row-menu');
    expect(await button.getAttribute('aria-expanded')).toBe('false');

    // ↓ on the button opens it too; Enter chooses.
    await a.page.keyboard.press('ArrowDown');
    await a.id('row-menu-list').waitFor();
    await a.page.keyboard.press('ArrowDown');
    await a.page.keyboard.press('Enter');
    const dialog = a.id('snooze-dialog');
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-labelledby')).not.toBeNull();
    expect(await a.page.evaluate(() => document.querySelector('[data-testid="snooze-dialog"]')?.matches(':modal'))).toBe(true);
    expect(await a.id('snooze-scope').inputValue()).toBe('plan');
    expect(await a.id('snooze-value').inputValue()).toBe('Nightly files');
    // Focus is in the dialog, on the end's chosen choice.
    expect(await focused(a)).toBe('snooze-until-4h');
    // Another scope takes the row's value for it.
    await a.id('snooze-scope').selectOption('computer');
    expect(await a.id('snooze-value').inputValue()).toBe('ACME-DC01');

    await a.id('snooze-until-4h').focus();
    await a.page.keyboard.press('ArrowDown');
    await a.page.keyboard.press('ArrowDown');
    expect(await focused(a)).toBe('snooze-until-custom');
    expect(await a.id('snooze-until-custom').isChecked()).toBe(true);
    await a.page.keyboard.press('Tab');
    await a.page.keyboard.type('tomorrow');
    await a.page.keyboard.press('Enter');
    await a.id('snooze-until-error').filter({ hasText: 'Cannot read the snooze end "tomorrow"' }).waitFor();
    expect(await a.id('snooze-until-error').textContent()).toContain('90m, 2h, 1d');
    expect(await a.id('snooze-until-text').getAttribute('aria-invalid')).toBe('true');
    expect(await focused(a)).toBe('snooze-until-text');
    await a.shot('snooze-dialog-error');

    await a.page.keyboard.press('Control+A');
    await a.page.keyboard.type('90m');
    await a.page.keyboard.press('Tab');
    expect(await focused(a)).toBe('snooze-reason');
    await a.page.keyboard.type('disk swap');
    await a.page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });
    await a.id('toast').filter({ hasText: /Computer ACME-DC01 is snoozed until \d{4}-\d\d-\d\d \d\d:\d\d/ }).waitFor();
    expect(await focused(a)).toBe('row-menu');
    const row = a.id('snooze-row');
    await row.waitFor();
    expect(await row.textContent()).toContain('Computer ACME-DC01');
    expect(await row.textContent()).toContain('disk swap');
    expect((await a.calls('add_snooze')).map((c) => c.args)).toEqual([
      { scope: 'computer', value: 'ACME-DC01', until: 'tomorrow', reason: '' },
      { scope: 'computer', value: 'ACME-DC01', until: '90m', reason: 'disk swap' },
    ]);

    // Escape closes the dialog without saving; focus goes back to the button.
    await button.focus();
    await a.page.keyboard.press('Enter');
    await a.page.keyboard.press('Enter');
    await dialog.waitFor();
    await a.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await focused(a)).toBe('row-menu');
    expect(await a.calls('add_snooze')).toHaveLength(2);

    // End now, by keyboard: the card goes with its last snooze.
    await a.id('snooze-end').focus();
    await a.page.keyboard.press('Enter');
    await a.id('toast').filter({ hasText: 'Computer ACME-DC01 is no longer snoozed' }).waitFor();
    await a.id('snoozed-card').waitFor({ state: 'hidden' });
  });

  it('an empty value is refused at the value field', async () => {
    const a = await open('#activity');
    await a.page.locator('[data-testid="row-menu"][data-id="evt-101"]').click();
    await a.id('menu-snooze-company').click();
    expect(await a.id('snooze-value').inputValue()).toBe('c-1001');
    await a.id('snooze-value').fill('  ');
    await a.id('snooze-save').click();
    await a.id('snooze-value-error').filter({ hasText: 'A snooze needs the company it covers; it is empty.' }).waitFor();
    expect(await focused(a)).toBe('snooze-value');
    await a.id('snooze-cancel').click();
    await a.id('snooze-dialog').waitFor({ state: 'detached' });
  });
});

describe('snoozing from the Companies screen', () => {
  it('"Snooze this company…" opens the dialog with the company, and saves it', async () => {
    const a = await open('#companies');
    const row = a.page.locator('[data-testid="company-row"][data-id="c-1001"]');
    await row.locator('[data-testid="row-menu"]').click();
    await a.id('menu-snooze-company').click();
    await a.id('snooze-dialog').waitFor();
    expect(await a.id('snooze-scope').inputValue()).toBe('company');
    expect(await a.id('snooze-value').inputValue()).toBe('c-1001');
    expect(await a.id('snooze-dialog').textContent()).toContain('This is Acme Dental Ltd.');
    await a.id('snooze-until-tomorrow').check();
    await a.id('snooze-save').click();
    await a.id('toast').filter({ hasText: /^SnoozedCompany Acme Dental Ltd is snoozed until \d{4}-\d\d-\d\d 08:00/ }).waitFor();
    expect(await focused(a)).toBe('row-menu');
    const [call] = await a.calls('add_snooze');
    expect(call?.args).toMatchObject({ scope: 'company', value: 'c-1001', until: expect.stringMatching(/^\d{4}-\d\d-\d\d 08:00$/) });
  });
});

describe.each<[string, Viewport]>([
  ['1280x800', WIDE],
  ['900x600', NARROW],
])('screenshots at %s', (_label, viewport) => {
  it('the dialog, the menus, the Snoozed card and the storm settings fit the window', async () => {
    const a = await open('#activity', viewport);
    const problems: string[] = [];
    const check = async (what: string): Promise<void> => {
      problems.push(...(await a.overflow()).map((o) => `${what}: ${o}`));
      problems.push(...(await a.unlabelled()).map((c) => `${what}: no label for ${c}`));
    };
    await a.id('ticket-row').first().waitFor();
    await a.page.locator('[data-testid="row-menu"][data-id="evt-104"]').click();
    await a.id('row-menu-list').waitFor();
    const box = await a.id('row-menu-list').boundingBox();
    const size = a.page.viewportSize() ?? viewport;
    if (box === null || box.x < 0 || box.y < 0 || box.x + box.width > size.width || box.y + box.height > size.height) {
      problems.push(`activity menu outside the window: ${JSON.stringify(box)}`);
    }
    await a.shot('activity-menu');
    await check('activity menu');
    await a.id('menu-snooze-computer').click();
    await a.id('snooze-dialog').waitFor();
    await a.shot('snooze-dialog');
    problems.push(...(await dialogFits(a)));
    await check('snooze dialog');
    await a.id('snooze-until-text').fill('yesterday');
    await a.id('snooze-reason').fill('Replacing the NAS; back tomorrow morning');
    await a.id('snooze-save').click();
    await a.id('snooze-until-error').waitFor({ state: 'visible' });
    await a.shot('snooze-dialog-refused');
    problems.push(...(await dialogFits(a)));
    await a.id('snooze-until-text').fill('2h');
    await a.id('snooze-save').click();
    await a.id('snooze-row').waitFor();
    await a.page.locator('[data-testid="row-menu"][data-id="evt-102"]').click();
    await a.id('menu-snooze-company').click();
    await a.id('snooze-save').click();
    await a.id('snooze-row').nth(1).waitFor();
    await a.page.evaluate(() => document.querySelector('#toasts')?.remove());
    await a.shot('activity-snoozed');
    await a.shotFull('activity-snoozed');
    await check('activity snoozed');

    await a.nav('companies');
    await a.page.locator('[data-testid="company-row"][data-id="c-1002"] [data-testid="row-menu"]').click();
    await a.id('row-menu-list').waitFor();
    await a.shot('companies-menu');
    await check('companies menu');
    await a.page.keyboard.press('Escape');

    await a.nav('defaults');
    await a.id('defaults-storm').scrollIntoViewIfNeeded();
    await a.id('storm-max-creates').fill('many');
    await a.id('storm-max-creates').press('Enter');
    await a.id('storm-max-creates-error').waitFor({ state: 'visible' });
    await a.shot('defaults-storm');
    await check('defaults storm');
    expect(problems).toEqual([]);
  });
});
