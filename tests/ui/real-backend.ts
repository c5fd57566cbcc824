// The real command dispatcher for the browser test: starts the example server
// `ui_backend` (crates/shell/examples/ui_backend.rs: the shell's AppState in
// demo mode on a fresh data folder, `bridge_shell::commands::call` over
// loopback HTTP) and relays the page's calls and the backend's events.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { ROOT } from './harness';

/** What the page gets for one call: the result, or the `{kind, message}` error. */
export type Reply = { ok: true; value: unknown } | { ok: false; error: unknown };

/** One backend event, as the tray process sends it to the window. */
export interface BackendEvent {
  event: string;
  payload: unknown;
}

/** The example binary: `BB_UI_BACKEND`, else `<target>/debug/examples/ui_backend`. */
export function backendBinary(): string {
  const given = process.env['BB_UI_BACKEND'];
  if (given !== undefined && given !== '') return given;
  const target = process.env['CARGO_TARGET_DIR'] ?? join(ROOT, 'target');
  const exe = process.platform === 'win32' ? 'ui_backend.exe' : 'ui_backend';
  return join(target.startsWith('/') ? target : join(ROOT, target), 'debug', 'examples', exe);
}

const START_TIMEOUT_MS = 30_000;

/** How the server starts: its arguments (`--damaged-database`) and extra environment. */
export interface StartOptions {
  args?: string[];
  env?: Record<string, string>;
}

/**
 * Every launcher the `open` crate tries on Linux, xdg-open first. The fake
 * opener stands in for all of them, so a link is recorded and nothing real
 * opens whichever one is tried.
 */
const LAUNCHERS = ['xdg-open', 'gio', 'gnome-open', 'kde-open6', 'kde-open5', 'kde-open'];

/**
 * A folder of fake openers that append `<launcher> <arguments>` to a log:
 * start the server with `env` (its `PATH` is that folder alone) and read
 * what it opened with `opened()`.
 */
export class FakeOpener {
  private readonly dir = mkdtempSync(join(tmpdir(), 'bb-opener-'));
  private readonly log = join(this.dir, 'opened.log');

  constructor() {
    for (const name of LAUNCHERS) {
      const script = join(this.dir, name);
      writeFileSync(script, `#!/bin/sh\nprintf '%s %s\\n' '${name}' "$*" >> '${this.log}'\n`);
      chmodSync(script, 0o755);
    }
  }

  /** The environment that makes the server open links here. */
  get env(): Record<string, string> {
    return { PATH: this.dir };
  }

  /** What was opened, one `<launcher> <arguments>` a line. */
  opened(): string[] {
    return existsSync(this.log) ? readFileSync(this.log, 'utf8').split('\n').filter((l) => l !== '') : [];
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class RealBackend {
  /** The commands the page called, in order. */
  readonly calls: Array<{ cmd: string; args: unknown }> = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly url: string,
  ) {}

  /** Starts the server and waits for its address. */
  static async start(options: StartOptions = {}): Promise<RealBackend> {
    const binary = backendBinary();
    if (!existsSync(binary)) {
      throw new Error(`${binary} is missing: build it with \`cargo build -p bridge-shell --example ui_backend\` (npm run test:browser does)`);
    }
    // stdin stays open: the server ends when it closes, so it never outlives the test.
    const child = spawn(binary, options.args ?? [], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, ...options.env },
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ui_backend did not say where it listens within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      child.once('exit', (code) => reject(new Error(`ui_backend ended (exit ${String(code)}) before it listened`)));
      child.once('error', reject);
      const stdout = child.stdout;
      if (stdout === null) throw new Error('ui_backend has no stdout');
      createInterface({ input: stdout }).on('line', (line) => {
        const m = /^listening on (http:\/\/\S+)$/.exec(line.trim());
        if (m?.[1] !== undefined) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
    });
    return new RealBackend(child, url);
  }

  /** Runs `cmd` in the real dispatcher. */
  async call(cmd: string, args: unknown): Promise<Reply> {
    this.calls.push({ cmd, args });
    const response = await fetch(`${this.url}/call/${encodeURIComponent(cmd)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(args ?? {}),
    });
    const body: unknown = await response.json();
    return response.ok ? { ok: true, value: body } : { ok: false, error: body };
  }

  /**
   * Prepares the demo's data through the server's `/control/<action>`
   * (`stuck-call`, `hold-removals`; see ui_backend.rs); not a page call.
   */
  async control(action: string): Promise<unknown> {
    const response = await fetch(`${this.url}/control/${action}`, { method: 'POST' });
    const body: unknown = await response.json();
    if (!response.ok) throw new Error(`ui_backend could not ${action}: ${JSON.stringify(body)}`);
    return body;
  }

  /** The events from the `since`-th on, and the index to ask from next. */
  async events(since: number): Promise<{ next: number; events: BackendEvent[] }> {
    const response = await fetch(`${this.url}/events?since=${since}`);
    return (await response.json()) as { next: number; events: BackendEvent[] };
  }

  /** Ends the server (it removes its data folder) and waits for it. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((ok) => this.child.once('exit', () => ok()));
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
