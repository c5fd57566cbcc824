// Screenshots of every screen at 1280×800 and 900×600 into target/screenshots/
// (ui-<screen>-<w>x<h>.png, and -full.png with the whole scrolled screen; the
// Connection screen once per backup source, ui-connection-<source>-…), for
// people to look at; each one is also checked for horizontal overflow of the
// page, the header and the main area, and for form controls without a label.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { App, NARROW, WIDE, launch, serveDist, type Viewport } from './harness';

let browser: Browser;
let server: Awaited<ReturnType<typeof serveDist>>;

beforeAll(async () => {
  [browser, server] = await Promise.all([launch(), serveDist()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const SCREENS = ['connection', 'defaults', 'companies', 'activity', 'logs'] as const;

describe.each<[string, Viewport]>([
  ['1280x800', WIDE],
  ['900x600', NARROW],
])('at %s', (_label, viewport) => {
  it('every screen of a configured app, without horizontal overflow', async () => {
    const app = await App.open(browser, server.url, { configured: true, history: true, extraCompanies: 40 }, viewport, '#activity');
    try {
      const overflows: string[] = [];
      for (const screen of SCREENS) {
        await app.nav(screen);
        if (screen === 'defaults') await app.id('ticket-status-new').waitFor();
        if (screen === 'activity') await app.id('ticket-row').first().waitFor();
        if (screen === 'logs') await app.id('logs-tail').filter({ hasText: 'sync cycle finished' }).waitFor();
        await app.shot(screen);
        await app.shotFull(screen);
        overflows.push(...(await app.overflow()).map((o) => `${screen}: ${o}`));
        overflows.push(...(await app.unlabelled()).map((c) => `${screen}: no label for ${c}`));
      }
      // States worth a look: an open company editor, the sync preview.
      await app.nav('companies');
      await app.page.locator('[data-testid="company-row"][data-id="c-1004"] [data-testid="cw-id-cell"]').click();
      await app.id('cw-id-suggest').click();
      await app.id('cw-suggestion').first().waitFor();
      await app.shot('companies-editor');
      overflows.push(...(await app.overflow()).map((o) => `companies editor: ${o}`));
      overflows.push(...(await app.unlabelled()).map((c) => `companies editor: no label for ${c}`));
      await app.nav('activity');
      await app.id('preview-sync').click();
      await app.id('plan-action').first().waitFor();
      await app.shot('activity-preview');
      overflows.push(...(await app.overflow()).map((o) => `activity preview: ${o}`));
      expect(overflows).toEqual([]);
      expect(app.problems).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('Activity with held removals and stuck calls, and their confirmation steps', async () => {
    const app = await App.open(browser, server.url, { configured: true, attention: true }, viewport, '#activity');
    try {
      await app.id('guard-banner').waitFor();
      await app.id('stuck-row').first().waitFor();
      await app.id('ticket-row').first().waitFor();
      await app.shot('activity-attention');
      await app.shotFull('activity-attention');
      const overflows = await app.overflow();
      await app.id('guard-confirm-open').click();
      await app.id('guard-confirm-step').waitFor();
      await app.page.locator('[data-testid="stuck-row"][data-id="9"] [data-testid="stuck-forget"]').click();
      await app.id('stuck-confirm').waitFor();
      // Keyboard focus shows where the user is (the forget step's Cancel).
      await app.page.keyboard.press('Shift+Tab');
      await app.page.keyboard.press('Tab');
      await app.shotFull('activity-attention-confirm');
      overflows.push(...(await app.overflow()));
      expect(overflows).toEqual([]);
      expect(app.problems).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it.each(['dashboard', 'msp360', 'comet', 'vspc'] as const)('Connection with %s as the backup source, and its test steps', async (source) => {
    const app = await App.open(
      browser,
      server.url,
      { configured: true, ...(source === 'dashboard' ? {} : { source }) },
      viewport,
      '#connection',
    );
    try {
      await app.id('conn-source-kind').waitFor();
      await app.shot(`connection-${source}`);
      await app.shotFull(`connection-${source}`);
      const overflows = await app.overflow();
      const unlabelled = await app.unlabelled();
      if (source === 'vspc') {
        // The pinned fingerprint is read whole, not scrolled inside its box.
        const pin = app.id('conn-vspc-fingerprint');
        // Centred: "if needed" leaves it under the sticky Save bar.
        await pin.evaluate((i) => i.scrollIntoView({ block: 'center' }));
        await app.shot('connection-vspc-fingerprint');
        if (!(await pin.evaluate((i) => i.scrollWidth <= i.clientWidth))) overflows.push('the VSPC fingerprint is clipped');
      }
      await app.id('conn-test').click();
      await app.id('test-result').waitFor();
      await app.id('test-result').scrollIntoViewIfNeeded();
      await app.shot(`connection-${source}-test`);
      overflows.push(...(await app.overflow()));
      expect(overflows).toEqual([]);
      expect(unlabelled).toEqual([]);
      expect(app.problems).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('Connection with a secret to enter again and one from the environment', async () => {
    const app = await App.open(browser, server.url, { configured: true, envSecrets: ['dashboard'] }, viewport, '#connection');
    try {
      await app.id('conn-cw-secret-state').waitFor();
      await app.id('conn-site').fill('eu.myconnectwise.net');
      await app.id('conn-save').click();
      await app.page.waitForFunction(() =>
        document.querySelector('[data-testid="conn-cw-secret-state"]')?.textContent?.includes('Enter it again'),
      );
      await app.id('conn-cw-secret-state').scrollIntoViewIfNeeded();
      await app.shot('connection-secret-host');
      await app.shotFull('connection-secret-host');
      expect(await app.overflow()).toEqual([]);
      expect(app.problems).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('first start (welcome) and demo mode', async () => {
    const app = await App.open(browser, server.url, { configured: false }, viewport);
    try {
      await app.id('welcome-card').waitFor();
      await app.shot('connection-welcome');
      const overflows = await app.overflow();
      await app.id('demo-start').click();
      await app.id('ticket-row').first().waitFor({ timeout: 10_000 });
      await app.shot('activity-demo');
      overflows.push(...(await app.overflow()));
      expect(overflows).toEqual([]);
      expect(app.problems).toEqual([]);
    } finally {
      await app.close();
    }
  });
});

describe('dark theme', () => {
  it('follows the system colour scheme (screenshots only)', async () => {
    const app = await App.open(browser, server.url, { configured: true, history: true }, WIDE, '#activity', 'dark');
    try {
      await app.id('ticket-row').first().waitFor();
      await app.shot('activity-dark');
      const attention = await App.open(browser, server.url, { configured: true, attention: true }, WIDE, '#activity', 'dark');
      try {
        await attention.id('stuck-row').first().waitFor();
        await attention.id('guard-confirm-open').click();
        await attention.id('guard-confirm-step').waitFor();
        await attention.shot('activity-attention-dark');
        expect(attention.problems).toEqual([]);
      } finally {
        await attention.close();
      }
      await app.nav('companies');
      await app.shot('companies-dark');
      await app.nav('defaults');
      await app.id('cond-input').fill('name lik "%ICB"');
      await app.id('cond-input-error').waitFor({ state: 'visible' });
      await app.shot('defaults-dark');
      expect(app.problems).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
