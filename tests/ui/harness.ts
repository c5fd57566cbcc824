// Harness of the UI browser tests: serves ui/dist over loopback, bundles the
// fake backend (or, for real-backend.test.ts, the bridge to the real
// dispatcher) into one classic script, starts Debian's Chromium through
// playwright-core (never a downloaded browser) and opens the app with it
// injected before any UI script runs. Screenshots go to target/screenshots/.
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';

import type { Scenario } from './fake-world';
import type { RealBackend } from './real-backend';

export const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const DIST = join(ROOT, 'ui', 'dist');
export const SCREENSHOT_DIR = join(ROOT, 'target', 'screenshots');

const CHROMIUM_PATHS = ['/usr/bin/chromium', '/usr/lib/chromium/chromium'];
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** Serves ui/dist on 127.0.0.1 (a free port). */
export async function serveDist(): Promise<{ url: string; close(): Promise<void> }> {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error('ui/dist/index.html is missing: run `npm run build:ui` first (npm run test:browser does)');
  }
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (path === '/favicon.ico') {
      // The app has no favicon (the window icon comes from Tauri).
      res.writeHead(204).end();
      return;
    }
    const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
    if (!file.startsWith(DIST + sep)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

const scripts = new Map<string, Promise<string>>();

/** `tests/ui/<entry>` and what it imports, as one IIFE script to inject into the page. */
function pageScript(entry: string): Promise<string> {
  let script = scripts.get(entry);
  if (script === undefined) {
    script = (async () => {
      const out = await build({
        configFile: false,
        logLevel: 'silent',
        root: ROOT,
        build: {
          write: false,
          minify: false,
          target: 'es2021',
          lib: { entry: join(ROOT, 'tests', 'ui', entry), formats: ['iife'], name: 'bbBackend', fileName: 'backend' },
        },
      });
      const result = Array.isArray(out) ? out[0] : out;
      if (result === undefined || !('output' in result)) throw new Error(`vite did not return the bundle of ${entry}`);
      const chunk = result.output.find((o) => o.type === 'chunk');
      if (chunk === undefined || chunk.type !== 'chunk') throw new Error(`the bundle of ${entry} has no code`);
      return chunk.code;
    })();
    scripts.set(entry, script);
  }
  return script;
}

/** The fake backend (fake-backend.ts and what it imports) as one IIFE script. */
export function fakeBackendScript(): Promise<string> {
  return pageScript('fake-backend.ts');
}

/** Debian's Chromium (BB_CHROMIUM overrides). */
export function chromiumPath(): string {
  const wanted = process.env['BB_CHROMIUM'];
  if (wanted !== undefined && wanted !== '') return wanted;
  const found = CHROMIUM_PATHS.find((p) => existsSync(p));
  if (found === undefined) throw new Error(`Chromium not found at ${CHROMIUM_PATHS.join(' or ')}: install the Debian package chromium`);
  return found;
}

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}

export interface Viewport {
  width: number;
  height: number;
}

export const WIDE: Viewport = { width: 1280, height: 800 };
export const NARROW: Viewport = { width: 900, height: 600 };

/** One open app page with its fake backend. */
export class App {
  /** Uncaught errors and console errors of the page. */
  readonly problems: string[] = [];

