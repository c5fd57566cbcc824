// Activity's events and tickets at any scale (issue 18): the backend applies
// the filter, search and kept-history bound (`activity.keep_days`) and hands
// one page at a time, newest change first; "Show more" reads the next page.
// Only the loaded pages are in the DOM. After each sync the list asks for
// the tickets changed since its last read and merges them in place, so a
// refresh costs what changed, not the ledger. Arrow keys move between the
// rows' ticket links.
import * as api from '../api';
import { button, debounce, el } from '../dom';
import { count, plural } from '../format';
import { reanchorMenu } from '../menu';
import { errorNotice, select } from '../ui';
import { ticketRowHtml } from './activity-rows';
import { sinceLabel } from './activity-since';

/** Rows per page. */
export const PAGE_SIZE = 100;
const SEARCH_DELAY_MS = 200;

type Key = Pick<api.TicketRow, 'updated_at' | 'event_id'>;

/** Compares two rows in the list's order: newest change first, then event id. */
export function compareRows(a: Key, b: Key): number {
  if (a.updated_at !== b.updated_at) return a.updated_at < b.updated_at ? 1 : -1;
  return a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0;
}

/**
 * The loaded rows after `changes`: changed rows leave their old place; those
 * still matching come back at their new one when it is within the loaded
 * range (up to `next`, where "Show more" starts; all of it when `next` is
 * null). Rows beyond it arrive with "Show more".
 */
export function mergeChanges(rows: api.TicketRow[], changes: api.TicketChanges, next: api.TicketCursor | null): api.TicketRow[] {
  const changed = new Set<string>([...changes.gone, ...changes.rows.map((r) => r.event_id)]);
  const kept = rows.filter((r) => !changed.has(r.event_id));
  const inRange = changes.rows.filter((r) => next === null || compareRows(r, next) <= 0);
  return [...kept, ...inRange].sort(compareRows);
}

/** The count line: "1,234 tickets", or "20 of 1,234 tickets" while more pages wait. */
export function countText(shown: number, total: number): string {
  return shown >= total ? plural(total, 'ticket') : `${count(shown)} of ${plural(total, 'ticket')}`;
}

/** Why some tickets are not listed: the kept-history bound. */
export function historyText(hidden: number, keepDays: number): string {
  const those = hidden === 1 ? 'ticket closed or removed' : 'tickets closed or removed';
  return `${count(hidden)} ${those} more than ${plural(keepDays, 'day')} ago ${hidden === 1 ? 'is' : 'are'} not listed; search to find ${hidden === 1 ? 'it' : 'them'}.`;
}

/** The first page of the default list, asked for while the window starts. */
let early: Promise<api.TicketPage> | null = null;

/**
 * Asks for the first page of the default list now (the window calls it at
 * start, before it knows which screen opens), so Activity's first rows do
 * not wait for a round trip of their own. Taken once by the next list.
 */
export function prefetchFirstPage(): void {
  early = api.ticketPage(defaultQuery(null));
  // Used or not, a failure here is no one's: the list asks again.
  early.catch(() => undefined);
}

function defaultQuery(since: api.ActivityFilter | null): api.TicketQuery {
  return { filter: 'all', search: '', created_since: since?.created_since ?? null, after: null, limit: PAGE_SIZE };
}

/** The prefetched first page when `query` is the one it asked for (taken once). */
async function firstPage(query: api.TicketQuery): Promise<api.TicketPage> {
  const taken = early;
  early = null;
  if (taken !== null && JSON.stringify(query) === JSON.stringify(defaultQuery(null))) {
    try {
      return await taken;
    } catch {
      // Asked too early (the backend was starting): ask again below.
    }
  }
  return api.ticketPage(query);
}

export interface TicketList {
  /** The toolbar's controls: the filter, the search box, the storm chip and the count. */
  readonly controls: HTMLElement[];
  /** The card's content. */
  readonly content: HTMLElement[];
  readonly body: HTMLTableSectionElement;
  /** Reads the first page afresh. */
  reload(): Promise<void>;
  /** Merges what changed since the last read (after a sync). */
  refresh(): Promise<void>;
  /** A loaded row. */
  row(eventId: string): api.TicketRow | undefined;
  /** Company names of the loaded rows, by id. */
  names(): Map<string, string>;
}

