import { describe, expect, it } from 'vitest';

import type { GuardedRemovals, RunReport, StuckIntent, TicketRow } from '../api';
import {
  guardActionsHtml,
  guardBannerHtml,
  guardConsequence,
  guardHeadline,
  planHtml,
  removedPolicy,
  rowMenuButtonHtml,
  snoozeRowHtml,
  stuckConfirmRowHtml,
  stuckRowHtml,
  ticketRowHtml,
  untilIn,
} from './activity-rows';

const NOW = new Date('2026-11-20T12:00:00Z');
const ZERO = { created: 0, updated: 0, notes: 0, closed: 0, reopened: 0, deleted: 0, skipped: 0, errors: 0, held: 0, snoozed: 0 };

const TICKET: TicketRow = {
  event_id: 'evt-1',
  company_id: 'c-1001',
  company_name: 'Acme <Corp>',
  ticket_id: 1042,
  state: 'Open',
  anomaly: false,
  event_type: 'Error',
  job_status: 'Failed',
  message: 'disk full',
  summary: 'Error: ACME-DC01 - Nightly files (FileLevel)',
  priority: 'Priority 2 - High',
  content_hash: 'h',
  pushed_details: [],
  last_action: 'created',
  last_error: null,
  updated_at: '2026-11-20T11:58:00Z',
  source: 'dashboard:https://dash.example.com/',
  snoozed: null,
  computer: 'ACME-DC01',
  plan: 'Nightly files',
  flaps: null,
  flap: null,
  url: 'https://cw.example/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=1042&companyName=x',
  created_at: '2026-11-20T11:57:00Z',
};

describe('ticketRowHtml', () => {
  it('links the ticket number and escapes the url', () => {
    const html = ticketRowHtml(TICKET, 'Acme Dental Ltd', NOW);
    expect(html).toContain('data-testid="ticket-link"');
    expect(html).toContain('>#1042</a>');
    expect(html).toContain('service_recid=1042&amp;companyName=x');
    expect(html).toContain('Acme Dental Ltd · Error · Failed — disk full');
  });

  it('shows no link without a url, and the last error in words', () => {
    const html = ticketRowHtml({ ...TICKET, url: null, last_error: 'ConnectWise refused the note' }, 'Acme', NOW);
    expect(html).not.toContain('<a ');
    expect(html).toContain('ConnectWise refused the note');
  });
});

describe('the row menu and snoozes', () => {
  it('gives each ticket row a labelled menu button naming its event', () => {
    const html = ticketRowHtml(TICKET, 'Acme Dental Ltd', NOW);
    expect(html).toContain('data-action="row-menu" data-id="evt-1"');
    expect(html).toContain('aria-haspopup="menu" aria-expanded="false" aria-label="More actions for ticket #1042"');
    expect(html).not.toContain('data-testid="ticket-snoozed"');
    expect(rowMenuButtonHtml('c"1', 'More actions for <A&B>')).toContain('data-id="c&quot;1"');
    expect(rowMenuButtonHtml('c"1', 'More actions for <A&B>')).toContain('aria-label="More actions for &lt;A&amp;B&gt;"');
  });

  it('marks a ticket whose snooze start note is on it', () => {
    const html = ticketRowHtml({ ...TICKET, snoozed: 3 }, 'Acme Dental Ltd', NOW);
    expect(html).toContain('data-testid="ticket-snoozed"');
    expect(html).not.toContain('data-testid="ticket-flapping"');
    const flapping = ticketRowHtml({ ...TICKET, flaps: 5 }, 'Acme Dental Ltd', NOW);
    expect(flapping).toContain('>flapping 5×</span>');
    expect(html).toContain('Snooze 3 holds back updates to this ticket');
  });

  it('lists an active snooze with its end, reason and End now', () => {
    const s = { id: 4, scope: 'company' as const, value: 'c-1001', until: '2026-11-20T15:30:00Z', reason: 'server <move>', created_at: '2026-11-20T11:00:00Z', removed_at: null };
    const html = snoozeRowHtml(s, 'Acme Dental Ltd', NOW);
    expect(html).toContain('Company Acme Dental Ltd');
    expect(html).toContain('<span class="sub mono">c-1001</span>');
    expect(html).toContain('in 3 h 30 min');
    expect(html).toContain('server &lt;move&gt;');
    expect(html).toContain('data-action="snooze-end" data-id="4"');
    expect(html).toContain('aria-label="End the snooze of company Acme Dental Ltd now"');
    // A value shown as it is is not repeated; no reason reads as a dash.
    const plain = snoozeRowHtml({ ...s, scope: 'plan', value: 'Nightly', reason: '' }, 'Nightly', NOW);
    expect(plain).not.toContain('class="sub mono"');
    expect(plain).toContain('<span class="muted">—</span>');
  });

  it.each<[string, string]>([
    ['2026-11-20T12:00:20Z', 'ending now'],
    ['2026-11-20T12:45:00Z', 'in 45 min'],
    ['2026-11-20T16:00:00Z', 'in 4 h'],
    ['2026-11-21T13:10:00Z', 'in 25 h 10 min'],
    ['2026-11-25T12:00:00Z', 'in 5 days'],
    ['soon', ''],
  ])('untilIn(%s)', (iso, expected) => expect(untilIn(iso, NOW)).toBe(expected));
});

