// The fake backend's Activity list (issue 18): the same answers as the
// shell's `ticket_page` and `ticket_changes` over the fake world's tickets —
// filter, search, storm filter, the kept-history bound and keyset pages,
// newest change first. The fake keeps no revisions, so a refresh reports
// every ticket as changed (the screen merges them in place all the same).
import type { CompanyView, TicketChanges, TicketPage, TicketQuery, TicketRow } from '../../ui/src/api';

/** `activity.keep_days` unless the world stores another. */
export const KEEP_DAYS = 90;

function passes(t: TicketRow, q: TicketQuery, cutoff: string): boolean {
  if (q.filter === 'open' && t.state !== 'Open') return false;
  if (q.filter === 'errors' && (t.last_error === null || t.last_error === '')) return false;
  if (q.created_since !== null) {
    if (t.created_at === null || Date.parse(t.created_at) < Date.parse(q.created_since)) return false;
  }
  const search = q.search.trim().toLowerCase();
  if (search === '') return !old(t, cutoff);
  if (/^#\d+$/.test(search)) return t.ticket_id === Number(search.slice(1));
  return [t.summary, t.message, t.last_error ?? '', t.event_id, t.company_name ?? '', t.company_id, String(t.ticket_id)].some((f) =>
    f.toLowerCase().includes(search),
  );
}

function old(t: TicketRow, cutoff: string): boolean {
  return t.state !== 'Open' && t.updated_at < cutoff;
}

function order(a: TicketRow, b: TicketRow): number {
  if (a.updated_at !== b.updated_at) return a.updated_at < b.updated_at ? 1 : -1;
  return a.event_id.localeCompare(b.event_id);
}

interface Listing {
  rows: TicketRow[];
  total: number;
  hidden: number;
  tracked: number;
  keep_days: number;
}

function listing(tickets: TicketRow[], companies: CompanyView[], q: TicketQuery, keepDays: number, now: Date): Listing {
  const names = new Map(companies.map((c) => [c.id, c.name]));
  const cutoff = new Date(now.getTime() - keepDays * 86_400_000).toISOString();
  const named = tickets.map((t) => ({ ...t, company_name: names.get(t.company_id) ?? null }));
  const rows = named.filter((t) => passes(t, q, cutoff)).sort(order);
  const hidden = q.search.trim() === '' ? named.filter((t) => old(t, cutoff) && passes(t, { ...q, search: ' ' }, cutoff)).length : 0;
  return { rows, total: rows.length, hidden, tracked: tickets.length, keep_days: keepDays };
}

/** `ticket_page`. */
export function ticketPage(tickets: TicketRow[], companies: CompanyView[], q: TicketQuery, keepDays: number, now: Date): TicketPage {
  const l = listing(tickets, companies, q, keepDays, now);
  const after = q.after;
  const from = after === null ? 0 : l.rows.findIndex((t) => order(t, { ...t, ...after }) > 0);
  const start = from < 0 ? l.rows.length : from;
  const limit = Math.min(Math.max(q.limit ?? 100, 1), 500);
  const rows = l.rows.slice(start, start + limit);
  const last = rows[rows.length - 1];
  const next = start + limit < l.rows.length && last !== undefined ? { updated_at: last.updated_at, event_id: last.event_id } : null;
  return { ...l, rows, next, revision: 0 };
}

/** `ticket_changes`: everything, as changed. */
export function ticketChanges(tickets: TicketRow[], companies: CompanyView[], q: TicketQuery, keepDays: number, now: Date): TicketChanges {
  const l = listing(tickets, companies, q, keepDays, now);
  if (l.rows.length > 500) return { ...l, rows: [], gone: [], overflow: true, revision: 0 };
  const kept = new Set(l.rows.map((t) => t.event_id));
  const gone = tickets.filter((t) => !kept.has(t.event_id)).map((t) => t.event_id);
  return { ...l, gone, overflow: false, revision: 0 };
}
