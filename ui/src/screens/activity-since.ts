// The Activity screen's storm filter (issue 17): clicking the storm
// notification shows the tickets created since the storm began, as a
// removable chip "Created since 21:05 (storm)" beside the ticket filter. The
// tray keeps the filter until the window takes it (`take_activity_filter`),
// when the window starts or when told one waits (`show_activity`); `main.ts`
// hands it here and opens the Activity screen, which takes it on mount.
import type { ActivityFilter } from '../api';
import { dateTime } from '../format';

let requested: ActivityFilter | null = null;

/** Keeps `filter` for the Activity screen's next mount. */
export function requestActivityFilter(filter: ActivityFilter): void {
  requested = filter;
}

/** The filter asked for since the last mount, once. */
export function takeRequestedFilter(): ActivityFilter | null {
  const filter = requested;
  requested = null;
  return filter;
}

/** The chip's words: "Created since 21:05 (storm)" today, with the date on another day. */
export function sinceLabel(filter: ActivityFilter, now: Date): string {
  const at = dateTime(filter.created_since);
  const [day, time] = at.split(' ');
  const today = dateTime(now.toISOString()).split(' ')[0];
  return `Created since ${day === today && time !== undefined ? time : at} (storm)`;
}
