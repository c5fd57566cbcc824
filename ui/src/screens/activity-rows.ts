// HTML text for the Activity tables (tickets, sync runs) and the dry-run
// plan, built as strings with every value escaped.
import type { RunRecord, RunReport, TicketRow } from '../api';
import { esc } from '../dom';
import { countsText, dateTime, relativeTime, runDuration, runOutcomeText, ticketStateText } from '../format';

const STATE_TONE: Record<TicketRow['state'], string> = {
  Open: 'open',
  Closed: 'ok',
  Removed: 'muted',
  Deleted: 'muted',
};

/** Filters for the tickets table. */
export type TicketFilter = 'all' | 'open' | 'errors';

/** True when `t` passes `filter`. */
export function ticketPasses(t: TicketRow, filter: TicketFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'open':
      return t.state === 'Open';
    case 'errors':
      return t.last_error !== null && t.last_error !== '';
  }
}

/** One ticket row; `company` is the Dashboard company's name. */
export function ticketRowHtml(t: TicketRow, company: string, now: Date): string {
  const number = `#${t.ticket_id}`;
  const link =
    t.url === null
      ? `<span class="mono">${number}</span>`
      : `<a href="${esc(t.url)}" class="ticket-link mono" data-testid="ticket-link" data-url="${esc(t.url)}" title="Open ticket ${number} in ConnectWise">${number}</a>`;
  const anomaly = t.anomaly ? ' <span class="tag tag-info">anomaly</span>' : '';
  const error =
    t.last_error === null || t.last_error === ''
      ? ''
      : `<span class="row-error" data-testid="ticket-error"><span aria-hidden="true">✕ </span>${esc(t.last_error)}</span>`;
  return (
    `<tr data-testid="ticket-row" data-event-id="${esc(t.event_id)}">` +
    `<td class="col-ticket">${link}${anomaly}</td>` +
    `<td class="col-event"><span class="summary">${esc(t.summary)}</span>` +
    `<span class="sub">${esc(company)} · ${esc(t.event_type)} · ${esc(t.job_status)}${t.message === '' ? '' : ` — ${esc(t.message)}`}</span></td>` +
    `<td class="col-state"><span class="state state-${STATE_TONE[t.state]}" data-testid="ticket-state">${esc(ticketStateText(t.state))}</span></td>` +
    `<td class="col-action">${esc(t.last_action ?? '—')}${error}</td>` +
    `<td class="col-updated" title="${esc(dateTime(t.updated_at))}">${esc(relativeTime(t.updated_at, now))}</td>` +
    `</tr>`
  );
}

/** One sync run row. */
export function runRowHtml(r: RunRecord, now: Date): string {
  const outcome = runOutcomeText(r);
  const problems =
    r.error_messages.length === 0
      ? '<span class="muted">—</span>'
      : r.error_messages.length === 1
        ? esc(r.error_messages[0] ?? '')
        : `<details><summary>${esc(r.error_messages[0] ?? '')} <span class="muted">(+${r.error_messages.length - 1} more)</span></summary><ul>${r.error_messages
            .slice(1)
            .map((m) => `<li>${esc(m)}</li>`)
            .join('')}</ul></details>`;
  return (
    `<tr data-testid="run-row">` +
    `<td class="col-when" title="${esc(dateTime(r.started_at))}">${esc(relativeTime(r.started_at, now))}<span class="sub">${esc(runDuration(r))}</span></td>` +
    `<td class="col-outcome"><span class="state state-${outcome.tone}">${outcome.tone === 'ok' ? '✓ ' : outcome.tone === 'error' ? '✕ ' : ''}${esc(outcome.label)}</span></td>` +
    `<td class="col-counts">${esc(countsText(r.counts))}</td>` +
    `<td class="col-problems">${problems}</td>` +
    `</tr>`
  );
}

/** The dry-run plan as HTML. */
export function planHtml(report: RunReport): string {
  const parts: string[] = [];
  // Unreadable items are also problems of the run (`item:` keys); they have a list of their own.
  const problems = report.errors.filter((p) => !p.key.startsWith('item:'));
  if (report.actions.length === 0 && problems.length === 0 && report.rejected.length === 0) {
    return `<p class="plan-empty" data-testid="plan-empty"><span aria-hidden="true">✓ </span>Nothing to do: all ${report.events_seen} events in the Dashboard are in step with their tickets.</p>`;
  }
  parts.push(
    `<p>The next sync would read ${report.events_seen} events and do ${report.actions.length} ${report.actions.length === 1 ? 'thing' : 'things'}:</p>`,
  );
  if (report.actions.length > 0) {
    parts.push(
      `<ul class="plan-list">${report.actions
        .map(
          (a) =>
            `<li data-testid="plan-action"><span class="mono plan-ref">${esc(a.ticket_id === null ? a.event_id : `#${a.ticket_id}`)}</span> ${esc(a.text)}</li>`,
        )
        .join('')}</ul>`,
    );
  }
  if (problems.length > 0) {
    parts.push(
      `<p class="plan-problems-title">Problems it would meet:</p><ul class="plan-list plan-problems">${problems
        .map((p) => `<li data-testid="plan-problem"><span aria-hidden="true">✕ </span>${esc(p.message)}</li>`)
        .join('')}</ul>`,
    );
  }
  if (report.rejected.length > 0) {
    parts.push(
      `<p class="plan-problems-title">Dashboard items it cannot read:</p><ul class="plan-list plan-problems">${report.rejected
        .map((r) => `<li>Item ${r.position + 1}${r.id === null ? '' : ` (id ${esc(r.id)})`}: ${esc(r.reason)}</li>`)
        .join('')}</ul>`,
    );
  }
  if (report.removals_held) {
    parts.push('<p class="muted">Removed events wait for a Dashboard listing without unreadable items before their tickets are touched.</p>');
  }
  return parts.join('');
}
