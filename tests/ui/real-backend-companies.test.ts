// The Companies screen on the real dispatcher with hundreds of companies
// (ui_backend's `/control/many-companies`: the demo's six and 600 more, a
// third mapped, some failing): the screen holds one page, "Load more"
// appends the next from the keyboard, the search runs in the core's SQL,
// editors and row menus work on rows of later pages, and a refresh after a
// sync reads the loaded range again. Screenshots at both sizes.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { App, launch, NARROW, serveDist } from './harness';
import { RealBackend } from './real-backend';

/** What ui_backend's control adds: names as it builds them. */
const MANY = 600;
const WORDS = ['Alpine', 'Harbor', 'Cedar', 'Summit', 'Maple', 'Willow'];
const KINDS = ['Dental', 'Law', 'Clinic', 'Builders'];
const nameOf = (i: number): string =>
  `${WORDS[i % WORDS.length]} ${KINDS[Math.floor(i / WORDS.length) % KINDS.length]} ${String(i + 1).padStart(3, '0')}`;

let browser: Browser;
let server: Awaited<ReturnType<typeof serveDist>>;
let backend: RealBackend;
let app: App;
let total = 0;

beforeAll(async () => {
  [browser, server, backend] = await Promise.all([launch(), serveDist(), RealBackend.start()]);
  ({ total } = (await backend.control('many-companies')) as { total: number });
  app = await App.openReal(browser, server.url, backend);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await browser?.close();
  await server?.close();
  await backend?.stop();
});

