// Activity screen: the events BackupBridge tracks and their tickets (numbers
// open the ticket in ConnectWise), the recent sync runs with what they did,
// and "Preview next sync" (a dry run). Redrawn whenever a sync finishes.
import * as api from '../api';
import { button, el } from '../dom';
import { errorSentence, toAppError } from '../errors';
import { plural } from '../format';
import { cycleFinished } from '../state';
import { busy, card, errorNotice, select, toast } from '../ui';
import { planHtml, runRowHtml, ticketPasses, ticketRowHtml, type TicketFilter } from './activity-rows';
import type { MountFn } from './screen';

function table(testid: string, headers: string[], cls: string): { table: HTMLTableElement; body: HTMLTableSectionElement } {
  const body = el('tbody', { testid: `${testid}-body` });
  const t = el('table', { class: `table ${cls}`, testid }, [
    el('thead', {}, [el('tr', {}, headers.map((h) => el('th', { scope: 'col', text: h })))]),
    body,
  ]);
  return { table: t, body };
}

export const mountActivity: MountFn = (root) => {
  let alive = true;
  let tickets: api.TicketRow[] = [];
  let names = new Map<string, string>();

  const planBox = el('div', { class: 'plan', testid: 'preview-result', 'aria-live': 'polite' });
  planBox.hidden = true;
  const preview = button('Preview next sync', () => {
    void busy(preview, 'Planning…', async () => {
      planBox.hidden = false;
      try {
        const report = await api.previewSync();
        const close = button('Close preview', () => {
          planBox.hidden = true;
          preview.focus();
        }, { class: 'btn btn-link', testid: 'preview-close' });
        planBox.innerHTML = `<h3>Preview: nothing has been sent</h3>${planHtml(report)}`;
        planBox.append(close);
      } catch (error) {
        planBox.replaceChildren(errorNotice(error, 'The preview could not run.', 'preview-error'));
      }
    });
  }, { testid: 'preview-sync' });

  const filter = select(
    [['all', 'All tickets'], ['open', 'Open tickets'], ['errors', 'With errors']],
    'all',
    { testid: 'tickets-filter', id: 'tickets-filter' },
  );
  const ticketCount = el('span', { class: 'muted count', testid: 'tickets-count' });
  const tt = table('tickets-table', ['Ticket', 'Event', 'State', 'Last action', 'Updated'], 'tickets');
  const ticketsEmpty = el('p', { class: 'empty', testid: 'tickets-empty' });
  const ticketsMessage = el('div');
  const rt = table('runs-table', ['Started', 'Outcome', 'What it did', 'Problems'], 'runs');
  const runsEmpty = el('p', { class: 'empty', testid: 'runs-empty', text: 'No sync has run yet.' });
  const runsMessage = el('div');

  root.append(
    el('div', { class: 'toolbar' }, [
      el('div', { class: 'toolbar-main' }, [
        el('label', { class: 'inline-label', for: 'tickets-filter', text: 'Show' }),
        filter,
        ticketCount,
      ]),
      el('div', { class: 'toolbar-side' }, [preview]),
    ]),
    planBox,
    card('Events and tickets', 'Every backup alert BackupBridge has turned into a ticket, newest change first.', [
      ticketsMessage,
      el('div', { class: 'table-wrap' }, [tt.table]),
      ticketsEmpty,
    ], 'tickets-card'),
    card('Recent syncs', '', [runsMessage, el('div', { class: 'table-wrap' }, [rt.table]), runsEmpty], 'runs-card'),
  );

  const drawTickets = (): void => {
    const mode = filter.value as TicketFilter;
    const now = new Date();
    let html = '';
    let shown = 0;
    for (const t of tickets) {
      if (!ticketPasses(t, mode)) continue;
      shown += 1;
      html += ticketRowHtml(t, names.get(t.company_id) ?? t.company_id, now);
    }
    tt.body.innerHTML = html;
    tt.table.hidden = shown === 0;
    ticketsEmpty.hidden = shown > 0;
    ticketsEmpty.textContent =
      tickets.length === 0
        ? 'No tickets yet. They appear here after a sync creates them — choose Sync now, or Preview next sync to see what it would do.'
        : 'No ticket matches this choice.';
    ticketCount.textContent = shown === tickets.length ? plural(tickets.length, 'ticket') : `${shown} of ${plural(tickets.length, 'ticket')}`;
  };

  const load = async (): Promise<void> => {
    const [t, r, c] = await Promise.allSettled([api.listTickets(), api.recentRuns(), api.listCompanies()]);
    if (!alive) return;
    if (c.status === 'fulfilled') names = new Map(c.value.map((x) => [x.id, x.name]));
    if (t.status === 'fulfilled') {
      tickets = t.value;
      ticketsMessage.replaceChildren();
      drawTickets();
    } else {
      ticketsMessage.replaceChildren(errorNotice(t.reason, 'Could not load the tickets.', 'tickets-error'));
    }
    if (r.status === 'fulfilled') {
      const now = new Date();
      rt.body.innerHTML = r.value.map((run) => runRowHtml(run, now)).join('');
      rt.table.hidden = r.value.length === 0;
      runsEmpty.hidden = r.value.length > 0;
      runsMessage.replaceChildren();
    } else {
      runsMessage.replaceChildren(errorNotice(r.reason, 'Could not load the sync runs.', 'runs-error'));
    }
  };

  filter.addEventListener('change', drawTickets);
  tt.body.addEventListener('click', (event) => {
    const link = (event.target as HTMLElement).closest<HTMLAnchorElement>('a[data-url]');
    if (link === null) return;
    // The window never navigates away: the system browser opens the ticket.
    event.preventDefault();
    const url = link.dataset['url'] ?? '';
    api.openTicket(url).catch((error: unknown) => toast('Could not open the ticket', errorSentence(toAppError(error)), true));
  });

  ticketCount.textContent = 'Loading…';
  void load();
  return {
    onShared(now, before) {
      if (cycleFinished(now, before)) void load();
    },
    unmount() {
      alive = false;
    },
  };
};
