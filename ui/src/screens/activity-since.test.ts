import { describe, expect, it } from 'vitest';

import { requestActivityFilter, sinceLabel, takeRequestedFilter } from './activity-since';

const STORM = { created_since: '2026-12-06T21:05:00Z' };

describe('the storm filter', () => {
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
