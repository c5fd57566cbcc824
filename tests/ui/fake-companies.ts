// The fake backend's list_companies_page: the same search as the core's
// (crates/core/src/store/companies_page.rs): free words matched as
// substrings of a row's names, ids, condition and status message, `is:`
// words, quotes that keep spaces; name order (ASCII case folded, then id),
// a keyset cursor, a clamped limit and the counts.
import type { CompanyCursor, CompanyPage, CompanyQuery, CompanyView } from '../../ui/src/api';

/** Row states the `is:` words select. */
export type CompanyFlag = 'mapped' | 'unmapped' | 'error' | 'ok' | 'override' | 'gone';

/** A parsed query: every word and every flag must match. */
interface ParsedQuery {
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

/** Splits a query into lower-case words and `is:` flags; quotes keep spaces. */
export function parseQuery(text: string): ParsedQuery {
  const query: ParsedQuery = { words: [], flags: [], unknown: [] };
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
export function matches(c: CompanyView, text: string, query: ParsedQuery): boolean {
  for (const word of query.words) {
    if (!text.includes(word)) return false;
  }
  for (const flag of query.flags) {
    if (!hasFlag(c, flag)) return false;
  }
  return true;
}

/** SQLite's NOCASE: ASCII letters folded, nothing else. */
const fold = (s: string): string => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

function compare(a: CompanyCursor, b: CompanyCursor): number {
  const [x, y] = [fold(a.name), fold(b.name)];
  if (x !== y) return x < y ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The page `q` asks for, as the core answers it. */
export function companyPage(all: readonly CompanyView[], q: CompanyQuery): CompanyPage {
  const query = parseQuery(q.search);
  const limit = Math.min(Math.max(Math.trunc(q.limit), 1), 500);
  const matched = all.filter((c) => matches(c, searchText(c), query)).sort(compare);
  const after = q.after;
  const rest = after === null ? matched : matched.filter((c) => compare(c, after) > 0);
  const rows = rest.slice(0, limit);
  const last = rows.at(-1);
  return {
    rows,
    next: rest.length > limit && last !== undefined ? { name: last.name, id: last.id } : null,
    matched: matched.length,
    total: all.length,
    unknown: query.unknown,
  };
}
