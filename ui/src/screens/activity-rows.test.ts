import { describe, expect, it } from 'vitest';

import type { RunReport, TicketRow } from '../api';
import { planHtml, ticketPasses, ticketRowHtml } from './activity-rows';

const NOW = new Date('2026-11-20T12:00:00Z');
const ZERO = { created: 0, updated: 0, notes: 0, closed: 0, reopened: 0, deleted: 0, skipped: 0, errors: 0 };

const TICKET: TicketRow = {
  event_id: 'evt-1',
  company_id: 'c-1001',
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
  url: 'https://cw.example/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=1042&companyName=x',
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

describe('ticketPasses', () => {
  it.each<[Partial<TicketRow>, 'all' | 'open' | 'errors', boolean]>([
    [{}, 'all', true],
    [{}, 'open', true],
    [{ state: 'Closed' }, 'open', false],
    [{}, 'errors', false],
    [{ last_error: 'x' }, 'errors', true],
  ])('%j %s', (patch, filter, expected) => expect(ticketPasses({ ...TICKET, ...patch }, filter)).toBe(expected));
});

describe('planHtml', () => {
  const report: RunReport = {
    run_id: null,
    dry_run: true,
    events_seen: 4,
    counts: ZERO,
    actions: [],
    errors: [],
    rejected: [],
    removals_held: false,
    removals_guarded: null,
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