export function ticketList(since: api.ActivityFilter | null, onDrawn: () => void): TicketList {
  let rows: api.TicketRow[] = [];
  let next: api.TicketCursor | null = null;
  let revision: number | null = null;
  let totals = { total: 0, hidden: 0, tracked: 0, keep_days: 90 };
  /** Moves on each fresh read: an answer to an older list is dropped. */
  let generation = 0;

  const filter = select(
    [['all', 'All tickets'], ['open', 'Open tickets'], ['errors', 'With errors']],
    'all',
    { testid: 'tickets-filter', id: 'tickets-filter' },
  );
  const search = el('input', {
    type: 'search',
    class: 'input search',
    placeholder: 'Search computer or #ticket',
    title: 'Finds a computer, plan, company, message, error or ticket number; also old closed tickets',
    'aria-label': 'Search the tickets',
    testid: 'tickets-search',
  });
  const chip = el('span', { class: 'filter-chip', testid: 'since-filter' });
  const countLine = el('span', { class: 'muted count', testid: 'tickets-count', 'aria-live': 'polite' });
  const message = el('div');
  const body = el('tbody', { testid: 'tickets-table-body' });
  const headers = ['Ticket', 'Event', 'State', 'Last action', 'Updated', 'Actions'];
  const table = el('table', { class: 'table tickets', testid: 'tickets-table' }, [
    el('thead', {}, [el('tr', {}, headers.map((h) => el('th', { scope: 'col', text: h })))]),
    body,
  ]);
  const empty = el('p', { class: 'empty', testid: 'tickets-empty' });
  const history = el('p', { class: 'muted', testid: 'tickets-history' });
  const more = button('Show more', () => void showMore(), { class: 'btn', testid: 'tickets-more' });
  const moreRow = el('div', { class: 'list-more' }, [more]);

  const query = (): api.TicketQuery => ({
    ...defaultQuery(since),
    filter: filter.value as api.TicketFilter,
    search: search.value.trim(),
  });

  const drawChip = (): void => {
    chip.hidden = since === null;
    const text = since === null ? '' : sinceLabel(since, new Date());
    if (chip.dataset['label'] === text) return;
    chip.dataset['label'] = text;
    chip.replaceChildren(
      ...(since === null
        ? []
        : [
            el('span', { text }),
            button('×', removeSince, {
              class: 'chip-remove',
              'aria-label': `Remove the filter: ${text}`,
              title: 'Show every ticket',
              testid: 'since-filter-remove',
            }),
          ]),
    );
  };

  const draw = (): void => {
    const now = new Date();
    drawChip();
    const focused = document.activeElement instanceof HTMLElement && body.contains(document.activeElement) ? focusKey(document.activeElement) : null;
    body.innerHTML = rows.map((t) => ticketRowHtml(t, t.company_name ?? t.company_id, now)).join('');
    if (focused !== null) body.querySelector<HTMLElement>(focused)?.focus();
    reanchorMenu(body);
    table.hidden = rows.length === 0;
    empty.hidden = rows.length > 0;
    empty.textContent =
      totals.tracked === 0
        ? 'No tickets yet. They appear here after a sync creates them — choose Sync now, or Preview next sync to see what it would do.'
        : search.value.trim() !== ''
          ? 'No ticket matches this search.'
          : since === null
            ? 'No ticket matches this choice.'
            : 'No ticket created since the storm began matches this choice yet: the held ones are created over the next syncs.';
    history.hidden = totals.hidden === 0;
    history.textContent = historyText(totals.hidden, totals.keep_days);
    moreRow.hidden = next === null;
    const left = totals.total - rows.length;
    more.textContent = `Show ${count(Math.min(PAGE_SIZE, left))} more`;
    more.setAttribute('aria-label', `Show ${count(Math.min(PAGE_SIZE, left))} more of ${plural(left, 'ticket')} not shown yet`);
    countLine.textContent = countText(rows.length, totals.total);
    onDrawn();
  };

  const failed = (error: unknown): void => {
    message.replaceChildren(errorNotice(error, 'Could not load the tickets.', 'tickets-error'));
  };

  const take = (t: { total: number; hidden: number; tracked: number; keep_days: number }): void => {
    totals = { total: t.total, hidden: t.hidden, tracked: t.tracked, keep_days: t.keep_days };
    message.replaceChildren();
  };

  const reload = async (): Promise<void> => {
    const mine = ++generation;
    try {
      const page = await firstPage(query());
      if (mine !== generation) return;
      performance.mark('bb:tickets-answered');
      rows = page.rows;
      next = page.next;
      revision = page.revision;
      take(page);
      draw();
    } catch (error) {
      if (mine === generation) failed(error);
    }
  };

  const refresh = async (): Promise<void> => {
    if (revision === null) return reload();
    const mine = generation;
    try {
      const changes = await api.ticketChanges(query(), revision);
      if (mine !== generation) return;
      if (changes.overflow) return reload();
      rows = mergeChanges(rows, changes, next);
      revision = Math.max(revision ?? 0, changes.revision);
      take(changes);
      draw();
    } catch (error) {
      if (mine === generation) failed(error);
    }
  };

  async function showMore(): Promise<void> {
    if (next === null) return;
    const first = rows.length;
    const mine = generation;
    more.disabled = true;
    try {
      const page = await api.ticketPage({ ...query(), after: next });
      if (mine !== generation) return;
      // The rows loaded before stay as of `revision`: the next refresh
      // brings their changes (and finds these new ones already current).
      const known = new Set(rows.map((r) => r.event_id));
      rows = [...rows, ...page.rows.filter((r) => !known.has(r.event_id))];
      next = page.next;
      take(page);
      draw();
      // Focus goes to the first new row, else stays on the list's last row.
      const links = rowFocusables(body);
      (links[first] ?? links[links.length - 1])?.focus();
    } catch (error) {
      if (mine === generation) failed(error);
    } finally {
      more.disabled = false;
    }
  }

  function removeSince(): void {
    since = null;
    void reload();
    filter.focus();
  }

  /** The search the list shows, so a change back to it (Escape, an undo) reads nothing. */
  let searched = '';
  const searchChanged = (): void => {
    if (search.value.trim() === searched) return;
    searched = search.value.trim();
    void reload();
  };
  filter.addEventListener('change', () => void reload());
  search.addEventListener('input', debounce(searchChanged, SEARCH_DELAY_MS));
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && search.value !== '') {
      search.value = '';
      searchChanged();
    }
  });
  body.addEventListener('keydown', (event) => rowKey(event, body, more));

  drawChip();
  countLine.textContent = 'Loading…';
  table.hidden = true;
  empty.hidden = true;
  history.hidden = true;
  moreRow.hidden = true;
  return {
    controls: [filter, search, chip, countLine],
    content: [message, el('div', { class: 'table-wrap' }, [table]), empty, moreRow, history],
    body,
    reload,
    refresh,
    row: (id) => rows.find((r) => r.event_id === id),
    names: () => new Map(rows.filter((r) => r.company_name !== null).map((r) => [r.company_id, r.company_name ?? ''])),
  };
}

