import { describe, expect, it } from 'vitest';

import type { Snooze } from './api';
import { localTimeText, scopeLabel, snoozedSentence, snoozeErrorField, snoozeValueText, snoozeWhat, tomorrowMorning, UNTIL_CHOICES, untilText } from './snooze';

const NAMES = new Map([['c-1001', 'Acme Dental Ltd']]);

describe('the end of a snooze as the core reads it', () => {
  const now = new Date(2026, 11, 6, 22, 15);

  it('offers the quick choices, then a time of your own', () => {
    expect(UNTIL_CHOICES.map(([c]) => c)).toEqual(['1h', '4h', 'tomorrow', 'custom']);
    expect(UNTIL_CHOICES[2]?.[1]).toBe('Until tomorrow, 08:00');
  });

  it('sends durations, tomorrow at 8:00 local time, or what was typed', () => {
    expect(untilText('1h', now, 'x')).toBe('1h');
    expect(untilText('4h', now, 'x')).toBe('4h');
    expect(untilText('tomorrow', now, 'x')).toBe('2026-12-07 08:00');
    expect(untilText('custom', now, '  2026-12-24 18:30 ')).toBe('2026-12-24 18:30');
    expect(untilText('custom', now, '')).toBe('');
  });

  it('crosses months and years for tomorrow', () => {
    expect(localTimeText(tomorrowMorning(new Date(2026, 11, 31, 23, 59)))).toBe('2027-01-01 08:00');
    expect(localTimeText(new Date(2027, 1, 3, 7, 5))).toBe('2027-02-03 07:05');
  });
});

describe('snoozes in words', () => {
  const snooze: Snooze = { id: 2, scope: 'company', value: 'c-1001', until: '2026-12-07T08:00:00Z', reason: '', created_at: '2026-12-06T22:00:00Z', removed_at: null };

  it('names a company by its name when its id is known', () => {
    expect(snoozeValueText(snooze, NAMES)).toBe('Acme Dental Ltd');
    expect(snoozeWhat(snooze, NAMES)).toBe('company Acme Dental Ltd');
    expect(snoozeWhat({ scope: 'company', value: 'Contoso' }, NAMES)).toBe('company Contoso');
    // A computer that happens to be called like a company id stays as it is.
    expect(snoozeWhat({ scope: 'computer', value: 'c-1001' }, NAMES)).toBe('computer c-1001');
    expect(scopeLabel('plan')).toBe('Plan');
  });

  it('says what is snoozed until when', () => {
    const sentence = snoozedSentence({ ...snooze, scope: 'computer', value: 'ACME-DC01' }, NAMES);
    expect(sentence).toMatch(/^Computer ACME-DC01 is snoozed until 2026-12-07 \d\d:00: no new tickets or notes for it until then\.$/);
  });

  it.each<[string, 'until' | 'value' | 'form']>([
    ['cannot read the snooze end "tomorrow"; use an RFC 3339 time (2026-12-07T06:00:00Z), a local time (2026-12-07 06:00) or a duration from now (90m, 2h, 1d)', 'until'],
    ['the snooze end 2020-01-01T00:00:00Z is not in the future; use …', 'until'],
    ['a snooze needs the computer it covers; it is empty', 'value'],
    ['the database is locked', 'form'],
  ])('a refusal "%s" belongs to the %s', (message, field) => expect(snoozeErrorField(message)).toBe(field));
});
