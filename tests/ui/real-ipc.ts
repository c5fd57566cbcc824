// The page side of the real-backend test: installs `mockIPC` so that every
// `invoke` goes to the real dispatcher (through `__bbRealCall`, exposed by
// the test process, see real-backend.ts), and polls the backend's events
// into the page as the window process passes them on.
import { mockIPC } from '@tauri-apps/api/mocks';

import type { BackendEvent, Reply } from './real-backend';

declare global {
  interface Window {
    __bbRealCall(cmd: string, args: unknown): Promise<Reply>;
    __bbRealEvents(since: number): Promise<{ next: number; events: BackendEvent[] }>;
  }
}

const EVENT_POLL_MS = 200;

mockIPC(
  async (cmd, args) => {
    const reply = await window.__bbRealCall(cmd, args ?? {});
    // As Tauri does: a failed command rejects with the shell's `{kind, message}`.
    if (!reply.ok) throw reply.error;
    return reply.value;
  },
  { shouldMockEvents: true },
);

let since = 0;
async function poll(): Promise<void> {
  try {
    const { next, events } = await window.__bbRealEvents(since);
    since = next;
    for (const { event, payload } of events) {
      await window.__TAURI_INTERNALS__.invoke('plugin:event|emit', { event, payload });
    }
  } finally {
    setTimeout(() => void poll(), EVENT_POLL_MS);
  }
}
void poll();
