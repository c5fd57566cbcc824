import { describe, expect, it } from 'vitest';

import type { RunRecord, Status } from './api';
import {
  count,
  countsText,
  durationText,
  intervalLabel,
  missingText,
  parseTypeFilter,
  relativeTime,
  runOutcomeText,
  syncStateText,
  syncTimingText,
  typeFilterText,
  typeFilterValue,
  versionLabel,
} from './format';

const NOW = new Date('2026-11-20T12:00:00Z');
const ZERO = { created: 0, updated: 0, notes: 0, closed: 0, reopened: 0, deleted: 0, skipped: 0, errors: 0, held: 0, snoozed: 0 };

describe('versionLabel', () => {
  const cases: Array<[string, string]> = [
    ['0.1.0', 'Version 0.1.0'],
    ['v2.3.4', 'Version 2.3.4'],
    [' 1.0.0-beta.1 ', 'Version 1.0.0-beta.1'],
    ['', 'Version unknown'],
  ];
  it.each(cases)('%j -> %j', (input, expected) => expect(versionLabel(input)).toBe(expected));
});

describe('count', () => {
  it.each([[0, '0'], [999, '999'], [1000, '1,000'], [1234567, '1,234,567']])('%d', (n, s) => expect(count(n)).toBe(s));
});

describe('relativeTime', () => {
  const cases: Array<[string, string]> = [
    ['2026-11-20T11:59:40Z', 'just now'],
    ['2026-11-20T11:55:00Z', '5 min ago'],
    ['2026-11-20T11:58:50Z', '1 min ago'],
    ['2026-11-20T09:00:00Z', '3 h ago'],
    ['2026-11-18T12:00:00Z', '2 days ago'],
    ['2026-11-20T00:00:00Z', '12 h ago'],
    ['2026-11-20T12:04:00Z', 'in 4 min'],
    ['not a date', 'at an unknown time'],
  ];
  it.each(cases)('%s', (iso, expected) => expect(relativeTime(iso, NOW)).toBe(expected));
});

describe('durationText', () => {
  it.each([[5, '5 s'], [60, '1 min'], [250, '4 min 10 s'], [3600, '1 h'], [5400, '1 h 30 min']])('%d', (s, t) =>
    expect(durationText(s)).toBe(t),
  );
});

describe('syncStateText', () => {
  it('names every state in words, not only colour', () => {
    expect(syncStateText({ state: 'idle' }, true)).toEqual({ tone: 'idle', label: 'Idle' });
    expect(syncStateText({ state: 'idle' }, false)).toEqual({ tone: 'setup', label: 'Not set up' });
    expect(syncStateText({ state: 'syncing' }, true).label).toBe('Syncing…');
    expect(syncStateText({ state: 'paused' }, false).label).toBe('Paused');
    expect(syncStateText({ state: 'error', reason: 'ConnectWise is down', retryable: true }, true)).toEqual({
      tone: 'error',
      label: 'Error',
      reason: 'ConnectWise is down',
    });
  });
});

describe('syncTimingText', () => {
  const base: Status = { state: { state: 'idle' }, cycles: 1, last_run_at: '2026-11-20T11:55:00Z', last_report: null, next_in_secs: 240 };
  it('shows last and next', () => expect(syncTimingText(base, NOW)).toBe('Last sync 5 min ago · next in 4 min'));
  it('no next while paused', () => expect(syncTimingText({ ...base, state: { state: 'paused' } }, NOW)).toBe('Last sync 5 min ago'));
  it('before the first sync', () => expect(syncTimingText({ ...base, last_run_at: null, next_in_secs: null }, NOW)).toBe('No sync yet'));
});

describe('type filters', () => {
  const cases: Array<[string, string, string]> = [
    ['all', 'All', 'all'],
    [' ALL ', 'All', 'all'],
    ['Error, Warning', 'Error, Warning', 'Error,Warning'],
    ['Error,,', 'Error', 'Error'],
  ];
  it.each(cases)('%j', (text, shown, value) => {
    const f = parseTypeFilter(text);
    expect(typeFilterText(f)).toBe(shown);
    expect(typeFilterValue(f)).toBe(value);
  });
});

describe('missingText', () => {
  it('lists friendly names', () => {
    expect(missingText([])).toBe('');
    expect(missingText(['cw.site'])).toBe('Still needed before BackupBridge can sync: Site.');
    expect(missingText(['source.url', 'source.username'])).toBe(
      'Still needed before BackupBridge can sync: Backup platform address and Backup platform login.',
    );
    expect(missingText(['cw.site', 'cw.client_id', 'ticket.board'])).toBe(
      'Still needed before BackupBridge can sync: Site, Client ID and Ticket board (Defaults screen).',
    );
  });
});

describe('countsText', () => {
  it('shows only what happened', () => {
    expect(countsText(ZERO)).toBe('nothing to do');
    expect(countsText({ ...ZERO, created: 3, notes: 1, errors: 2 })).toBe('3 created, 1 note, 2 errors');
  });
  it('says what the storm guard and snoozes held back', () => {
    expect(countsText({ ...ZERO, created: 50, held: 250 })).toBe('50 created, 250 tickets held by the storm guard');
    expect(countsText({ ...ZERO, skipped: 4, snoozed: 4 })).toBe('4 skipped, 4 snoozed');
  });
});

describe('runOutcomeText', () => {
  const run: RunRecord = { id: 1, started_at: '2026-11-20T11:00:00Z', finished_at: '2026-11-20T11:00:04Z', counts: ZERO, error_messages: [] };
  it.each<[RunRecord, string]>([
    [run, 'OK'],
    [{ ...run, finished_at: null }, 'Running or interrupted'],
    [{ ...run, error_messages: ['x'] }, 'With errors'],
    [{ ...run, counts: { ...ZERO, errors: 1 } }, 'With errors'],
  ])('%#', (r, label) => expect(runOutcomeText(r).label).toBe(label));
});

describe('intervalLabel', () => {
  it.each([[30, 'Every 30 seconds'], [60, 'Every minute'], [300, 'Every 5 minutes'], [3600, 'Every hour'], [7200, 'Every 2 hours'], [90, 'Every 90 seconds']])(
    '%d',
    (s, t) => expect(intervalLabel(s)).toBe(t),
  );
});
