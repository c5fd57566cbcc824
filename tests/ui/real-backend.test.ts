// The UI against the real command dispatcher, not the fake: `invoke` goes to
// `bridge_shell::commands::call` in the example server ui_backend (the
// shell's AppState in demo mode on the built-in simulators, a fresh data
// folder). It visits every screen and uses every command the UI can call,
// asserting the real demo data shows, so a command or field renamed on one
// side only fails here even where the fake would have followed the UI.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { App, launch, ROOT, serveDist } from './harness';
import { RealBackend } from './real-backend';

/**
 * Commands api.ts can call that this test does not, and why:
 * - open_ticket opens the machine's web browser on the ticket's link;
 * - recover_database is offered only for a damaged database;
 * - forget_intent and confirm_removals act on stuck calls and held
 *   removals, which the demo world never has.
 */
const NOT_CALLED = ['open_ticket', 'recover_database', 'forget_intent', 'confirm_removals'];

/** The commands ui/src/api.ts calls, read from its `call('<command>'` lines. */
function commandsOfApi(): string[] {
  const text = readFileSync(join(ROOT, 'ui', 'src', 'api.ts'), 'utf8');
  return [...new Set([...text.matchAll(/\bcall\('([a-z_]+)'/g)].map((m) => m[1] ?? ''))].sort();
}

let browser: Browser;
let server: Awaited<ReturnType<typeof serveDist>>;
let backend: RealBackend;
let app: App;

beforeAll(async () => {
  [browser, server, backend] = await Promise.all([launch(), serveDist(), RealBackend.start()]);
  app = await App.openReal(browser, server.url, backend);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await browser?.close();
  await server?.close();
  await backend?.stop();
});

const called = (): Set<string> => new Set(backend.calls.map((c) => c.cmd));

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
    await a.id('sync-now').click();
    await a.id('pause-toggle').filter({ hasText: 'Pause' }).click();
    await a.id('pause-toggle').filter({ hasText: 'Resume' }).click();
    await a.id('pause-toggle').filter({ hasText: 'Pause' }).waitFor();
    await a.id('demo-stop').click();
    await a.id('demo-banner').waitFor({ state: 'detached' });
    await a.nav('connection');
    await a.id('demo-start').click();
    await a.id('demo-banner').waitFor();
  });

  it('used every command the UI can call, but those that cannot run here', () => {
    const expected = commandsOfApi().filter((c) => !NOT_CALLED.includes(c));
    expect([...called()].sort()).toEqual(expected);
    expect(app.problems).toEqual([]);
  });
});
