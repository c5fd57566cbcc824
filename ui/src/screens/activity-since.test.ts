import { describe, expect, it } from 'vitest';

import type { TicketRow } from '../api';
import { createdSince, requestActivityFilter, sinceLabel, takeRequestedFilter } from './activity-since';

const STORM = { created_since: '2026-12-06T21:05:00Z' };

function ticket(created_at: string | null): TicketRow {
  return {
    event_id: 'evt-1', company_id: 'c-1', ticket_id: 1, state: 'Open', anomaly: false, event_type: 'Error',
    job_status: 'Failed', message: 'm', summary: 's', priority: null, content_hash: 'x', pushed_details: [],
    last_action: 'created', last_error: null, updated_at: '2026-12-06T22:00:00Z', source: '', snoozed: null, flaps: null, flap: null,
    url: null, created_at, computer: null, plan: null,
  };
}

describe('the storm filter', () => {
  it('keeps the tickets created at or after the storm began', () => {
    expect(createdSince(ticket('2026-12-06T21:05:00Z'), STORM)).toBe(true);
    expect(createdSince(ticket('2026-12-06T21:40:12.345Z'), STORM)).toBe(true);
    expect(createdSince(ticket('2026-12-06T21:04:59Z'), STORM)).toBe(false);
    // Created before the outbox kept the call, or adopted: unknown, not shown.
    expect(createdSince(ticket(null), STORM)).toBe(false);
    expect(createdSince(ticket('garbage'), STORM)).toBe(false);
  });

  it('names the start time, with the date on another day', () => {
    const start = new Date(STORM.created_since);
    const hhmm = `${String(start.getHours()).padStart(2, '0')}:${String(start.getMinutes()).padStart(2, '0')}`;
    expect(sinceLabel(STORM, start)).toBe(`Created since ${hhmm} (storm)`);
    const later = sinceLabel(STORM, new Date(start.getTime() + 3 * 86_400_000));
    expect(later).toMatch(/^Created since \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(storm\)$/);
  });

  it('is handed to the next mount once', () => {
    expect(takeRequestedFilter()).toBeNull();
    requestActivityFilter(STORM);
    expect(takeRequestedFilter()).toEqual(STORM);
    expect(takeRequestedFilter()).toBeNull();
  });
});
