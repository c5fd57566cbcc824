// The Companies screen's search box: a query of free words plus a few
// `is:` words, parsed once and matched against a precomputed search text per
// row, so filtering 1,000 rows is a loop over strings.
import type { CompanyView } from './api';

/** Row states the `is:` words select. */
export type CompanyFlag = 'mapped' | 'unmapped' | 'error' | 'ok' | 'override' | 'gone';

/** A parsed query: every word and every flag must match. */
export interface CompanyQuery {
  words: string[];
  flags: CompanyFlag[];
  /** `is:` words that mean nothing, to tell the user. */
  unknown: string[];
}

const FLAGS: Record<string, CompanyFlag> = {
  mapped: 'mapped',
  unmapped: 'unmapped',
  error: 'error',
  errors: 'error',
  failing: 'error',
  ok: 'ok',
  override: 'override',
  overrides: 'override',
  custom: 'override',
  gone: 'gone',
};

/** The `is:` words the search box understands, for its help text. */
export const FLAG_WORDS: readonly string[] = ['mapped', 'unmapped', 'error', 'ok', 'override', 'gone'];

/** Splits a query into lower-case words and `is:` flags; quotes keep spaces. */
export function parseQuery(text: string): CompanyQuery {
  const query: CompanyQuery = { words: [], flags: [], unknown: [] };
  const tokens = text.match(/"[^"]*"?|\S+/g) ?? [];
  for (const raw of tokens) {
    const token = raw.startsWith('"') ? raw.replace(/^"|"$/g, '') : raw;
    const lower = token.toLowerCase().trim();
    if (lower === '') continue;
    if (!raw.startsWith('"') && lower.startsWith('is:')) {
      const flag = FLAGS[lower.slice(3)];
      if (flag === undefined) query.unknown.push(token);
      else if (!query.flags.includes(flag)) query.flags.push(flag);
      continue;
    }
    query.words.push(lower);
  }
  return query;
}

/** The text a row is searched by: names, ids and what its cells show. */
export function searchText(c: CompanyView): string {
  return [
    c.name,
    c.id,
    c.cw_identifier ?? '',
    c.cw_company_name ?? '',
    c.cw_company_id === null ? '' : String(c.cw_company_id),
    c.agreement_condition === 'Default' ? '' : c.agreement_condition.Explicit,
    c.last_status?.message ?? '',
  ]
    .join('\n')
    .toLowerCase();
}

function hasFlag(c: CompanyView, flag: CompanyFlag): boolean {
  switch (flag) {
    case 'mapped':
      return c.cw_company_id !== null;
    case 'unmapped':
      return c.cw_company_id === null;
    case 'error':
      return c.last_status !== null && !c.last_status.ok;
    case 'ok':
      return c.last_status !== null && c.last_status.ok;
    case 'override':
      return (
        c.event_types !== 'Default' || c.backup_types !== 'Default' || c.agreement_condition !== 'Default'
      );
    case 'gone':
      return !c.present;
  }
}

/** True when the row (with its precomputed `text` from {@link searchText}) matches. */
export function matches(c: CompanyView, text: string, query: CompanyQuery): boolean {
  for (const word of query.words) {
    if (!text.includes(word)) return false;
  }
  for (const flag of query.flags) {
    if (!hasFlag(c, flag)) return false;
  }
  return true;
}

/** The ids of the rows that match, in order. */
export function filterCompanies(rows: readonly CompanyView[], query: CompanyQuery): string[] {
  return rows.filter((c) => matches(c, searchText(c), query)).map((c) => c.id);
}
