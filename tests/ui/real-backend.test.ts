// The UI against the real command dispatcher, not the fake: `invoke` goes to
// `bridge_shell::commands::call` in the example server ui_backend (the
// shell's AppState in demo mode on the built-in simulators, a fresh data
// folder). It visits every screen and uses every command the UI can call,
// asserting the real demo data shows, so a command or field renamed on one
// side only fails here even where the fake would have followed the UI.
// Links open through a fake opener (nothing real starts); a stuck call and
// held removals are prepared through the server's controls; a second server
// starts on a damaged database, which the header's Recover repairs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { App, launch, ROOT, serveDist } from './harness';
import { FakeOpener, RealBackend } from './real-backend';

/** The commands ui/src/api.ts calls, read from its `call('<command>'` lines. */
function commandsOfApi(): string[] {
  const text = readFileSync(join(ROOT, 'ui', 'src', 'api.ts'), 'utf8');
  return [...new Set([...text.matchAll(/\bcall\('([a-z_]+)'/g)].map((m) => m[1] ?? ''))].sort();
}

let browser: Browser;
let server: Awaited<ReturnType<typeof serveDist>>;
let backend: RealBackend;
let damaged: RealBackend;
let app: App;
let damagedApp: App;
const opener = new FakeOpener();

beforeAll(async () => {
  [browser, server, backend, damaged] = await Promise.all([
    launch(),
    serveDist(),
    RealBackend.start({ env: opener.env }),
    RealBackend.start({ args: ['--damaged-database'], env: opener.env }),
  ]);
  app = await App.openReal(browser, server.url, backend);
  damagedApp = await App.openReal(browser, server.url, damaged);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await damagedApp?.close();
  await browser?.close();
  await server?.close();
  await backend?.stop();
  await damaged?.stop();
  opener.remove();
});

const called = (): Set<string> => new Set([...backend.calls, ...damaged.calls].map((c) => c.cmd));

/** Shows Activity afresh (it reads what needs attention when it opens). */
async function reopenActivity(a: App): Promise<void> {
  await a.nav('companies');
  await a.nav('activity');
}

describe('the UI on the real dispatcher (demo mode)', () => {
  it('Activity lists the tickets and the run of the demo’s first sync, and previews the next', async () => {
    const a = app;
    await a.id('demo-banner').waitFor();
    await a.nav('activity');
    await a.id('ticket-row').first().waitFor({ timeout: 30_000 });
    expect(await a.id('ticket-row').count()).toBeGreaterThan(0);
    expect(await a.id('ticket-row').first().textContent()).toMatch(/Acme Dental|Northwind|Contoso|Fabrikam|Blue Yonder|Tailspin/);
    await a.id('runs-table-body').locator('tr').first().waitFor();
    await a.id('preview-sync').click();
    await a.id('preview-result').waitFor();
    await a.shot('real-activity');
  });

  it('a ticket link goes to the system opener (a fake here), not into the window', async () => {
    const a = app;
    const link = a.id('ticket-link').first();
    const url = (await link.getAttribute('data-url')) ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    await link.click();
    await expect.poll(() => opener.opened(), { timeout: 10_000 }).toEqual([`xdg-open ${url}`]);
    expect(new URL(a.page.url()).origin).toBe(new URL(server.url).origin);
  });

  it('a stuck ConnectWise call is listed and forgotten', async () => {
    const a = app;
    const { id } = (await backend.control('stuck-call')) as { id: number };
    await reopenActivity(a);
    const row = a.page.locator(`[data-testid="stuck-row"][data-id="${id}"]`);
    await row.waitFor();
    await row.locator('[data-action="forget-ask"]').click();
    await a.page.locator('[data-action="forget-confirm"]').click();
    await a.id('toast').filter({ hasText: `Call ${id} forgotten` }).waitFor();
    await row.waitFor({ state: 'detached' });
  });

  it('removals the guard holds after a real sync are confirmed and applied', async () => {
    const a = app;
    const attention = (await backend.control('hold-removals')) as { guarded_removals: { count: number } | null };
    expect(attention.guarded_removals?.count).toBe(12);
    await reopenActivity(a);
    const ask = a.id('guard-slot').locator('[data-action="guard-ask"]');
    await ask.waitFor();
    expect(await a.id('guard-slot').textContent()).toContain('12');
    await a.shot('real-guard');
    await ask.click();
    await a.id('guard-slot').locator('[data-action="guard-confirm"]').click();
    await a.id('toast').filter({ hasText: 'Removals confirmed' }).waitFor();
    // The sync the confirmation started applies them; the guard goes.
    await a.id('guard-slot').locator('button').waitFor({ state: 'detached', timeout: 30_000 });
  });

  it('Companies shows the demo companies; a ConnectWise Id is checked by the real client', async () => {
    const a = app;
    await a.nav('companies');
    await a.id('company-row').first().waitFor();
    expect(await a.id('companies-body').textContent()).toContain('Acme Dental Ltd');
    await a.id('companies-refresh').click();
    await a.page.waitForFunction(() => document.querySelectorAll('[data-testid="company-row"]').length >= 6);

    const row = a.page.locator('[data-testid="company-row"][data-id="c-1006"]');
    await row.locator('[data-testid="cw-id-cell"]').click();
    await a.id('cw-id-suggest').click();
    await a.id('cw-id-input').fill('NoSuchCompany');
    await a.id('cw-id-save').click();
    await a.id('cw-id-error').filter({ hasText: 'NoSuchCompany' }).waitFor();
    await a.id('cw-id-input').fill('AcmeDental');
    await a.id('cw-id-save').click();
    await a.id('company-editor').waitFor({ state: 'detached' });
    expect(await row.locator('[data-testid="cw-name"]').textContent()).toContain('Acme Dental Ltd');

    await row.locator('[data-testid="cw-id-cell"]').click();
    await a.id('cw-id-unmap').click();
    await a.id('company-editor').waitFor({ state: 'detached' });
    await row.filter({ hasText: 'Not mapped' }).waitFor();
  });

  it('a ticket row’s menu snoozes its computer; the core refuses a bad end; End now ends the snooze', async () => {
    const a = app;
    await a.nav('activity');
    const ticket = a.id('ticket-row').first();
    await ticket.waitFor({ timeout: 30_000 });
    await ticket.locator('[data-testid="row-menu"]').click();
    await a.id('menu-snooze-computer').click();
    await a.id('snooze-dialog').waitFor();
    // The core read the computer back from the ticket's summary (the
    // default template's; the Defaults test below changes it).
    const computer = await a.id('snooze-value').inputValue();
    expect(computer).toMatch(/^[A-Z]+-[A-Z0-9]+$/);
    await a.id('snooze-until-text').fill('next tuesday');
    await a.id('snooze-save').click();
    await a.id('snooze-until-error').filter({ hasText: 'Cannot read the snooze end "next tuesday"; use an RFC 3339 time' }).waitFor();
    await a.id('snooze-until-text').fill('2020-01-01 06:00');
    await a.id('snooze-save').click();
    await a.id('snooze-until-error').filter({ hasText: 'is not in the future' }).waitFor();
    await a.id('snooze-until-text').fill('2h');
    await a.id('snooze-reason').fill('disk swap');
    await a.id('snooze-save').click();
    await a.id('snooze-dialog').waitFor({ state: 'detached' });
    await a.id('toast').filter({ hasText: `Computer ${computer} is snoozed until` }).waitFor();
    const row = a.id('snooze-row').filter({ hasText: `Computer ${computer}` });
    await row.waitFor();
    expect(await row.textContent()).toContain('disk swap');
    await a.shot('real-snoozed');
    await row.locator('[data-testid="snooze-end"]').click();
    await a.id('toast').filter({ hasText: `Computer ${computer} is no longer snoozed` }).waitFor();
    await row.waitFor({ state: 'detached' });
    await a.id('snoozed-card').waitFor({ state: 'hidden' });
  });

  it('a Companies row’s menu snoozes the company, which the Activity screen lists by name', async () => {
    const a = app;
    await a.nav('companies');
    const company = a.page.locator('[data-testid="company-row"][data-id="c-1002"]');
    await company.locator('[data-testid="row-menu"]').click();
    await a.id('menu-snooze-company').click();
    await a.id('snooze-dialog').waitFor();
    expect(await a.id('snooze-value').inputValue()).toBe('c-1002');
    await a.id('snooze-until-1h').check();
    await a.id('snooze-save').click();
    await a.id('toast').filter({ hasText: 'Company Northwind Law LLP is snoozed until' }).waitFor();
    await a.nav('activity');
    const row = a.id('snooze-row').filter({ hasText: 'Company Northwind Law LLP' });
    await row.waitFor();
    await row.locator('[data-testid="snooze-end"]').click();
    await row.waitFor({ state: 'detached' });
  });

  it('Defaults saves the storm and flapping settings and shows the core’s refusals', async () => {
    const a = app;
    await a.nav('defaults');
    await a.id('defaults-storm').waitFor();
    const cases: Array<[string, string, string, string]> = [
      ['storm-max-creates', 'many', 'expected a whole number of tickets from 0 (no cap)', '20'],
      ['storm-rollup-min', '1', 'a roll-up needs between 2 and', '5'],
      ['flap-window', '0', 'the flap window must be between 1 and 10080 minutes', '60'],
    ];
    for (const [testid, bad, refusal, good] of cases) {
      await a.id(testid).fill(bad);
      await a.id(testid).press('Enter');
      await a.id(`${testid}-error`).filter({ hasText: refusal }).waitFor();
      expect(await a.id(testid).getAttribute('aria-invalid')).toBe('true');
      await a.id(testid).fill(good);
      await a.id(testid).press('Enter');
      await a.id(`${testid}-error`).waitFor({ state: 'hidden' });
      await a.id(`${testid}-field`).filter({ hasText: 'Saved' }).waitFor();
    }
    await a.id('storm-rollup-company').fill('AcmeIT');
    await a.id('storm-rollup-company').press('Tab');
    await a.id('storm-rollup-company-field').filter({ hasText: 'Saved' }).waitFor();
    await a.nav('companies');
    await a.nav('defaults');
    await a.id('defaults-storm').waitFor();
    expect(await a.id('storm-max-creates').inputValue()).toBe('20');
    expect(await a.id('storm-rollup-min').inputValue()).toBe('5');
    expect(await a.id('flap-window').inputValue()).toBe('60');
    expect(await a.id('storm-rollup-company').inputValue()).toBe('AcmeIT');
    // 0 turns the cap off; an empty box is no number.
    await a.id('storm-max-creates').fill('0');
    await a.id('storm-max-creates').press('Enter');
    await a.id('storm-max-creates-field').filter({ hasText: 'Saved' }).waitFor();
    await a.id('storm-max-creates').fill('');
    await a.id('storm-max-creates').press('Enter');
    await a.id('storm-max-creates-error').filter({ hasText: 'got ""' }).waitFor();
  });

  it('Defaults shows the settings and ConnectWise pick-lists; a bad condition is marked', async () => {
    const a = app;
    await a.nav('defaults');
    await a.id('defaults-screen').waitFor();
    await a.id('ticket-board').locator('option').nth(1).waitFor({ state: 'attached' });
    await a.id('summary-template').fill('{company}: {eventType} on {computer}');
    await a.id('summary-example').filter({ hasText: ': ' }).waitFor();
    await a.id('summary-save').click();
    await a.page.waitForFunction(() => document.querySelector('[data-testid="summary-save"]')?.getAttribute('aria-busy') === null);

    await a.id('cond-input').fill('name lik "%ICB"');
    await a.id('cond-input-error').waitFor({ state: 'visible' });
    expect(await a.id('cond-input-error').textContent()).toContain('found "lik"');
    await a.id('cond-input').fill('name like "%ICB"');
    await a.id('cond-input-ok').filter({ hasText: 'Valid' }).waitFor();
    await a.id('cond-preview-run').click();
    await a.id('cond-preview-result').waitFor();
    await a.shot('real-defaults');
  });

  it('Connection shows the demo’s connection, tests it, and refuses to save it', async () => {
    const a = app;
    await a.nav('connection');
    await a.id('connection-form').waitFor();
    expect(await a.id('conn-site').inputValue()).not.toBe('');
    await a.id('conn-test').click();
    await a.id('test-step').first().waitFor({ timeout: 30_000 });
    await a.id('conn-save').click();
    await a.id('conn-error').filter({ hasText: /demo/i }).waitFor();
  });

  it('Logs shows the real log and copies the diagnostics', async () => {
    const a = app;
    await a.nav('logs');
    await a.id('logs-tail').filter({ hasText: /\S/ }).waitFor();
    const run = a.page.locator('[data-testid="log-run"] option:not([value=""])').first();
    await run.waitFor({ state: 'attached' });
    await a.id('log-run').selectOption((await run.getAttribute('value')) ?? '');
    await a.id('copy-diagnostics').click();
    await a.id('copy-status').filter({ hasText: 'Copied' }).waitFor();
    expect(await a.page.evaluate(() => navigator.clipboard.readText())).toContain('BackupBridge');
  });

  it('the header syncs, pauses and resumes, and the demo can be left and started again', async () => {
    const a = app;
    await a.nav('activity');
    const before = backend.calls.length;
    await a.id('sync-now').click();
    // The finished sync refreshes Activity with what changed since its read.
    await expect.poll(() => backend.calls.slice(before).some((c) => c.cmd === 'ticket_changes'), { timeout: 30_000 }).toBe(true);
    await a.id('pause-toggle').filter({ hasText: 'Pause' }).click();
    await a.id('pause-toggle').filter({ hasText: 'Resume' }).click();
    await a.id('pause-toggle').filter({ hasText: 'Pause' }).waitFor();
    await a.id('demo-stop').click();
    await a.id('demo-banner').waitFor({ state: 'detached' });
    await a.nav('connection');
    await a.id('demo-start').click();
    await a.id('demo-banner').waitFor();
  });

});

describe('the UI on the real dispatcher (a damaged database)', () => {
  it('the header offers Recover, which repairs the database', async () => {
    const a = damagedApp;
    await a.id('app-error').filter({ hasText: 'BackupBridge cannot sync' }).waitFor();
    await a.shot('real-damaged');
    await a.id('db-recover').click();
    await a.id('toast').filter({ hasText: 'Database recovered' }).waitFor({ timeout: 30_000 });
    await a.id('app-error').waitFor({ state: 'detached' });
    // The screen is drawn again on the new database: no stale "damaged" error.
    await a.id('connection-form').waitFor();
    expect(await a.page.locator('#content').textContent()).not.toContain('damaged');
    await a.shot('real-recovered');
  });
});

describe('the commands', () => {
  it('the UI called every command api.ts can call, each on the real dispatcher', () => {
    expect([...called()].sort()).toEqual(commandsOfApi());
    expect(app.problems).toEqual([]);
    expect(damagedApp.problems).toEqual([]);
    expect(opener.opened()).toHaveLength(1);
  });
});
