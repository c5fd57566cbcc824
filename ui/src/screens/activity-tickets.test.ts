import { describe, expect, it } from 'vitest';

import type { TicketChanges, TicketRow } from '../api';
import { compareRows, countText, historyText, mergeChanges } from './activity-tickets';

function row(event_id: string, updated_at: string, state: TicketRow['state'] = 'Open'): TicketRow {
  return {
    event_id, company_id: 'c-1', company_name: 'Acme', ticket_id: 1, state, anomaly: false, event_type: 'Error',
    job_status: 'Failed', message: 'm', summary: 's', priority: null, content_hash: 'x', pushed_details: [],
    last_action: 'created', last_error: null, updated_at, source: '', snoozed: null, flaps: null, flap: null,
    url: null, created_at: null, computer: null, plan: null,
  };
}

function changes(rows: TicketRow[], gone: string[] = []): TicketChanges {
  return { rows, gone, overflow: false, total: 0, hidden: 0, tracked: 0, keep_days: 90, revision: 2 };
}

const ids = (rows: TicketRow[]): string[] => rows.map((r) => r.event_id);

describe('the list order', () => {
  it('puts the newest change first, then the event id', () => {
    const list = [row('b', '2026-12-07T09:00:00Z'), row('a', '2026-12-07T09:00:00Z'), row('c', '2026-12-07T10:00:00Z')];
    expect(ids(list.sort(compareRows))).toEqual(['c', 'a', 'b']);
  });
});

describe('merging a refresh', () => {
  const loaded = [row('e1', '2026-12-07T10:00:00Z'), row('e2', '2026-12-07T09:00:00Z'), row('e3', '2026-12-07T08:00:00Z')];
  const next = { updated_at: '2026-12-07T08:00:00Z', event_id: 'e3' };

  it('moves a changed row to the top and drops the rows that stopped matching', () => {
    const merged = mergeChanges(loaded, changes([row('e3', '2026-12-07T11:00:00Z')], ['e2']), next);
    expect(ids(merged)).toEqual(['e3', 'e1']);
  });

  it('adds a new row within the loaded range, and leaves one beyond it to "Show more"', () => {
    const merged = mergeChanges(loaded, changes([row('new', '2026-12-07T12:00:00Z'), row('far', '2026-12-07T07:00:00Z')]), next);
    expect(ids(merged)).toEqual(['new', 'e1', 'e2', 'e3']);
  });

  it('keeps every changed row when the whole list is loaded', () => {
    const merged = mergeChanges(loaded, changes([row('far', '2026-12-07T07:00:00Z')]), null);
    expect(ids(merged)).toEqual(['e1', 'e2', 'e3', 'far']);
  });

  it('replaces a row in place when its change keeps its time', () => {
    const fixed = { ...row('e2', '2026-12-07T09:00:00Z'), last_error: 'ConnectWise answered 500' };
    const merged = mergeChanges(loaded, changes([fixed]), next);
    expect(ids(merged)).toEqual(['e1', 'e2', 'e3']);
    expect(merged[1]?.last_error).toBe('ConnectWise answered 500');
  });
});

describe('the words around the list', () => {
  it.each<[number, number, string]>([
    [0, 0, '0 tickets'],
    [1, 1, '1 ticket'],
    [100, 10_000, '100 of 10,000 tickets'],
    [10_000, 10_000, '10,000 tickets'],
  ])('countText(%d, %d)', (shown, total, text) => expect(countText(shown, total)).toBe(text));

  it('says how many old tickets are left out and how to find them', () => {
    expect(historyText(9_880, 90)).toBe('9,880 tickets closed or removed more than 90 days ago are not listed; search to find them.');
    expect(historyText(1, 1)).toBe('1 ticket closed or removed more than 1 day ago is not listed; search to find it.');
  });
});
