// The Activity list at scale (issue 18) on the real dispatcher: the demo's
// data folder gets 1,200 more ledger rows (900 this week, 300 closed half a
// year ago) through the ui_backend's control, and the page reads them the
// way the app does: a page of 100 at a time, the filter and the search run
// in the database, old closed tickets left out of the default view but
// found by a search, and a refresh after a sync that asks only for what
// changed.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { App, launch, NARROW, serveDist, WIDE } from './harness';
import { RealBackend } from './real-backend';

let browser: Browser;
let server: Awaited<ReturnType<typeof serveDist>>;
let backend: RealBackend;
let app: App;

/** `ticket_page`'s counts for `filter` and `search`, straight from the dispatcher. */
async function counts(filter: string, search = ''): Promise<{ total: number; hidden: number; tracked: number }> {
  const reply = await backend.call('ticket_page', { query: { filter, search, created_since: null, after: null, limit: 1 } });
  if (!reply.ok) throw new Error(`ticket_page failed: ${JSON.stringify(reply.error)}`);
  return reply.value as { total: number; hidden: number; tracked: number };
}

const rows = (): Promise<number> => app.id('ticket-row').count();
const fmt = (n: number): string => n.toLocaleString('en-US');

beforeAll(async () => {
  [browser, server, backend] = await Promise.all([launch(), serveDist(), RealBackend.start()]);
  app = await App.openReal(browser, server.url, backend);
  await app.id('demo-banner').waitFor();
  // The demo's first sync has filed its tickets; then the bulk rows.
  await app.nav('activity');
  await app.id('ticket-row').first().waitFor({ timeout: 30_000 });
  expect(await backend.control('many-tickets')).toEqual({ written: 1200 });
  await app.nav('companies');
  await app.nav('activity');
}, 120_000);

afterAll(async () => {
  const problems = app?.problems ?? [];
  await app?.close();
  await browser?.close();
  await server?.close();
  await backend?.stop();
  expect(problems).toEqual([]);
});

describe('the Activity list of a bigger MSP (real dispatcher)', () => {
  it('shows the first 100 of the recent tickets and says how many old ones are left out', async () => {
    const all = await counts('all');
    expect(all.hidden).toBe(300);
    expect(all.total + all.hidden).toBe(all.tracked);
    await app.id('tickets-count').filter({ hasText: `100 of ${fmt(all.total)} tickets` }).waitFor();
    expect(await rows()).toBe(100);
    expect(await app.id('tickets-history').textContent()).toBe(
      '300 tickets closed or removed more than 90 days ago are not listed; search to find them.',
    );
    await app.shot('activity-paged');
    await app.shotFull('activity-paged');
  });

  it('Show more adds the next page and moves focus to its first row; arrow keys move between rows', async () => {
    await app.id('tickets-more').click();
    await app.page.waitForFunction(() => document.querySelectorAll('[data-testid="ticket-row"]').length === 200);
    const focusedRow = (): Promise<number> =>
      app.page.evaluate(() => {
        const row = document.activeElement?.closest('tr');
        return row === null || row === undefined ? -1 : [...document.querySelectorAll('[data-testid="ticket-row"]')].indexOf(row);
      });
    expect(await focusedRow()).toBe(100);
    await app.page.keyboard.press('ArrowDown');
    expect(await focusedRow()).toBe(101);
    await app.page.keyboard.press('ArrowUp');
    await app.page.keyboard.press('ArrowUp');
    expect(await focusedRow()).toBe(99);
    await app.page.keyboard.press('End');
    expect(await focusedRow()).toBe(199);
    await app.page.keyboard.press('ArrowDown');
    expect(await app.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('tickets-more');
    // Each page came from the dispatcher with its cursor: no row twice.
    const ids = await app.page.$$eval('[data-testid="ticket-row"]', (trs) => trs.map((tr) => tr.getAttribute('data-event-id')));
    expect(new Set(ids).size).toBe(200);
  });

  it('the filter runs in the database', async () => {
    const open = await counts('open');
    await app.id('tickets-filter').selectOption('open');
    await app.id('tickets-count').filter({ hasText: `100 of ${fmt(open.total)} tickets` }).waitFor();
    const states = await app.page.$$eval('[data-testid="ticket-state"]', (s) => [...new Set(s.map((x) => x.textContent))]);
    expect(states).toEqual(['Open']);
    const errors = await counts('errors');
    await app.id('tickets-filter').selectOption('errors');
    await app.id('tickets-count').filter({ hasText: new RegExp(`^${fmt(errors.total)} tickets?$`) }).waitFor();
    expect(await rows()).toBe(errors.total);
    expect(await app.id('ticket-error').count()).toBe(errors.total);
    await app.id('tickets-filter').selectOption('all');
  });

  it('a search finds a computer, a ticket number and an old closed ticket left out of the default view', async () => {
    const search = app.id('tickets-search');
    /** Searches for `text` and waits for the one row it finds. */
    const only = async (text: string, shows: string): Promise<void> => {
      await search.fill(text);
      await app.id('ticket-row').first().filter({ hasText: shows }).waitFor();
      await app.id('tickets-count').filter({ hasText: /^1 ticket$/ }).waitFor();
      expect(await rows()).toBe(1);
    };
    await only('bulk-pc0042', 'BULK-PC0042');
    await only('#50007', '#50007');
    await only('BULK-OLD0007', 'BULK-OLD0007');
    expect(await app.id('ticket-state').first().textContent()).toMatch(/^Closed/);
    expect(await app.id('tickets-history').isHidden()).toBe(true);
    await search.fill('no such computer');
    await app.id('tickets-empty').filter({ hasText: 'No ticket matches this search.' }).waitFor();
    await search.press('Escape');
    await app.id('tickets-count').filter({ hasText: /^100 of / }).waitFor();
  });

  it('after a sync the list asks only for the tickets changed since its last read', async () => {
    await app.id('tickets-search').fill('');
    await app.id('tickets-count').filter({ hasText: /^100 of / }).waitFor();
    // Nothing else is on its way (the search box's last change has settled).
    await app.page.waitForTimeout(500);
    const before = backend.calls.length;
    await app.id('sync-now').click();
    await app.page.waitForFunction(
      () => document.querySelector('[data-testid="runs-table-body"]')?.querySelectorAll('tr').length === 2,
      undefined,
      { timeout: 30_000 },
    );
    await app.page.waitForTimeout(500);
    const after = backend.calls.slice(before).map((c) => c.cmd);
    expect(after).toContain('ticket_changes');
    expect(after).not.toContain('ticket_page');
    // The merged list is what a fresh read of as many rows gives, in order.
    const shown = await app.page.$$eval('[data-testid="ticket-row"]', (trs) => trs.map((tr) => tr.getAttribute('data-event-id')));
    expect(shown.length).toBeGreaterThanOrEqual(100);
    const fresh = await backend.call('ticket_page', {
      query: { filter: 'all', search: '', created_since: null, after: null, limit: shown.length },
    });
    if (!fresh.ok) throw new Error(JSON.stringify(fresh.error));
    expect(shown).toEqual((fresh.value as { rows: Array<{ event_id: string }> }).rows.map((r) => r.event_id));
  });

  it('fits at 900×600', async () => {
    await app.page.setViewportSize(NARROW);
    await app.id('ticket-row').first().waitFor();
    expect(await app.overflow()).toEqual([]);
    await app.shot('activity-paged');
    await app.page.setViewportSize(WIDE);
  });
});