  private constructor(readonly page: Page) {
    page.on('pageerror', (e) => this.problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') this.problems.push(`console error: ${m.text()}`);
    });
  }

  /** Opens the UI at `hash` with a fake backend in `scenario`. */
  static async open(
    browser: Browser,
    base: string,
    scenario: Scenario,
    viewport: Viewport = WIDE,
    hash = '',
    colorScheme: 'light' | 'dark' = 'light',
  ): Promise<App> {
    const context = await browser.newContext({ viewport, colorScheme, reducedMotion: 'reduce' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const page = await context.newPage();
    await page.addInitScript({ content: `window.__BB_SCENARIO__ = ${JSON.stringify(scenario)};` });
    await page.addInitScript({ content: await fakeBackendScript() });
    const app = new App(page);
    await page.goto(`${base}${hash}`);
    await page.locator('[data-testid="sync-state"]').waitFor();
    return app;
  }

  /**
   * Opens the UI with `invoke` going to the real dispatcher at `backend`
   * (real-ipc.ts in the page, `RealBackend` in this process) instead of the fake.
   */
  static async openReal(browser: Browser, base: string, backend: RealBackend, viewport: Viewport = WIDE): Promise<App> {
    const context = await browser.newContext({ viewport, colorScheme: 'light', reducedMotion: 'reduce' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    const page = await context.newPage();
    await page.exposeFunction('__bbRealCall', (cmd: string, args: unknown) => backend.call(cmd, args));
    await page.exposeFunction('__bbRealEvents', (since: number) => backend.events(since));
    await page.addInitScript({ content: await pageScript('real-ipc.ts') });
    const app = new App(page);
    await page.goto(base);
    await page.locator('[data-testid="sync-state"]').waitFor();
    return app;
  }

  /** The element(s) with `data-testid`. */
  id(testid: string): Locator {
    return this.page.locator(`[data-testid="${testid}"]`);
  }

  /** Clicks a nav tab and waits for its screen to settle. */
  async nav(screen: 'connection' | 'defaults' | 'companies' | 'activity' | 'logs'): Promise<void> {
    await this.id(`nav-${screen}`).click();
    await this.page.waitForFunction(() => !document.querySelector('#content')?.textContent?.includes('Loading'), undefined, { timeout: 10_000 });
  }

  /** Commands the UI sent, in order, with their arguments. */
  async calls(cmd?: string): Promise<Array<{ cmd: string; args: Record<string, unknown> }>> {
    const all = await this.page.evaluate(() => window.__bbFake.calls.map((c) => ({ cmd: c.cmd, args: c.args })));
    return cmd === undefined ? all : all.filter((c) => c.cmd === cmd);
  }

  /** Saves a screenshot `ui-<name>-<w>x<h>.png`; returns its path. */
  async shot(name: string): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const v = this.page.viewportSize() ?? WIDE;
    const path = join(SCREENSHOT_DIR, `ui-${name}-${v.width}x${v.height}.png`);
    // Let debounced validation and transitions settle.
    await this.page.waitForTimeout(250);
    await this.page.screenshot({ path });
    return path;
  }

  /**
   * Saves `ui-<name>-<w>x<h>-full.png`: the whole screen, not just the window
   * (the main area scrolls inside the window, so it is unrolled for the shot).
   */
  async shotFull(name: string): Promise<string> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    const v = this.page.viewportSize() ?? WIDE;
    const path = join(SCREENSHOT_DIR, `ui-${name}-${v.width}x${v.height}-full.png`);
    await this.page.waitForTimeout(250);
    const style = await this.page.addStyleTag({
      content: 'html, body { height: auto !important; overflow: visible !important; } .content { overflow: visible !important; }',
    });
    await this.page.screenshot({ path, fullPage: true });
    await style.evaluate((node) => node.parentNode?.removeChild(node));
    return path;
  }

  /** Widths that overflow: the page itself, or the main area (tables scroll inside their own box). */
  async overflow(): Promise<string[]> {
    return this.page.evaluate(() => {
      const out: string[] = [];
      const doc = document.documentElement;
      if (doc.scrollWidth > window.innerWidth + 1) out.push(`page ${doc.scrollWidth}px > ${window.innerWidth}px`);
      const main = document.querySelector<HTMLElement>('#content');
      if (main !== null && main.scrollWidth > main.clientWidth + 1) out.push(`main ${main.scrollWidth}px > ${main.clientWidth}px`);
      for (const sel of ['.app-header', '.tabs', '#banners']) {
        const el = document.querySelector<HTMLElement>(sel);
        if (el !== null && el.scrollWidth > el.clientWidth + 1 && sel !== '.tabs') out.push(`${sel} ${el.scrollWidth}px > ${el.clientWidth}px`);
      }
      return out;
    });
  }

  /** Form controls on screen that have no label (by <label>, aria-label or aria-labelledby). */
  async unlabelled(): Promise<string[]> {
    return this.page.evaluate(() =>
      [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea')]
        .filter((c) => c.offsetParent !== null && !c.classList.contains('offscreen'))
        .filter((c) => (c.labels?.length ?? 0) === 0 && !c.hasAttribute('aria-label') && !c.hasAttribute('aria-labelledby'))
        .map((c) => c.dataset['testid'] ?? c.outerHTML.slice(0, 80)),
    );
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}

/**
 * One browser and one static server for a test file, and the app its tests
 * drive: `open` starts it on a fake-backend scenario; `close` (also run after
 * each test) closes it, and the test fails when the app logged a problem.
 */
export function appSuite(): {
  open(scenario: Scenario, viewport: Viewport, hash: string): Promise<App>;
  close(): Promise<void>;
} {
  let browser: Browser | undefined;
  let server: Awaited<ReturnType<typeof serveDist>> | undefined;
  let current: App | undefined;
  const close = async (): Promise<void> => {
    if (current === undefined) return;
    const problems = current.problems;
    await current.close();
    current = undefined;
    expect(problems).toEqual([]);
  };
  beforeAll(async () => {
    [browser, server] = await Promise.all([launch(), serveDist()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(close);
  return {
    async open(scenario, viewport, hash) {
      if (browser === undefined || server === undefined) throw new Error('the browser has not started');
      current = await App.open(browser, server.url, scenario, viewport, hash);
      return current;
    },
    close,
  };
}
