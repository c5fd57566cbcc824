// Smoke test of the real desktop app: started through tauri-driver and
// WebKitWebDriver inside the private X display and D-Bus session that
// scripts/e2e.sh provides. It reads the rendered DOM, takes screenshots into
// target/screenshots/, checks the log, and checks that a second launch hands
// over to the first.
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  APP_DIR_NAME,
  SCREENSHOT_DIR,
  appBinary,
  colourCount,
  pixelsNear,
  readLogs,
  runToExit,
  saveScreenshot,
  screenshotDisplay,
  startDriver,
  stop,
  workspaceVersion,
  type Driver,
} from './harness';
import { WebDriverSession, waitFor } from './webdriver';

/** A window that shows text, a logo and cards has far more colours than this. */
const MIN_COLOURS = 16;
/** The logo's blue: it is on screen only once the UI script has run and painted. */
const LOGO_BLUE = '#1d5fd6';
/** The 44 px logo is mostly blue; "Loading…" alone has none. */
const MIN_LOGO_PIXELS = 500;
/** WebKit under Xvfb may paint a moment after the DOM is ready. */
const PAINT_TIMEOUT_MS = 30_000;
const STARTUP_TIMEOUT_MS = 60_000;

describe('desktop app', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  let driver: Driver | undefined;
  let session: WebDriverSession | undefined;

  beforeAll(async () => {
    // A private home so the test neither reads nor writes the user's app data.
    home = mkdtempSync(join(tmpdir(), 'bb-e2e-'));
    env = {
      ...process.env,
      XDG_DATA_HOME: join(home, 'data'),
      XDG_CONFIG_HOME: join(home, 'config'),
      XDG_CACHE_HOME: join(home, 'cache'),
      NO_AT_BRIDGE: '1',
    };
    dataDir = join(home, 'data', APP_DIR_NAME);
    driver = await startDriver(env);
    session = await WebDriverSession.start(driver.url, {
      'tauri:options': { application: appBinary() },
    });
  });

  afterAll(async () => {
    await session?.close().catch(() => undefined);
    if (driver !== undefined) await stop(driver.process);
    // Keep the app's log next to the screenshots for whoever reads a failure.
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    try {
      cpSync(join(dataDir, 'logs'), join(SCREENSHOT_DIR, 'smoke-logs'), { recursive: true });
    } catch {
      // No log folder: the app never started, which the tests already report.
    }
    rmSync(home, { recursive: true, force: true });
  });

  function live(): WebDriverSession {
    if (session === undefined) throw new Error('no WebDriver session');
    return session;
  }

  it('renders the status screen from the shell', async () => {
    const s = live();
    expect(await s.waitForText('#app-name', STARTUP_TIMEOUT_MS)).toBe('BackupBridge');
    expect(await s.text('#app-version')).toBe(`Version ${workspaceVersion()}`);
    expect(await s.text('#status-title')).toBe('Not configured yet');
    expect(await s.text('#data-dir')).toBe(dataDir);
    expect(await s.text('#log-dir')).toBe(join(dataDir, 'logs'));
    expect(await s.title()).toBe('BackupBridge');
  });

  it('paints the rendered UI, in the webview and on the display', async () => {
    // Not blank, and not stuck on the static "Loading…" page: the logo that
    // the UI script puts in must be visible.
    const painted = async (take: () => Promise<string>): Promise<string> =>
      waitFor('the rendered UI on screen', PAINT_TIMEOUT_MS, async () => {
        const path = await take();
        const logo = pixelsNear(path, LOGO_BLUE);
        if (logo < MIN_LOGO_PIXELS) throw new Error(`${path}: only ${logo} logo pixels`);
        return path;
      });
    const webview = await painted(async () =>
      saveScreenshot('smoke-webview.png', await live().screenshot()),
    );
    expect(colourCount(webview)).toBeGreaterThan(MIN_COLOURS);
    const display = await painted(async () => screenshotDisplay('smoke-display.png'));
    expect(colourCount(display)).toBeGreaterThan(MIN_COLOURS);
  });

  it('creates the tray icon and logs no error', async () => {
    const logs = await waitFor('the start-up log lines', 10_000, async () => {
      const text = readLogs(join(dataDir, 'logs'));
      if (!text.includes('main window shown')) throw new Error('not yet');
      return text;
    });
    expect(logs).toContain('BackupBridge starting');
    expect(logs).toContain('tray icon created');
    expect(logs).not.toMatch(/\b(ERROR|WARN)\b/);
  });

  it('hands a second launch over to the running window', async () => {
    const code = await runToExit(appBinary(), [], env, 30_000);
    expect(code).toBe(0);
    await waitFor('the first instance to log the second launch', 10_000, async () => {
      if (!readLogs(join(dataDir, 'logs')).includes('second launch')) throw new Error('not yet');
    });
    // The first instance is still alive and still shows its UI.
    expect(await live().text('#app-name')).toBe('BackupBridge');
  });
});
