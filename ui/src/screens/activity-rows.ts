// HTML text for the Activity tables (tickets, sync runs), the dry-run plan
// and what waits for a person (removals the guard held back, stuck calls),
// built as strings with every value escaped.
import type { GuardedRemovals, RunRecord, RunReport, Snooze, StuckIntent, TicketRow } from '../api';
import { esc } from '../dom';
import { count, countsText, dateTime, relativeTime, runDuration, runOutcomeText, ticketStateText } from '../format';
import { scopeLabel } from '../snooze';

const STATE_TONE: Record<TicketRow['state'], string> = {
  Open: 'open',
  Closed: 'ok',
  Removed: 'muted',
  Deleted: 'muted',
};

/** One ticket row; `company` is the Dashboard company's name. */
export function ticketRowHtml(t: TicketRow, company: string, now: Date): string {
  const number = `#${t.ticket_id}`;
  const link =
    t.url === null
      ? `<span class="mono">${number}</span>`
      : `<a href="${esc(t.url)}" class="ticket-link mono" data-testid="ticket-link" data-url="${esc(t.url)}" title="Open ticket ${number} in ConnectWise">${number}</a>`;
  const anomaly = t.anomaly ? ' <span class="tag tag-info">anomaly</span>' : '';
  const snoozed =
    t.snoozed === null
      ? ''
      : ` <span class="tag tag-snoozed" data-testid="ticket-snoozed" title="Snooze ${esc(String(t.snoozed))} holds back updates to this ticket">snoozed</span>`;
  const flapping =
    t.flaps === null
      ? ''
      : ` <span class="tag tag-warn" data-testid="ticket-flapping" title="Its job failed and completed ${esc(String(t.flaps))} times in the flap window: one summary note an hour instead of a note per close and reopen">flapping ${esc(String(t.flaps))}×</span>`;
  const error =
    t.last_error === null || t.last_error === ''
      ? ''
      : `<span class="row-error" data-testid="ticket-error"><span aria-hidden="true">✕ </span>${esc(t.last_error)}</span>`;
  return (
    `<tr data-testid="ticket-row" data-event-id="${esc(t.event_id)}">` +
    `<td class="col-ticket">${link}${anomaly}${snoozed}${flapping}</td>` +
    `<td class="col-event"><span class="summary">${esc(t.summary)}</span>` +
    `<span class="sub">${esc(company)} · ${esc(t.event_type)} · ${esc(t.job_status)}${t.message === '' ? '' : ` — ${esc(t.message)}`}</span></td>` +
    `<td class="col-state"><span class="state state-${STATE_TONE[t.state]}" data-testid="ticket-state">${esc(ticketStateText(t.state))}</span></td>` +
    `<td class="col-action">${esc(t.last_action ?? '—')}${error}</td>` +
    `<td class="col-updated" title="${esc(dateTime(t.updated_at))}">${esc(relativeTime(t.updated_at, now))}</td>` +
    `<td class="col-more">${rowMenuButtonHtml(t.event_id, `More actions for ticket ${number}`)}</td>` +
    `</tr>`
  );
}

/** A row's "⋯" button that opens its menu (`data-id` names the row). */
export function rowMenuButtonHtml(id: string, label: string): string {
  return (
    `<button type="button" class="btn btn-icon" data-action="row-menu" data-id="${esc(id)}" data-testid="row-menu" ` +
    `aria-haspopup="menu" aria-expanded="false" aria-label="${esc(label)}" title="More actions"><span aria-hidden="true">⋯</span></button>`
  );
}

/** One active snooze; `what` is its value in words (a company's name when known). */
export function snoozeRowHtml(s: Snooze, what: string, now: Date): string {
  const id = esc(String(s.id));
  return (
    `<tr data-testid="snooze-row" data-id="${id}">` +
    `<td class="col-what"><span class="summary">${esc(scopeLabel(s.scope))} ${esc(what)}</span>` +
    `${what === s.value ? '' : `<span class="sub mono">${esc(s.value)}</span>`}</td>` +
    `<td class="col-until" title="${esc(dateTime(s.until))}">${esc(dateTime(s.until))}<span class="sub">${esc(untilIn(s.until, now))}</span></td>` +
    `<td class="col-reason">${s.reason === '' ? '<span class="muted">—</span>' : esc(s.reason)}</td>` +
    `<td class="col-end"><button type="button" class="btn btn-small" data-action="snooze-end" data-id="${id}" data-testid="snooze-end" aria-label="End the snooze of ${esc(`${s.scope} ${what}`)} now">End now</button></td>` +
    `</tr>`
  );
}