describe('planHtml', () => {
  const report: RunReport = {
    run_id: null,
    dry_run: true,
    events_seen: 4,
    counts: ZERO,
    snoozed: 0,
    actions: [],
    errors: [],
    rejected: [],
    removals_held: false,
    removals_guarded: null,
    creates_held: 0,
    rollups_opened: [],
  };
  it('says when nothing would happen', () => {
    expect(planHtml(report)).toContain('Nothing to do: all 4 events');
  });
  it('lists what would happen and the problems', () => {
    const html = planHtml({
      ...report,
      actions: [{ event_id: 'evt-9', company_id: 'c-1', ticket_id: null, text: 'would create "Error: X"' }],
      errors: [{ key: 'company:c-5', message: 'no agreement matches <cond>' }],
      rejected: [{ position: 2, id: null, reason: 'missing eventType' }],
    });
    expect(html).toContain('do 1 thing:');
    expect(html).toContain('would create &quot;Error: X&quot;');
    expect(html).toContain('no agreement matches &lt;cond&gt;');
    expect(html).toContain('Item 3: missing eventType');
  });
  it('lists an unreadable item once, under the unreadable items', () => {
    const html = planHtml({
      ...report,
      errors: [
        { key: 'item:2', message: 'item at position 2 (counting from 0): missing eventType' },
        { key: 'company:c-5', message: 'no agreement matches' },
      ],
      rejected: [{ position: 2, id: null, reason: 'missing eventType' }],
    });
    expect(html.match(/missing eventType/g)).toHaveLength(1);
    expect(html).toContain('Item 3: missing eventType');
    expect(html).toContain('no agreement matches');
  });
  it('says how many creates the storm guard would hold (issue 17)', () => {
    const held = { event_id: 'evt-9', company_id: 'c-1', ticket_id: null, text: 'would wait for a later sync: held by the storm guard (storm.max_creates_per_cycle)' };
    const html = planHtml({ ...report, actions: [held], creates_held: 1200 });
    expect(html).toContain('1,200 new tickets wait for later syncs: the storm guard creates at most storm.max_creates_per_cycle tickets a sync, oldest events first.');
    expect(planHtml({ ...report, actions: [held], creates_held: 1 })).toContain('1 new ticket waits for later syncs');
    expect(planHtml({ ...report, actions: [held] })).not.toContain('plan-storm');
  });
  it('is empty-handed only when there is nothing at all', () => {
    const html = planHtml({
      ...report,
      errors: [{ key: 'item:evt-7', message: 'item at position 0 (counting from 0), id "evt-7": bad' }],
      rejected: [{ position: 0, id: 'evt-7', reason: 'bad' }],
    });
    expect(html).not.toContain('Nothing to do');
    expect(html).not.toContain('Problems it would meet');
    expect(html).toContain('Item 1 (id evt-7): bad');
  });
});

