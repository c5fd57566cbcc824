// What every part of the window shares: the app info and the sync status.
// The header and the current screen subscribe and re-render on changes; the
// `status` event from the shell is the main source of changes.
import type { AppInfo, Status } from './api';

/** Shared state; `status` is null until the first answer or event. */
export interface Shared {
  info: AppInfo | null;
  status: Status | null;
}

type Listener = (now: Shared, before: Shared) => void;

const listeners = new Set<Listener>();
let current: Shared = { info: null, status: null };

/** The current shared state. */
export function shared(): Shared {
  return current;
}

/** Replaces part of the shared state and tells every subscriber. */
export function update(patch: Partial<Shared>): void {
  const before = current;
  current = { ...current, ...patch };
  for (const listener of [...listeners]) listener(current, before);
}

/** Subscribes to changes; returns the unsubscribe function. */
export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** True when a sync cycle finished between `before` and `now` (data may have changed). */
export function cycleFinished(now: Shared, before: Shared): boolean {
  return (
    now.status !== null &&
    (before.status === null ||
      now.status.cycles !== before.status.cycles ||
      now.status.last_run_at !== before.status.last_run_at)
  );
}

/** Re-reads the app info (after settings changed what is missing). */
export async function refreshInfo(load: () => Promise<AppInfo>): Promise<void> {
  try {
    update({ info: await load() });
  } catch {
    // The header keeps the last known info; the screen reports its own errors.
  }
}
