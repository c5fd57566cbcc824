// Smoke test of the real desktop app: started through tauri-driver and
// WebKitWebDriver inside the private X display and D-Bus session that
// scripts/e2e.sh provides, on a fresh data folder with the flag run.sh passes
// (--demo-if-unconfigured), so it lands in demo mode like a newcomer's first
// `make run`. It checks that tickets appear on the Activity screen within one
// poll, that the other screens are served from the simulators (board
// pick-lists, companies, connection, log tail), leaves demo mode and comes back through "Try with demo data", takes
// screenshots into target/screenshots/, checks the log, and checks that a
// second launch hands over to the first. Then it closes the window: its
// process ends, web engine and all, while the tray process (which loads no
// web engine) keeps syncing; a second launch starts a new window. Last, an
// old login item (`backup-bridge-app --minimized`) starts the tray alone.
//
// Selectors are the `data-testid`s used by ui/src (the UI contract is declared in crates/shell/src/commands/mod.rs and generated into ui/src/bindings/contract.ts).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  APP_DIR_NAME,
  SCREENSHOT_DIR,
  appBinary,
  childrenNamed,
  closeWindowTitled,
  colourCount,
  endTray,
  pixelsNear,
  processesOf,
  readLogs,
  runToExit,
  saveScreenshot,
  screenshotDisplay,
  startDriver,
  stop,
  trayPid,
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
/** The demo syncs at start and then every 10 s: tickets must show within one poll. */
const ONE_POLL_MS = 20_000;
/** Time for WebKit to paint what the DOM already holds. */
const PAINT_SETTLE_MS = 1_000;

/** `[data-testid="…"]`. */
function tid(id: string): string {
  return `[data-testid="${id}"]`;
}