const rowIds = (a: App): Promise<string[]> =>
  a.page.locator('[data-testid="company-row"]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['id'] ?? ''));
const rowNames = (a: App): Promise<string[]> => a.page.locator('[data-testid="company-row"] .company-name').allTextContents();
/** In SQLite's NOCASE order (ASCII folded, code units), which the list keeps. */
const inOrder = (names: string[]): string[] => {
  const key = (n: string): string => n.toLowerCase();
  return [...names].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
};
const focusedRow = (a: App): Promise<string | undefined> =>
  a.page.evaluate(() => document.activeElement?.closest<HTMLElement>('tr')?.dataset['id']);

/** Types `text` into the search box and waits for the count line to say `count`. */
async function search(a: App, text: string, count: string): Promise<void> {
  await a.id('companies-filter').fill(text);
  await a.id('companies-count').filter({ hasText: new RegExp(`^${count}$`) }).waitFor();
}

describe('Companies with hundreds of companies (real dispatcher)', () => {
  it('shows the first page of 100 with the counts', async () => {
    const a = app;
    expect(total).toBe(MANY + 6);
    await a.nav('companies');
    await a.page.waitForFunction(() => document.querySelectorAll('[data-testid="company-row"]').length === 100);
    expect(await a.id('companies-count').textContent()).toBe('606 companies');
    expect(await a.id('companies-more-status').textContent()).toBe('Showing 100 of 606');
    expect(await a.id('companies-more').textContent()).toBe('Load 100 more');
    const names = await rowNames(a);
    expect(names).toEqual(inOrder(names));
    expect(names[0]).toBe('Acme Dental Ltd');
    await a.shot('real-companies-many');
    await a.id('companies-more').scrollIntoViewIfNeeded();
    await a.shot('real-companies-more-bar');
    await a.id('companies-filter').scrollIntoViewIfNeeded();
    const narrow = await App.openReal(browser, server.url, backend, NARROW);
    await narrow.nav('companies');
    await narrow.page.waitForFunction(() => document.querySelectorAll('[data-testid="company-row"]').length === 100);
    await narrow.shot('real-companies-many');
    await narrow.id('companies-more').scrollIntoViewIfNeeded();
    await narrow.shot('real-companies-more-bar');
    expect(await narrow.overflow()).toEqual([]);
    await narrow.close();
  });

  it('Load more, from the keyboard, appends the next page and focuses its first row, until every company is in once', async () => {
    const a = app;
    const more = a.id('companies-more');
    await more.focus();
    await a.page.keyboard.press('Enter');
    await a.page.waitForFunction(() => document.querySelectorAll('[data-testid="company-row"]').length === 200);
    const ids = await rowIds(a);
    expect(await focusedRow(a)).toBe(ids[100]);
    expect(await a.page.evaluate(() => document.activeElement?.getAttribute('data-col'))).toBe('cw');
    expect(await a.id('companies-more-status').textContent()).toBe('Showing 200 of 606');
    await a.page.locator(`[data-testid="company-row"][data-id="${ids[100]}"]`).scrollIntoViewIfNeeded();
    await a.shot('real-companies-more');
    for (let loaded = 200; loaded < 606; loaded += 100) {
      await more.click();
      const want = Math.min(loaded + 100, 606);
      await a.page.waitForFunction((n) => document.querySelectorAll('[data-testid="company-row"]').length === n, want);
    }
    await more.waitFor({ state: 'hidden' });
    const all = await rowIds(a);
    expect(all).toHaveLength(606);
    expect(new Set(all).size).toBe(606);
    const names = await rowNames(a);
    expect(names).toEqual(inOrder(names));
  });

  it('the search runs in the core: words, is: flags, ids, unknown words', async () => {
    const a = app;
    const expected = (pick: (i: number) => boolean): number => Array.from({ length: MANY }, (_, i) => i).filter(pick).length;
    const harborDental = expected((i) => nameOf(i).startsWith('Harbor Dental'));
    await search(a, 'harbor DENTAL', `${harborDental} of 606 companies`);
    const names = await rowNames(a);
    expect(names).toHaveLength(harborDental);
    expect(names.every((n) => n.startsWith('Harbor Dental'))).toBe(true);
    expect(await a.id('companies-more-bar').isHidden()).toBe(true);

    const failing = expected((i) => i % 9 === 0);
    await search(a, 'is:error', `${failing} of 606 companies`);
    expect(await a.id('company-row').count()).toBe(failing);
    expect(await a.id('companies-body').locator('.status-error').count()).toBe(failing);

    // The demo's own mappings count too: hundreds of mapped companies take pages.
    const asked = await backend.call('list_companies_page', { query: { search: 'is:mapped', after: null, limit: 1 } });
    const mapped = asked.ok ? (asked.value as { matched: number }).matched : 0;
    expect(mapped).toBeGreaterThanOrEqual(expected((i) => i % 3 === 0));
    await search(a, 'is:mapped', `${mapped} of 606 companies`);
    expect(await a.id('company-row').count()).toBe(100);
    expect(await a.id('companies-more-status').textContent()).toBe(`Showing 100 of ${mapped}`);
    await a.id('companies-more').click();
    await a.page.waitForFunction((n) => document.querySelectorAll('[data-testid="company-row"]').length === n, Math.min(mapped, 200));
    expect(await a.id('companies-body').getByText('Not mapped', { exact: false }).count()).toBe(0);

    await search(a, 'm-0599', '1 of 606 companies');
    expect(await rowIds(a)).toEqual(['m-0599']);
    // `%` is no wildcard: only the failures' messages (`like "%ICB"`) hold one.
    await search(a, '%', `${failing} of 606 companies`);
    await search(a, '_', '0 of 606 companies');
    // An unknown `is:` word narrows nothing; when nothing matches, the screen names it.
    await a.id('companies-filter').fill('zzz is:nope');
    await a.id('companies-empty').filter({ hasText: '“is:nope” is not a filter word' }).waitFor();
    expect(await a.id('companies-count').textContent()).toBe('0 of 606 companies');
    await a.shot('real-companies-search-none');
    await search(a, '', '606 companies');
    expect(await a.id('company-row').count()).toBe(100);
  });

  it('editors and the row menu work on a row of a later page; a sync refreshes only the loaded range', async () => {
    const a = app;
    await a.id('companies-more').click();
    await a.page.waitForFunction(() => document.querySelectorAll('[data-testid="company-row"]').length === 200);
    // A mapped company on the second page: Unmap re-reads it alone (get_company).
    const target = (await rowIds(a)).slice(100).find((id) => /^m-\d+$/.test(id) && Number(id.slice(2)) % 3 === 0 && Number(id.slice(2)) % 9 !== 0);
    expect(target).toBeDefined();
    const row = a.page.locator(`[data-testid="company-row"][data-id="${target}"]`);
    await row.locator('[data-testid="cw-id-cell"]').click();
    await a.id('cw-id-unmap').click();
    await a.id('company-editor').waitFor({ state: 'detached' });
    await row.filter({ hasText: 'Not mapped' }).waitFor();
    expect(backend.calls.filter((c) => c.cmd === 'get_company').at(-1)?.args).toEqual({ backupCompanyId: target });

    await row.locator('[data-testid="row-menu"]').click();
    await a.id('menu-snooze-company').click();
    await a.id('snooze-dialog').waitFor();
    expect(await a.id('snooze-value').inputValue()).toBe(target);
    await a.id('snooze-cancel').click();
    await a.id('snooze-dialog').waitFor({ state: 'detached' });

    const before = backend.calls.length;
    // When the cycle ends, the screen reads its 200 rows again, in one call.
    await a.id('sync-now').click();
    await expect
      .poll(() => backend.calls.slice(before).filter((c) => c.cmd === 'list_companies_page').length, { timeout: 30_000 })
      .toBeGreaterThan(0);
    const reads = backend.calls.slice(before).filter((c) => c.cmd === 'list_companies_page');
    expect(reads.map((c) => (c.args as { query: { limit: number; after: unknown } }).query)).toEqual([
      { search: '', after: null, limit: 200 },
    ]);
    expect(await a.id('company-row').count()).toBe(200);
    expect(a.problems).toEqual([]);
  });

  it('Defaults offers 100 mapped companies to preview, and finds the others by typing', async () => {
    const a = app;
    await a.nav('defaults');
    const picker = a.id('cond-preview-company');
    await picker.waitFor();
    expect(await picker.locator('option').count()).toBe(100);
    await a.id('cond-preview-find').fill('summit law');
    await a.page.waitForFunction(() =>
      [...document.querySelectorAll('[data-testid="cond-preview-company"] option')].every((o) => o.textContent?.startsWith('Summit Law')),
    );
    const names = await picker.locator('option').allTextContents();
    const want = Array.from({ length: MANY }, (_, i) => i).filter((i) => i % 3 === 0 && nameOf(i).startsWith('Summit Law')).map(nameOf);
    expect(want.length).toBeGreaterThan(10);
    expect(names).toEqual(inOrder(want));
    await a.id('cond-preview-find').scrollIntoViewIfNeeded();
    await a.shot('real-defaults-find-company');
    expect(await a.unlabelled()).toEqual([]);
    expect(a.problems).toEqual([]);
  });
});
