// Snoozes in words, and the "until" choices of the snooze dialog as the text
// the core reads (`snooze add --until`: a duration from now, a local
// `YYYY-MM-DD HH:MM`, or an RFC 3339 time). No rule lives here: what a value
// covers and whether an end is valid are the core's to say.
import type { Snooze, SnoozeScope } from './api';
import { dateTime } from './format';

/** The quick choices for the end of a snooze, then "custom". */
export type UntilChoice = '1h' | '4h' | 'tomorrow' | 'custom';

/** The hour "until tomorrow" ends at, local time. */
export const TOMORROW_HOUR = 8;

/** The choices in the order the dialog offers them, with their labels. */
export const UNTIL_CHOICES: ReadonlyArray<[UntilChoice, string]> = [
  ['1h', 'For 1 hour'],
  ['4h', 'For 4 hours'],
  ['tomorrow', `Until tomorrow, ${String(TOMORROW_HOUR).padStart(2, '0')}:00`],
  ['custom', 'Until a time you choose'],
];

/** A local date and time as the core's local form, `YYYY-MM-DD HH:MM`. */
export function localTimeText(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Tomorrow at TOMORROW_HOUR, local time, seen from `now`. */
export function tomorrowMorning(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, TOMORROW_HOUR, 0, 0, 0);
}

/**
 * The `until` text to send for `choice`; `custom` is what the person typed
 * (trimmed), which the core reads or refuses.
 */
export function untilText(choice: UntilChoice, now: Date, custom: string): string {
  switch (choice) {
    case '1h':
      return '1h';
    case '4h':
      return '4h';
    case 'tomorrow':
      return localTimeText(tomorrowMorning(now));
    case 'custom':
      return custom.trim();
  }
}

/** "Company", "Computer", "Plan". */
export function scopeLabel(scope: SnoozeScope): string {
  return { company: 'Company', computer: 'Computer', plan: 'Plan' }[scope];
}

/**
 * What a snooze covers in words: `company "Acme Dental Ltd"` when the value
 * is a company id whose name is known, else the value as typed.
 */
export function snoozeWhat(s: Pick<Snooze, 'scope' | 'value'>, names: ReadonlyMap<string, string>): string {
  return `${s.scope} ${snoozeValueText(s, names)}`;
}

/** A snooze's value in words: the company's name for a known company id, else the value. */
export function snoozeValueText(s: Pick<Snooze, 'scope' | 'value'>, names: ReadonlyMap<string, string>): string {
  return (s.scope === 'company' ? names.get(s.value) : undefined) ?? s.value;
}

/** The toast after saving: "Computer ACME-DC01 is snoozed until 2026-12-07 08:00." */
export function snoozedSentence(s: Snooze, names: ReadonlyMap<string, string>): string {
  const what = snoozeWhat(s, names);
  return `${what.charAt(0).toUpperCase()}${what.slice(1)} is snoozed until ${dateTime(s.until)}: no new tickets or notes for it until then.`;
}

/** Which field of the dialog a core refusal is about (the end, the value), or the form as a whole. */
export function snoozeErrorField(message: string): 'until' | 'value' | 'form' {
  if (/\bsnooze end\b/.test(message)) return 'until';
  if (/^a snooze needs the\b/i.test(message)) return 'value';
  return 'form';
}
