// Process and file helpers for the end-to-end tests: free ports, tauri-driver,
// isolated app folders, screenshots.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { waitFor } from './webdriver';

/** Repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where screenshots are written (the repository's own target/, by design). */
export const SCREENSHOT_DIR = join(REPO_ROOT, 'target', 'screenshots');
/** Name of the data folder the app and the CLI share (`bridge_core::store::APP_DIR_NAME`). */
export const APP_DIR_NAME = 'BackupBridge';

/** Path of the debug binary under test, from BB_APP_BIN (set by scripts/e2e.sh). */
export function appBinary(): string {
  const bin = process.env['BB_APP_BIN'];
  if (bin === undefined || bin === '') {
    throw new Error('BB_APP_BIN is not set: run the end-to-end tests through scripts/e2e.sh');
  }
  return bin;
}

/** Ids of running processes executing `binary` (by /proc/PID/exe, whatever argv[0] says). */
export function processesOf(binary: string): number[] {
  const wanted = realpathSync(binary);
  return procIds().filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/exe`) === wanted;
    } catch {
      return false; // ended meanwhile, or not ours to read
    }
  });
}

/** The pid of the tray process of the data folder `dataDir` (from its `tray.json`), if it wrote one. */
export function trayPid(dataDir: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(join(dataDir, 'tray.json'), 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined; // never started, or gone
  }
}

/** Ends the tray process of the data folder `dataDir`, and waits for it. */
export async function endTray(dataDir: string): Promise<void> {
  const pid = trayPid(dataDir);
  if (pid === undefined) return;
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  await waitFor('the tray process to end', 15_000, async () => {
    if (alive()) throw new Error(`tray process ${pid} still running`);
  }).catch(() => process.kill(pid, 'SIGKILL'));
}

/** The workspace version from the root Cargo.toml. */
export function workspaceVersion(): string {
  const manifest = readFileSync(join(REPO_ROOT, 'Cargo.toml'), 'utf8');
  const section = manifest.split('[workspace.package]')[1] ?? '';
  const match = /^version\s*=\s*"([^"]+)"/m.exec(section);
  if (match?.[1] === undefined) {
    throw new Error('no version in [workspace.package] of Cargo.toml');
  }
  return match[1];
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') {
          resolvePort(address.port);
        } else {
          reject(new Error('no port assigned'));
        }
      });
    });
  });
}

/** A running tauri-driver and its URL. */
export interface Driver {
  url: string;
  process: ChildProcess;
  output: () => string;
}

/** Starts tauri-driver on free ports with `env` and waits until it answers. */
export async function startDriver(env: NodeJS.ProcessEnv): Promise<Driver> {
  const port = await freePort();
  const nativePort = await freePort();
  const child = spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor('tauri-driver to listen', 30_000, async () => {
    if (spawnError !== undefined) {
      throw new Error(`cannot start tauri-driver (scripts/setup.sh test installs it): ${spawnError.message}`);
    }
    if (child.exitCode !== null) {
      throw new Error(`tauri-driver exited with ${child.exitCode}: ${output}`);
    }
    await fetch(`${url}/status`);
  });
  return { url, process: child, output: () => output };
}

/** Stops a child process and waits for it to go. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Runs `command` to completion; resolves with its exit code, or rejects after `timeoutMs`. */
export function runToExit(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<number | null> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { env, stdio: 'ignore' });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`${command} still running after ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('error', fail);
    child.once('exit', (code) => {
      clearTimeout(timer);
      done(code);
    });
  });
}

/** Writes a screenshot under target/screenshots and returns its path. */
export function saveScreenshot(name: string, png: Buffer): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, name);
  writeFileSync(path, png);
  return path;
}

/** Screenshot of the whole X display with ImageMagick's `import`. */
export function screenshotDisplay(name: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, name);
  execFileSync('import', ['-window', 'root', path]);
  return path;
}

/** Number of distinct colours in an image (1 for a blank page). */
export function colourCount(path: string): number {
  const out = execFileSync('identify', ['-format', '%k', path]).toString().trim();
  return Number.parseInt(out, 10);
}

/** Number of pixels within a few percent of `hex` (e.g. `#1d5fd6`). */
export function pixelsNear(path: string, hex: string): number {
  const out = execFileSync('convert', [
    path,
    '-alpha', 'off',
    '-fuzz', '8%',
    '-fill', 'black', '+opaque', hex,
    '-fill', 'white', '-opaque', hex,
    '-format', '%[fx:round(mean*w*h)]',
    'info:',
  ]).toString().trim();
  return Number.parseInt(out, 10);
}

/** Concatenated text of every log file in `logDir`. */
export function readLogs(logDir: string): string {
  return readdirSync(logDir)
    .filter((name) => name.endsWith('.log'))
    .sort()
    .map((name) => readFileSync(join(logDir, name), 'utf8'))
    .join('');
}

/** Ids of the children of `parent` whose name (`comm`) starts with `prefix`. */
export function childrenNamed(parent: number, prefix: string): number[] {
  return procIds().filter((pid) => {
    const stat = readProc(pid, 'stat');
    // pid (comm) state ppid …: comm may hold spaces, so parse after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return ppid === parent && readProc(pid, 'comm').trim().startsWith(prefix);
  });
}

/** Asks the X11 window titled `title` to close, as a window manager's close button does. */
export function closeWindowTitled(title: string): void {
  execFileSync('python3', [join(REPO_ROOT, 'tests', 'e2e', 'wm_close.py'), title]);
}

function procIds(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

function readProc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return ''; // the process ended meanwhile
  }
}