describe('held removals banner (rule 15)', () => {
  const g: GuardedRemovals = { count: 12, tracked: 12 };

  it('says how many tracked events are missing and that no ticket was touched', () => {
    const html = guardBannerHtml(g, 'close', 'ask');
    expect(html).toContain('role="alert"');
    expect(html).toContain('data-count="12" data-tracked="12"');
    expect(html).toContain('12 of 12 tracked events are missing from the Dashboard.');
    expect(html).toContain('BackupBridge closed or deleted none of their tickets.');
    expect(html).toContain('If the Dashboard had an outage, do nothing');
    expect(html).toContain('data-action="guard-ask"');
    expect(html).not.toContain('guard-confirm-step');
  });

  it('counts with thousands separators and singulars', () => {
    expect(guardHeadline({ count: 1500, tracked: 2000 })).toBe('1,500 of 2,000 tracked events are missing from the Dashboard.');
    expect(guardHeadline({ count: 1, tracked: 1 })).toBe('1 of 1 tracked event is missing from the Dashboard.');
  });

  it('asks "are you sure?" in the words of the removed-event policy', () => {
    const cases: Array<[ReturnType<typeof removedPolicy>, string, string]> = [
      ['close', 'This closes the tickets of the 12 missing events, each with a note', 'Yes, close the tickets'],
      ['delete', 'This deletes the tickets of the 12 missing events from ConnectWise, which cannot be undone', 'Yes, delete the tickets'],
      ['leave', 'This marks the 12 missing events as removed; their tickets stay as they are', 'Yes, confirm the removals'],
      [null, 'This applies your removed-event policy (Defaults screen)', 'Yes, confirm the removals'],
    ];
    for (const [policy, text, label] of cases) {
      expect(guardConsequence(g, policy).text).toContain(text);
      const html = guardActionsHtml(g, policy, 'confirm');
      expect(html).toContain('<strong>Are you sure?</strong>');
      expect(html).toContain(`data-action="guard-confirm" data-testid="guard-confirm">${label}</button>`);
      expect(html).toContain('data-action="guard-cancel"');
      expect(html).toContain('role="group" aria-labelledby="guard-question"');
      expect(html).not.toContain('data-action="guard-ask"');
    }
  });

  it('says the removals are on their way once confirmed, with no button left', () => {
    const html = guardActionsHtml(g, 'close', 'applying');
    expect(html).toContain('Removals confirmed.');
    expect(html).not.toContain('<button');
  });

  it.each<[string | null | undefined, ReturnType<typeof removedPolicy>]>([
    ['close', 'close'],
    [' Delete ', 'delete'],
    ['leave', 'leave'],
    ['archive', null],
    [null, null],
    [undefined, null],
  ])('removedPolicy(%j) = %j', (value, expected) => expect(removedPolicy(value)).toBe(expected));
});

describe('stuck calls (rule 16)', () => {
  const STUCK: StuckIntent = {
    id: 7,
    event_id: 'evt-<102>',
    what: 'add a note to ticket #1002',
    error: 'ConnectWise answered 403: "Notes" needs <Add>',
    since: '2026-11-20T11:40:00Z',
    context: null,
  };

  it('shows id, call, event, problem and age, every value escaped', () => {
    const html = stuckRowHtml(STUCK, 'Northwind Law LLP · Warning: NW-FS02 & co', NOW);
    expect(html).toContain('data-testid="stuck-row" data-id="7"');
    expect(html).toContain('<td class="col-id mono">7</td>');
    expect(html).toContain('Add a note to ticket #1002');
    expect(html).toContain('evt-&lt;102&gt;');
    expect(html).toContain('Northwind Law LLP · Warning: NW-FS02 &amp; co');
    expect(html).toContain('ConnectWise answered 403: &quot;Notes&quot; needs &lt;Add&gt;');
    expect(html).toContain('20 min ago');
    expect(html).toContain('data-action="forget-ask" data-id="7"');
    expect(html).toContain('aria-expanded="false"');
    expect(html).not.toContain('<Add>');
    expect(html).not.toContain('evt-<102>');
  });

  it('shows a dash without an error or context, and marks the row being asked about', () => {
    const html = stuckRowHtml({ ...STUCK, error: null }, null, NOW, true);
    expect(html).toContain('<td class="col-problem"><span class="muted">—</span></td>');
    expect(html).not.toContain(' · ');
    expect(html).toContain('aria-expanded="true" aria-controls="stuck-confirm-7"');
  });

  it('asks before forgetting, saying a call that landed may be made twice', () => {
    const html = stuckConfirmRowHtml(STUCK);
    expect(html).toContain('id="stuck-confirm-7"');
    expect(html).toContain('colspan="5"');
    expect(html).toContain('<strong>Forget call 7?</strong>');
    expect(html).toContain('plans event <span class="mono">evt-&lt;102&gt;</span> afresh');
    expect(html).toContain('it may be made twice');
    expect(html).toContain('data-action="forget-confirm" data-id="7"');
    expect(html).toContain('data-action="forget-cancel" data-id="7"');
  });
});