describe('desktop app, first run', () => {
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
      // The keychain (gnome-keyring, started on demand in the test's D-Bus
      // session) keeps its files under HOME: a private one.
      HOME: home,
      XDG_DATA_HOME: join(home, 'data'),
      XDG_CONFIG_HOME: join(home, 'config'),
      XDG_CACHE_HOME: join(home, 'cache'),
      NO_AT_BRIDGE: '1',
    };
    dataDir = join(home, 'data', APP_DIR_NAME);
    driver = await startDriver(env);
    session = await WebDriverSession.start(driver.url, {
      'tauri:options': { application: appBinary(), args: ['--demo-if-unconfigured'] },
    });
  });

  afterAll(async () => {
    await session?.close().catch(() => undefined);
    if (driver !== undefined) await stop(driver.process);
    // The tray process outlives the window WebDriver drove, by design; it
    // closes the windows it started when it ends.
    await endTray(dataDir);
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

  it('opens in demo mode on a fresh machine', async () => {
    const s = live();
    expect(await s.waitForText(tid('demo-banner'), STARTUP_TIMEOUT_MS)).toMatch(/demo mode/i);
    expect(await s.title()).toMatch(/BackupBridge$/);
    // Demo mode has a database of its own; the user's is not even created.
    expect(existsSync(join(dataDir, 'demo.db'))).toBe(true);
    expect(existsSync(join(dataDir, 'backupbridge.db'))).toBe(false);
  });

  it('shows demo tickets on the Activity screen within one poll', async () => {
    const s = live();
    await s.click(tid('nav-activity'));
    const rows = await s.waitForAll(tid('ticket-row'), 3, ONE_POLL_MS);
    // Each row names its ConnectWise ticket number.
    for (const row of rows) expect(row).toMatch(/\d/);
    // WebKit paints a moment after the DOM changes.
    await new Promise((done) => setTimeout(done, PAINT_SETTLE_MS));
    saveScreenshot('smoke-activity.png', await s.screenshot());
  });

  it('serves every screen from the simulators: pick-lists, companies, connection, logs', async () => {
    const s = live();
    const settle = (): Promise<void> => new Promise((done) => setTimeout(done, PAINT_SETTLE_MS));
    // Defaults: the board pick-list comes from the ConnectWise simulator.
    await s.click(tid('nav-defaults'));
    const boards = await s.waitForAll(`${tid('ticket-board')} option`, 2, ONE_POLL_MS);
    expect(boards.join('|')).toContain('Service Desk');
    await s.waitForAll(`${tid('ticket-status-closed')} option`, 2, ONE_POLL_MS);
    await settle();
    saveScreenshot('smoke-defaults.png', await s.screenshot());
    // Companies: the Dashboard's companies with their mapping and status.
    await s.click(tid('nav-companies'));
    const rows = await s.waitForAll(tid('company-row'), 6, ONE_POLL_MS);
    expect(rows.join('\n')).toContain('AcmeDental');
    await settle();
    saveScreenshot('smoke-companies.png', await s.screenshot());
    // Connection: the demo's settings, secrets only as "saved".
    await s.click(tid('nav-connection'));
    expect(await s.waitForText(tid('connection-form'), ONE_POLL_MS)).toMatch(/Client ID/i);
    await settle();
    saveScreenshot('smoke-connection.png', await s.screenshot());
    // Logs: the tail of the app's own log.
    await s.click(tid('nav-logs'));
    expect(await s.waitForText(tid('logs-tail'), ONE_POLL_MS)).toMatch(/sync finished/);
    await settle();
    saveScreenshot('smoke-logs.png', await s.screenshot());
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

  it('leaves demo mode and offers it again on the first screen', async () => {
    const s = live();
    await s.click(tid('demo-stop'));
    // Back on the user's own (empty) database: the first screen offers the demo.
    await s.waitForText(tid('demo-start'), 20_000);
    expect(await s.texts(tid('demo-banner'))).toEqual([]);
    saveScreenshot('smoke-first-screen.png', await s.screenshot());
    await s.click(tid('demo-start'));
    await s.waitForText(tid('demo-banner'), 20_000);
    await s.click(tid('nav-activity'));
    await s.waitForAll(tid('ticket-row'), 1, ONE_POLL_MS);
  });

  it('logs the start, the tray, the demo syncs and no error', async () => {
    const logs = await waitFor('the start-up log lines', 10_000, async () => {
      const text = readLogs(join(dataDir, 'logs'));
      if (!text.includes('sync finished cycle=1')) throw new Error('not yet');
      return text;
    });
    expect(logs).toContain('BackupBridge starting');
    expect(logs).toContain('tray icon created');
    expect(logs).toContain('main window shown');
    expect(logs).toContain('starting in demo mode');
    expect(logs).toContain('background sync started demo=true');
    // The demo's deliberate problems may log warnings; nothing may fail outright.
    expect(logs).not.toMatch(/\bERROR\b|panicked/);
  });

  it('hands a second launch over to the running window', async () => {
    const code = await runToExit(appBinary(), [], env, 30_000);
    expect(code).toBe(0);
    await waitFor('the first instance to log the second launch', 10_000, async () => {
      // The tray process's own line: the launch writes to the same log.
      const logs = readLogs(join(dataDir, 'logs'));
      if (!logs.includes('second launch: bringing the window forward')) throw new Error('not yet');
    });
    // The first instance is still alive and still shows its UI.
    expect(await live().text(tid('nav-activity'))).toBe('Activity');
  });

  // It closes the window the WebDriver session drives.
  it('closes to the tray, ending the window process, and opens again on a second launch', async () => {
    const [window] = processesOf(appBinary());
    const tray = trayPid(dataDir);
    if (window === undefined) throw new Error('the window process is not running');
    if (tray === undefined) throw new Error('the tray process is not running');
    const webProcesses = (parent: number): number[] => childrenNamed(parent, 'WebKitWebProces');
    expect(webProcesses(window).length).toBeGreaterThan(0);
    // The tray process never loads the web engine.
    expect(readFileSync(`/proc/${tray}/maps`, 'utf8')).not.toContain('libwebkit2gtk');

    closeWindowTitled('BackupBridge');
    await waitFor('the window process to end with its window', 20_000, async () => {
      if (processesOf(appBinary()).includes(window)) throw new Error('window process still running');
    });
    const logs = (): string => readLogs(join(dataDir, 'logs'));
    await waitFor('the tray process to notice', 10_000, async () => {
      if (!logs().includes('main window closed; the app keeps running in the tray')) {
        throw new Error('not logged yet');
      }
    });
    // Still syncing in the tray: the same process, and demo syncs go on.
    expect(trayPid(dataDir)).toBe(tray);
    expect(() => process.kill(tray, 0)).not.toThrow();
    const syncsBefore = logs().split('sync finished').length;
    await waitFor('a sync while in the tray', ONE_POLL_MS, async () => {
      if (logs().split('sync finished').length <= syncsBefore) throw new Error('no sync yet');
    });

    expect(await runToExit(appBinary(), [], env, 30_000)).toBe(0);
    await waitFor('a new window process', 20_000, async () => {
      if (logs().split('main window created').length < 3) throw new Error('not yet');
      const [again] = processesOf(appBinary());
      if (again === undefined || webProcesses(again).length === 0) {
        throw new Error('no web process yet');
      }
    });
    await waitFor('the new window to paint', PAINT_TIMEOUT_MS, async () => {
      const shot = screenshotDisplay('smoke-reopened.png');
      if (pixelsNear(shot, LOGO_BLUE) < MIN_LOGO_PIXELS) throw new Error('logo not painted yet');
    });
    expect(logs()).not.toContain('cannot start the window');
    expect(logs()).not.toMatch(/\bERROR\b|panicked/);
  });

  it('started as a login item from before the split, becomes the tray process alone', async () => {
    await endTray(dataDir);
    const logs = (): string => readLogs(join(dataDir, 'logs'));
    const startsBefore = logs().split('started in the tray').length;
    // `backup-bridge-app --minimized` replaces itself with the tray process.
    const child = spawn(appBinary(), ['--minimized'], { env, stdio: 'ignore' });
    try {
      await waitFor('the tray process to start in its place', 20_000, async () => {
        if (logs().split('started in the tray').length <= startsBefore) throw new Error('not yet');
        if (trayPid(dataDir) !== child.pid) throw new Error('not the same process');
      });
      expect(readFileSync(`/proc/${child.pid}/maps`, 'utf8')).not.toContain('libwebkit2gtk');
      // No window: the earlier ones went with their tray process.
      await waitFor('no window process', 10_000, async () => {
        if (processesOf(appBinary()).length > 0) throw new Error('a window process runs');
      });
    } finally {
      await endTray(dataDir);
    }
  });
});