/** "in 3 h 20 min", "in 2 days": how long until `iso`. */
export function untilIn(iso: string, now: Date): string {
  const mins = Math.round((new Date(iso).getTime() - now.getTime()) / 60_000);
  if (Number.isNaN(mins)) return '';
  if (mins < 1) return 'ending now';
  if (mins < 60) return `in ${mins} min`;
  const hours = Math.floor(mins / 60);
  if (hours < 48) return mins % 60 === 0 ? `in ${hours} h` : `in ${hours} h ${mins % 60} min`;
  return `in ${Math.round(hours / 24)} days`;
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
  if (report.creates_held > 0) {
    const n = report.creates_held;
    parts.push(
      `<p class="muted" data-testid="plan-storm">${count(n)} new ${n === 1 ? 'ticket waits' : 'tickets wait'} for later syncs: the storm guard creates at most storm.max_creates_per_cycle tickets a sync, oldest events first.</p>`,
    );
  }
  if (report.removals_held) {
    parts.push('<p class="muted">Removed events wait for a Dashboard listing without unreadable items before their tickets are touched.</p>');
  }
  return parts.join('');
}

// ---------------------------------------------------------------- needs attention

/** The removed-event policy (`ticket.removed_policy`). */
export type RemovedPolicy = 'close' | 'leave' | 'delete';

/** The policy from a setting value; null when unknown (settings not loaded). */
export function removedPolicy(value: string | null | undefined): RemovedPolicy | null {
  const v = (value ?? '').trim().toLowerCase();
  return v === 'close' || v === 'leave' || v === 'delete' ? v : null;
}

/** Where the held-removals banner is: offering, asking "are you sure?", or confirmed. */
export type GuardStep = 'ask' | 'confirm' | 'applying';

/** "12 of 12 tracked events are missing from the Dashboard." */
export function guardHeadline(g: GuardedRemovals): string {
  return `${count(g.count)} of ${count(g.tracked)} tracked ${g.tracked === 1 ? 'event' : 'events'} ${g.count === 1 ? 'is' : 'are'} missing from the Dashboard.`;
}

/** What confirming does under `policy`, and the confirm button's words. */
export function guardConsequence(g: GuardedRemovals, policy: RemovedPolicy | null): { text: string; button: string } {
  const events = g.count === 1 ? 'the missing event' : `the ${count(g.count)} missing events`;
  switch (policy) {
    case 'close':
      return {
        text: `This closes the tickets of ${events}, each with a note (your removed-event policy is Close).`,
        button: 'Yes, close the tickets',
      };
    case 'delete':
      return {
        text: `This deletes the tickets of ${events} from ConnectWise, which cannot be undone (your removed-event policy is Delete).`,
        button: 'Yes, delete the tickets',
      };
    case 'leave':
      return {
        text: `This marks ${events} as removed; their tickets stay as they are for a technician (your removed-event policy is Leave).`,
        button: 'Yes, confirm the removals',
      };
    case null:
      return {
        text: `This applies your removed-event policy (Defaults screen) to the tickets of ${events}: each is closed, deleted or left as it is.`,
        button: 'Yes, confirm the removals',
      };
  }
}

/** The buttons (or the confirmation step, or the "confirmed" line) of the held-removals banner. */
export function guardActionsHtml(g: GuardedRemovals, policy: RemovedPolicy | null, step: GuardStep): string {
  switch (step) {
    case 'ask':
      return '<button type="button" class="btn" data-action="guard-ask" data-testid="guard-confirm-open">Confirm removals</button>';
    case 'confirm': {
      const c = guardConsequence(g, policy);
      return (
        `<div class="confirm-step" role="group" aria-labelledby="guard-question" data-testid="guard-confirm-step">` +
        `<p class="confirm-question" id="guard-question"><strong>Are you sure?</strong> ${esc(c.text)} Confirm only if the events were really removed in the Dashboard.</p>` +
        `<div class="confirm-buttons">` +
        `<button type="button" class="btn btn-danger" data-action="guard-confirm" data-testid="guard-confirm">${esc(c.button)}</button>` +
        `<button type="button" class="btn" data-action="guard-cancel" data-testid="guard-cancel">Cancel</button>` +
        `</div></div>`
      );
    }
    case 'applying':
      return '<p class="guard-applying" tabindex="-1" data-action="guard-applying" data-testid="guard-applying"><span aria-hidden="true">✓ </span>Removals confirmed. The sync that has just started applies them; this notice goes away once it has.</p>';
  }
}

