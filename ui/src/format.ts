// Pure text helpers for the views (no DOM, no backend), unit-tested.
import type {
  Override,
  RunCounts,
  RunRecord,
  Status,
  SyncState,
  TicketState,
  TypeFilter,
} from './api';

/** "Version 1.2.3" from "1.2.3"; tolerates a leading "v". */
export function versionLabel(version: string): string {
  const bare = version.trim().replace(/^v/i, '');
  return bare === '' ? 'Version unknown' : `Version ${bare}`;
}

/** "1,000" — thousands separators without depending on the OS locale. */
export function count(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "1 ticket" / "3 tickets". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago"; future times "in 4 min". */
export function relativeTime(iso: string, now: Date): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return 'at an unknown time';
  const secs = Math.round((now.getTime() - then) / 1000);
  const future = secs < 0;
  const abs = Math.abs(secs);
  let text: string;
  if (abs < 45) return future ? 'in a moment' : 'just now';
  if (abs < 90 * 60) text = `${Math.max(1, Math.round(abs / 60))} min`;
  else if (abs < 36 * 3600) text = `${Math.round(abs / 3600)} h`;
  else text = plural(Math.round(abs / 86400), 'day');
  return future ? `in ${text}` : `${text} ago`;
}

/** "in 4 min 10 s" style for a number of seconds. */
export function durationText(secs: number): string {
  const s = Math.max(0, Math.round(secs));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}

/** Local date and time, "2026-11-20 14:05", stable across locales. */
export function dateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Headline of the sync state: the words shown beside its colour. */
export interface StateText {
  /** CSS modifier: idle | syncing | paused | error | setup. */
  tone: 'idle' | 'syncing' | 'paused' | 'error' | 'setup';
  label: string;
  /** The error's reason, when there is one. */
  reason?: string;
}

/** Label and tone of the sync state; `configured = false` wins over idle. */
export function syncStateText(state: SyncState, configured: boolean): StateText {
  switch (state.state) {
    case 'syncing':
      return { tone: 'syncing', label: 'Syncing…' };
    case 'paused':
      return { tone: 'paused', label: 'Paused' };
    case 'error':
      return { tone: 'error', label: 'Error', reason: state.reason };
    case 'idle':
      return configured ? { tone: 'idle', label: 'Idle' } : { tone: 'setup', label: 'Not set up' };
  }
}

/** "Last sync 5 min ago · next in 4 min" (or what is known of it). */
export function syncTimingText(status: Status, now: Date): string {
  const parts: string[] = [];
  parts.push(status.last_run_at === null ? 'No sync yet' : `Last sync ${relativeTime(status.last_run_at, now)}`);
  if (status.next_in_secs !== null && status.state.state !== 'paused' && status.state.state !== 'syncing') {
    parts.push(`next in ${durationText(status.next_in_secs)}`);
  }
  return parts.join(' · ');
}

/** A type filter for display: "All" or "Error, Warning". */
export function typeFilterText(filter: TypeFilter): string {
  return filter === 'All' ? 'All' : filter.Only.join(', ') || 'None';
}

/** A type filter in the settings/map form: `all` or a comma list. */
export function typeFilterValue(filter: TypeFilter): string {
  return filter === 'All' ? 'all' : filter.Only.join(',');
}

/** Parses the settings form (`all` or a comma list), as the core does. */
export function parseTypeFilter(text: string): TypeFilter {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'all') return 'All';
  return {
    Only: trimmed
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  };
}

/** The explicit value of an override, or undefined for `Default`. */
export function explicit<T>(o: Override<T>): T | undefined {
  return o === 'Default' ? undefined : o.Explicit;
}

/** Display of an agreement condition: empty means no agreement. */
export function conditionText(condition: string): string {
  return condition.trim() === '' ? 'No agreement' : condition;
}

/** Friendly names of setting keys, for "still needed" lists. */
const SETTING_LABELS: Record<string, string> = {
  'cw.site': 'Site',
  'cw.company': 'Company',
  'cw.auth_mode': 'Sign-in method',
  'cw.public_key': 'Public key',
  'cw.integrator_username': 'Integrator username',
  'cw.impersonate_member': 'Impersonating member id',
  'cw.client_id': 'Client ID',
  'dashboard.url': 'Dashboard URL',
  'source.url': 'Backup platform address',
  'source.username': 'Backup platform login',
  'ticket.board': 'Ticket board (Defaults screen)',
};

/** "Site", "Client ID", … for a setting key; the key itself when unknown. */
export function settingLabel(key: string): string {
  return SETTING_LABELS[key] ?? key;
}

/** "Still needed: Site, Company and Client ID." or '' when nothing is missing. */
export function missingText(keys: string[]): string {
  if (keys.length === 0) return '';
  const labels = keys.map(settingLabel);
  const last = labels.pop() ?? '';
  return `Still needed before BackupBridge can sync: ${labels.length > 0 ? `${labels.join(', ')} and ${last}` : last}.`;
}

/** Ticket state in words (colour is never the only signal). */
export function ticketStateText(state: TicketState): string {
  switch (state) {
    case 'Open':
      return 'Open';
    case 'Closed':
      return 'Closed (job completed)';
    case 'Removed':
      return 'Event removed';
    case 'Deleted':
      return 'Ticket deleted';
  }
}

/** "3 created, 1 closed" — only the non-zero counts; "nothing to do" when all are zero. */
export function countsText(c: RunCounts): string {
  const parts: Array<[number, string]> = [
    [c.created, 'created'],
    [c.updated, 'updated'],
    [c.notes, c.notes === 1 ? 'note' : 'notes'],
    [c.closed, 'closed'],
    [c.reopened, 'reopened'],
    [c.deleted, 'deleted'],
    [c.skipped, 'skipped'],
    [c.snoozed, 'snoozed'],
    [c.held, c.held === 1 ? 'ticket held by the storm guard' : 'tickets held by the storm guard'],
    [c.errors, c.errors === 1 ? 'error' : 'errors'],
  ];
  const shown = parts.filter(([n]) => n > 0).map(([n, w]) => `${count(n)} ${w}`);
  return shown.length === 0 ? 'nothing to do' : shown.join(', ');
}

/** Outcome of a stored run in words. */
export function runOutcomeText(run: RunRecord): { tone: 'ok' | 'error' | 'running'; label: string } {
  if (run.finished_at === null) return { tone: 'running', label: 'Running or interrupted' };
  if (run.counts.errors > 0 || run.error_messages.length > 0) return { tone: 'error', label: 'With errors' };
  return { tone: 'ok', label: 'OK' };
}

/** The run's length, "12 s", or '' when unfinished. */
export function runDuration(run: RunRecord): string {
  if (run.finished_at === null) return '';
  const ms = Date.parse(run.finished_at) - Date.parse(run.started_at);
  return Number.isNaN(ms) ? '' : ms < 1000 ? '< 1 s' : durationText(ms / 1000);
}

/** Polling intervals offered on the Defaults screen, in seconds. */
export const INTERVAL_CHOICES_SECS: readonly number[] = [30, 60, 120, 300, 600, 900, 1800, 3600];

/** "Every 5 minutes" for an interval in seconds. */
export function intervalLabel(secs: number): string {
  if (secs < 60 || secs % 60 !== 0) return `Every ${plural(secs, 'second')}`;
  const m = secs / 60;
  if (m % 60 === 0) return m === 60 ? 'Every hour' : `Every ${m / 60} hours`;
  return m === 1 ? 'Every minute' : `Every ${m} minutes`;
}
