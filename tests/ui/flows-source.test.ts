// The backup source on the Connection screen in headless Chromium against
// the fake backend: choosing a platform shows only its fields, saving sends
// that platform's values (the password never comes back), Test connection
// lists the source's steps in order with ok/failed marks, the self-hosted
// platforms take a certificate fingerprint, and the Companies screen names
// what the source calls its companies.
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { ConnectionInput } from '../../ui/src/api';
import { App, launch, serveDist } from './harness';
import { VSPC_PIN, type Scenario } from './fake-world';

const MSP360_PASSWORD = 'msp-pw-SECRET-never-shown';
const COMET_PASSWORD = 'comet-pw-SECRET-never-shown';
const VSPC_API_KEY = 'vspc-key-SECRET-never-shown';
/** A fingerprint as openssl prints it. */
const PASTED_PIN = 'sha256 Fingerprint=ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89';
const PIN = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';

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

/** Which of the platforms' field groups are on screen. */
async function shownGroups(a: App): Promise<string[]> {
  const out: string[] = [];
  for (const kind of ['dashboard', 'msp360', 'comet', 'vspc']) {
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
    // Only the self-hosted platforms pin a certificate.
    expect(await a.id('conn-msp360-fingerprint').count()).toBe(0);
    expect(await a.id('conn-comet-fingerprint').count()).toBe(1);
  });

  it('choosing VSPC shows its fields and help: address, optional username, API key or password, fingerprint', async () => {
    const a = await open({ configured: true });
    await a.id('conn-source-kind').selectOption({ label: 'Veeam Service Provider Console' });
    expect(await shownGroups(a)).toEqual(['vspc']);
    const labels = await a.page.locator('[data-testid="conn-vspc-fields"] label').allTextContents();
    expect(labels).toEqual(['Console address', 'Username (optional)', 'API key or password', 'Certificate fingerprint (SHA-256)']);
    expect(await a.id('conn-vspc-url').getAttribute('placeholder')).toBe('https://vspc.example.com:1280');
    const help = (await a.page.locator('[data-testid="conn-vspc-fields"] .help').allTextContents()).join(' ');
    expect(help).toContain('port 1280');
    expect(help).toContain('reverse proxy on 443');
    expect(help).toContain('Leave empty when the secret is an API key');
    expect(help).toContain('VSPC 7 and later; preferred');
    expect(help).toContain('log each other out');
    expect(help).toContain('self-signed');
    expect(help).not.toMatch(/ignore (the )?certificate/i);
    // The command reads the certificate of the address typed.
    const command = a.id('conn-vspc-fingerprint-command');
    expect(await command.textContent()).toBe(
      'openssl s_client -connect vspc.example.com:1280 </dev/null | openssl x509 -noout -fingerprint -sha256',
    );
    await a.id('conn-vspc-url').fill('https://vspc.acmeit.example');
    expect(await command.textContent()).toContain('-connect vspc.acmeit.example:443 ');
    expect(await a.page.locator('[data-testid="conn-vspc-fields"] input[type="checkbox"]').count()).toBe(0);
  });

  it('saving VSPC with an API key leaves the username empty and saves the fingerprint normalised', async () => {
    const a = await open({ configured: true });
    await a.id('conn-source-kind').selectOption('vspc');
    await a.id('conn-vspc-url').fill('https://vspc.acmeit.example:1280');
    await a.id('conn-vspc-secret').fill(VSPC_API_KEY);
    await a.id('conn-vspc-fingerprint').fill(PASTED_PIN);
    await a.id('conn-save').click();
    await a.id('conn-vspc-secret-state').filter({ hasText: 'Saved' }).waitFor();
    expect(await lastSaved(a)).toMatchObject({
      source_kind: 'vspc',
      source_url: 'https://vspc.acmeit.example:1280',
      source_username: '',
      source_tls_fingerprint: PASTED_PIN,
      source_secret: VSPC_API_KEY,
    });
    expect(await a.id('conn-vspc-fingerprint').inputValue()).toBe(PIN);
    expect(await a.id('conn-vspc-username').inputValue()).toBe('');
    expect(await a.id('conn-missing').textContent()).not.toContain('source.');
    expect(await a.page.evaluate(() => window.__bbFake.secret('source'))).toBe(VSPC_API_KEY);
    const dom = await a.page.evaluate(() =>
      document.documentElement.outerHTML + [...document.querySelectorAll('input')].map((i) => i.value).join('\n'),
    );
    expect(dom).not.toContain(VSPC_API_KEY);
  });

  it('an invalid fingerprint is refused with the setting’s sentence, and nothing is saved', async () => {
    const a = await open({ configured: true, source: 'vspc' });
    await a.id('conn-vspc-secret-state').filter({ hasText: 'Saved' }).waitFor();
    expect(await a.id('conn-vspc-fingerprint').inputValue()).toBe(VSPC_PIN);
    await a.id('conn-vspc-username').fill('svc-backupbridge');
    await a.id('conn-vspc-fingerprint').fill('AB:CD:12');
    await a.id('conn-save').click();
    await a.id('conn-error').filter({ hasText: 'is not a SHA-256 fingerprint' }).waitFor();
    const error = (await a.id('conn-error').textContent()) ?? '';
    expect(error).toContain('source.tls_fingerprint');
    expect(error).not.toContain('Restart');
    expect(await a.page.evaluate(() => window.__bbFake.calls.filter((c) => c.cmd === 'save_connection').length)).toBe(1);
    // Emptied, the pin is cleared: the usual certificate checks apply.
    await a.id('conn-vspc-fingerprint').fill('');
    await a.id('conn-save').click();
    await a.page.waitForFunction(() => window.__bbFake.calls.filter((c) => c.cmd === 'save_connection').length === 2);
    await a.id('conn-saved-status').filter({ hasText: 'Saved' }).waitFor();
    expect(await a.id('conn-error').textContent()).toBe('');
    expect(await lastSaved(a)).toMatchObject({ source_username: 'svc-backupbridge', source_tls_fingerprint: '' });
  });

  it('switching from VSPC to MSP360 drops the console’s pin; back to the Dashboard keeps it', async () => {
    const a = await open({ configured: true, source: 'vspc' });
    await a.id('conn-vspc-secret-state').filter({ hasText: 'Saved' }).waitFor();
    await a.id('conn-source-kind').selectOption('dashboard');
    await a.id('conn-save').click();
    await a.page.waitForFunction(() => window.__bbFake.calls.some((c) => c.cmd === 'save_connection'));
    expect(await lastSaved(a)).toMatchObject({ source_kind: 'dashboard', source_tls_fingerprint: VSPC_PIN });
    await a.id('conn-source-kind').selectOption('msp360');
    await a.id('conn-msp360-username').fill('acme-api');
    await a.id('conn-save').click();
    await a.page.waitForFunction(() => window.__bbFake.calls.filter((c) => c.cmd === 'save_connection').length === 2);
    expect(await lastSaved(a)).toMatchObject({ source_kind: 'msp360', source_tls_fingerprint: '' });
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

  it('VSPC: its steps are named after it, and its companies are VSPC companies', async () => {
    const a = await open({ configured: true, source: 'vspc' });
    await a.id('conn-vspc-secret-state').filter({ hasText: 'Saved' }).waitFor();
    await a.id('conn-test').click();
    await a.id('test-result').waitFor();
    const names = (await a.id('test-step').locator('strong').allTextContents()).map((t) => t.replace(/: $/, ''));
    expect(names.slice(2)).toEqual([
      'Veeam Service Provider Console · Reachable',
      'Veeam Service Provider Console · Signed in',
      'Veeam Service Provider Console · Can list companies',
      'Veeam Service Provider Console · Can read monitoring',
    ]);
    expect(await a.id('test-result').textContent()).toContain('the API key was accepted');
    await a.nav('companies');
    await a.id('companies-heading').filter({ hasText: 'Your VSPC companies' }).waitFor();
    expect(await a.id('companies-refresh').textContent()).toBe('Refresh from VSPC');
  });
});