/** The held-removals banner (rule 15), `data-count`/`data-tracked` naming what it shows. */
export function guardBannerHtml(g: GuardedRemovals, policy: RemovedPolicy | null, step: GuardStep): string {
  return (
    `<div class="notice notice-warn guard-banner" role="alert" data-testid="guard-banner" data-count="${esc(String(g.count))}" data-tracked="${esc(String(g.tracked))}">` +
    `<span class="notice-icon" aria-hidden="true">!</span>` +
    `<div class="notice-body">` +
    `<p class="guard-title"><strong data-testid="guard-headline">${esc(guardHeadline(g))}</strong> BackupBridge closed or deleted none of their tickets.</p>` +
    `<p class="guard-help">If the Dashboard had an outage, do nothing: the tickets are kept as they are and carry on when the events come back. ` +
    `If the events were really removed, confirm the removals.</p>` +
    `<div class="guard-actions" data-testid="guard-actions">${guardActionsHtml(g, policy, step)}</div>` +
    `</div></div>`
  );
}

/** "add a note…" as "Add a note…". */
function capital(text: string): string {
  return text === '' ? text : (text[0] ?? '').toUpperCase() + text.slice(1);
}

/**
 * One stuck call (rule 16). `context` says what its event is (company and
 * ticket summary) when the ledger knows it; `asking` marks the row whose
 * "Forget?" step is open below it.
 */
export function stuckRowHtml(s: StuckIntent, context: string | null, now: Date, asking = false): string {
  const error =
    s.error === null || s.error.trim() === ''
      ? '<span class="muted">—</span>'
      : `<span class="row-error" data-testid="stuck-error"><span aria-hidden="true">✕ </span>${esc(s.error)}</span>`;
  const id = esc(String(s.id));
  const expanded = asking ? `aria-expanded="true" aria-controls="stuck-confirm-${id}"` : 'aria-expanded="false"';
  return (
    `<tr data-testid="stuck-row" data-id="${id}">` +
    `<td class="col-id mono">${id}</td>` +
    `<td class="col-call"><span class="summary">${esc(capital(s.what))}</span>` +
    `<span class="sub">Event <span class="mono">${esc(s.event_id)}</span>${context === null || context === '' ? '' : ` · ${esc(context)}`}</span></td>` +
    `<td class="col-problem">${error}</td>` +
    `<td class="col-since" title="${esc(dateTime(s.since))}">${esc(relativeTime(s.since, now))}</td>` +
    `<td class="col-forget"><button type="button" class="btn btn-small" data-action="forget-ask" data-id="${id}" data-testid="stuck-forget" ${expanded} aria-label="Forget call ${id}">Forget</button></td>` +
    `</tr>`
  );
}

/** The "Forget call N?" step, a row under the call's own (`columns` wide). */
export function stuckConfirmRowHtml(s: StuckIntent, columns = 5): string {
  const id = esc(String(s.id));
  return (
    `<tr class="confirm-row" id="stuck-confirm-${id}" data-testid="stuck-confirm" data-id="${id}"><td colspan="${esc(String(columns))}">` +
    `<div class="confirm-step" role="group" aria-labelledby="stuck-question-${id}">` +
    `<p class="confirm-question" id="stuck-question-${id}"><strong>Forget call ${id}?</strong> ` +
    `BackupBridge stops trying to settle it and plans event <span class="mono">${esc(s.event_id)}</span> afresh on the next sync. ` +
    `If the call did reach ConnectWise, it may be made twice (a second note or ticket); look at the ticket in ConnectWise first if you are not sure.</p>` +
    `<div class="confirm-buttons">` +
    `<button type="button" class="btn btn-danger" data-action="forget-confirm" data-id="${id}" data-testid="stuck-forget-confirm">Forget call ${id}</button>` +
    `<button type="button" class="btn" data-action="forget-cancel" data-id="${id}" data-testid="stuck-forget-cancel">Cancel</button>` +
    `</div></div></td></tr>`
  );
}
