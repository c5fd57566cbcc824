import { describe, expect, it } from 'vitest';

import type { CompanyView } from './api';
import { filterCompanies, parseQuery } from './filter';

function company(id: string, name: string, extra: Partial<CompanyView> = {}): CompanyView {
  return {
    id,
    name,
    present: true,
    cw_identifier: null,
    cw_company_id: null,
    cw_company_name: null,
    event_types: 'Default',
    backup_types: 'Default',
    agreement_condition: 'Default',
    last_status: null,
    effective: { event_types: 'All', backup_types: 'All', agreement_condition: '' },
    ...extra,
  };
}

const ROWS: CompanyView[] = [
  company('c-1', 'Acme Dental Ltd', {
    cw_identifier: 'AcmeDental',
    cw_company_id: 250,
    cw_company_name: 'Acme Dental Ltd',
    last_status: { ok: true, at: '2026-11-20T10:00:00Z', message: '' },
  }),
  company('c-2', 'Northwind Law LLP', {
    cw_identifier: 'NorthwindLaw',
    cw_company_id: 251,
    cw_company_name: 'Northwind Law',
    backup_types: { Explicit: { Only: ['FileLevel'] } },
    last_status: { ok: false, at: '2026-11-20T10:00:00Z', message: 'no agreement matches name like "%ICB"' },
  }),
  company('c-3', 'Tailspin Toys'),
  company('c-4', 'Old Corp', { present: false }),
];

describe('parseQuery', () => {
  it.each<[string, string[], string[], string[]]>([
    ['', [], [], []],
    ['  Acme  dental ', ['acme', 'dental'], [], []],
    ['is:unmapped toys', ['toys'], ['unmapped'], []],
    ['IS:Error is:errors', [], ['error'], []],
    ['is:bogus acme', ['acme'], [], ['is:bogus']],
    ['"north wind" is:ok', ['north wind'], ['ok'], []],
    ['"is:mapped"', ['is:mapped'], [], []],
  ])('%j', (text, words, flags, unknown) => {
    expect(parseQuery(text)).toEqual({ words, flags, unknown });
  });
});

describe('filterCompanies', () => {
  it.each<[string, string[]]>([
    ['', ['c-1', 'c-2', 'c-3', 'c-4']],
    ['acme', ['c-1']],
    ['ACMEDENTAL', ['c-1']],
    ['251', ['c-2']],
    ['c-3', ['c-3']],
    ['icb', ['c-2']],
    ['is:mapped', ['c-1', 'c-2']],
    ['is:unmapped', ['c-3', 'c-4']],
    ['is:error', ['c-2']],
    ['is:ok', ['c-1']],
    ['is:override', ['c-2']],
    ['is:gone', ['c-4']],
    ['is:mapped law', ['c-2']],
    ['nothing-like-this', []],
  ])('%j', (text, ids) => {
    expect(filterCompanies(ROWS, parseQuery(text))).toEqual(ids);
  });
});
