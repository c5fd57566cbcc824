// The backup source on the Connection screen in headless Chromium against
// the fake backend: choosing a platform shows only its fields, saving sends
// that platform's values (the password never comes back), Test connection
// lists the source's steps in order with ok/failed marks, and the Companies
// screen names what the source calls its companies.
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { ConnectionInput } from '../../ui/src/api';
import { App, launch, serveDist } from './harness';
import type { Scenario } from './fake-world';

const MSP360_PASSWORD = 'msp-pw-SECRET-never-shown';
const COMET_PASSWORD = 'comet-pw-SECRET-never-shown';

let browser: Browser;
let server: Awaited<ReturnType<typeof serveDist>>;
let app: App | undefined;

beforeAll(async () => {
  [browser, server] = await Promise.all([launch(), serveDist()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

afterEach(async () => {
  if (app !== undefined) {
    const problems = app.problems;
    await app.close();
    app = undefined;
    expect(problems).toEqual([]);
  }
});

async function open(scenario: Scenario, hash = '#connection'): Promise<App> {
  app = await App.open(browser, server.url, scenario, undefined, hash);
  return app;
}

/** Which of the three platforms' field groups are on screen. */
async function shownGroups(a: App): Promise<string[]> {
  const out: string[] = [];
  for (const kind of ['dashboard', 'msp360', 'comet']) {
    if (await a.id(`conn-${kind}-fields`).isVisible()) out.push(kind);
  }
  return out;
}

async function lastSaved(a: App): Promise<ConnectionInput> {
  const saved = await a.calls('save_connection');
  return saved[saved.length - 1]?.args['input'] as ConnectionInput;
}

describe('Backup source', () => {
  it('switching the source shows only that source’s fields, and nothing typed is lost', async () => {
    const a = await open({ configured: true });
    await a.id('conn-source-kind').waitFor();
    expect(await a.id('conn-source-kind').inputValue()).toBe('dashboard');
    expect(await shownGroups(a)).toEqual(['dashboard']);

    await a.id('conn-source-kind').selectOption('msp360');
    expect(await shownGroups(a)).toEqual(['msp360']);
    expect(await a.id('conn-msp360-url').getAttribute('placeholder')).toBe('https://api.mspbackups.com');
    expect(await a.page.locator('[data-testid="conn-msp360-fields"] .help').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('Settings › General')]),
    );
    await a.id('conn-msp360-username').fill('acme-api');

    await a.id('conn-source-kind').selectOption('comet');
    expect(await shownGroups(a)).toEqual(['comet']);
    const help = (await a.page.locator('[data-testid="conn-comet-fields"] .help').allTextContents()).join(' ');
    expect(help).toContain('admin web console');
    expect(help).toContain('without two-factor');
    expect(help).toContain('session:<key>');

    await a.id('conn-source-kind').selectOption('msp360');
    expect(await a.id('conn-msp360-username').inputValue()).toBe('acme-api');
  });

  it('saving MSP360 sends its login and password; the password shows as saved, never again', async () => {
    const a = await open({ configured: true });
    await a.id('conn-source-kind').selectOption('msp360');
    await a.id('conn-msp360-username').fill('acme-api');
    await a.id('conn-msp360-secret').fill(MSP360_PASSWORD);
    await a.id('conn-save').click();
    await a.id('conn-msp360-secret-state').filter({ hasText: 'Saved' }).waitFor();

    const input = await lastSaved(a);
    expect(input).toMatchObject({
      source_kind: 'msp360',
      source_url: '',
      source_username: 'acme-api',
      source_secret: MSP360_PASSWORD,
      dashboard_token: null,
      // The Dashboard's URL is kept for when it is chosen again.
      dashboard_url: 'https://backup.acmeit.example',
    });
    expect(await a.page.evaluate(() => window.__bbFake.secret('source'))).toBe(MSP360_PASSWORD);
    expect(await a.id('conn-msp360-secret').isHidden()).toBe(true);
    await a.nav('logs');
    await a.nav('connection');
    await a.id('conn-msp360-secret-state').waitFor();
    expect(await a.id('conn-source-kind').inputValue()).toBe('msp360');
    const dom = await a.page.evaluate(() =>
      document.documentElement.outerHTML + [...document.querySelectorAll('input')].map((i) => i.value).join('\n'),
    );
    expect(dom).not.toContain(MSP360_PASSWORD);
  });

  it('a Comet Server needs its address; the password is bound to it', async () => {
    const a = await open({ configured: true });
    await a.id('conn-source-kind').selectOption('comet');
    await a.id('conn-comet-username').fill('backupbridge');
    await a.id('conn-comet-secret').fill(COMET_PASSWORD);
    await a.id('conn-save').click();
    await a.id('conn-error').filter({ hasText: 'set source.url before saving' }).waitFor();

    await a.id('conn-comet-url').fill('https://backup.acmeit.example:8060');
    await a.id('conn-save').click();
    await a.id('conn-comet-secret-state').filter({ hasText: 'Saved' }).waitFor();
    expect(await lastSaved(a)).toMatchObject({
      source_kind: 'comet',
      source_url: 'https://backup.acmeit.example:8060',
      source_username: 'backupbridge',
      source_secret: COMET_PASSWORD,
    });
  });

  it('back to the Dashboard keeps the platform’s saved values and sends no platform password', async () => {
    const a = await open({ configured: true, source: 'comet' });
    await a.id('conn-comet-secret-state').filter({ hasText: 'Saved' }).waitFor();
    await a.id('conn-source-kind').selectOption('dashboard');
    await a.id('conn-save').click();
    await a.page.waitForFunction(() => window.__bbFake.calls.some((c) => c.cmd === 'save_connection'));
    expect(await lastSaved(a)).toMatchObject({
      source_kind: 'dashboard',
      source_url: 'https://backup.acmeit.example:8060',
      source_username: 'backupbridge',
      source_secret: null,
    });
  });

  it('Test connection lists the source’s steps in order, with ok and failed marks', async () => {
    const a = await open({ configured: true, source: 'comet' });
    await a.id('conn-comet-username').fill('totp-admin');
    await a.id('conn-test').click();
    await a.id('test-result').waitFor();
    const steps = a.id('test-step');
    const names = (await steps.locator('strong').allTextContents()).map((t) => t.replace(/: $/, ''));
    expect(names).toEqual(['Sign-in', 'Permissions', 'Comet Backup · Reachable', 'Comet Backup · Signed in']);
    const marks = await steps.evaluateAll((els) => els.map((e) => e.getAttribute('data-ok')));
    expect(marks).toEqual(['true', 'true', 'true', 'false']);
    expect(await steps.locator('.check-icon').allTextContents()).toEqual(['✓', '✓', '✓', '✕']);
    expect(await steps.last().textContent()).toContain('ERR_TOTP_REQUIRED');

    await a.id('conn-comet-username').fill('backupbridge');
    await a.id('conn-test').click();
    await a.page.waitForFunction(() => document.querySelectorAll('[data-testid="test-step"]').length === 6);
    expect(await a.page.locator('[data-testid="test-step"][data-ok="false"]').count()).toBe(0);
    expect(await a.id('test-result').textContent()).toContain('reads the alerts of Comet Backup');
  });

  it('the Companies screen names what the source calls its companies', async () => {
    const a = await open({ configured: true, source: 'msp360' }, '#companies');
    await a.id('companies-heading').filter({ hasText: 'MSP360 companies (and users without a company)' }).waitFor();
    expect(await a.id('companies-refresh').textContent()).toBe('Refresh from MSP360');
    await a.nav('connection');
    await a.id('conn-source-kind').selectOption('comet');
    await a.id('conn-comet-url').fill('https://backup.acmeit.example:8060');
    await a.id('conn-comet-username').fill('backupbridge');
    await a.id('conn-save').click();
    await a.page.waitForFunction(() => window.__bbFake.calls.some((c) => c.cmd === 'save_connection'));
    await a.nav('companies');
    await a.id('companies-heading').filter({ hasText: 'Comet tenants or accounts' }).waitFor();
  });
});