/** What identifies a focused control across a redraw. */
function focusKey(active: HTMLElement): string | null {
  const row = active.closest<HTMLElement>('tr[data-event-id]');
  if (row === null) return null;
  const id = CSS.escape(row.dataset['eventId'] ?? '');
  const action = active.dataset['action'];
  const what = action !== undefined ? `[data-action="${action}"]` : active.dataset['testid'] !== undefined ? `[data-testid="${active.dataset['testid']}"]` : '';
  return what === '' ? null : `tr[data-event-id="${id}"] ${what}`;
}

/** Each row's first control: its ticket link, or its menu button when it has no link. */
function rowFocusables(body: HTMLElement): HTMLElement[] {
  return Array.from(body.querySelectorAll<HTMLTableRowElement>('tr[data-event-id]')).flatMap((tr) => {
    const target = tr.querySelector<HTMLElement>('a[data-url], button[data-action="row-menu"]');
    return target === null ? [] : [target];
  });
}

/** Up and Down move between the rows' ticket links; Home and End to the first and last; Down past the last reaches "Show more". */
function rowKey(event: KeyboardEvent, body: HTMLElement, more: HTMLButtonElement): void {
  const target = event.target as HTMLElement;
  // A menu button's arrows open its menu (menu.ts).
  if (target.getAttribute('aria-haspopup') === 'menu') return;
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(event.key)) return;
  const list = rowFocusables(body);
  const at = list.findIndex((x) => x === target);
  if (at < 0) return;
  event.preventDefault();
  const to = event.key === 'Home' ? 0 : event.key === 'End' ? list.length - 1 : event.key === 'ArrowDown' ? at + 1 : at - 1;
  if (to >= list.length && !more.closest<HTMLElement>('.list-more')?.hidden) more.focus();
  else list[Math.max(0, Math.min(to, list.length - 1))]?.focus();
}
