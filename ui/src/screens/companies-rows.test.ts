import { describe, expect, it } from 'vitest';

import type { CompanyView } from '../api';
import { rowHtml, rowsHtml } from './companies-rows';

const NOW = new Date('2026-11-20T12:00:00Z');

function company(i: number, extra: Partial<CompanyView> = {}): CompanyView {
  return {
    id: `c-${i}`,
    name: `Company ${i}`,
    present: true,
    cw_identifier: `Co${i}`,
    cw_company_id: 1000 + i,
    cw_company_name: `Company ${i} Ltd`,
    event_types: 'Default',
    backup_types: 'Default',
    agreement_condition: 'Default',
    last_status: { ok: true, at: '2026-11-20T11:55:00Z', message: '' },
    effective: { event_types: { Only: ['Error', 'Warning'] }, backup_types: 'All', agreement_condition: 'name like "%ICB"' },
    ...extra,
  };
}

describe('rowHtml', () => {
  it('escapes every value', () => {
    const html = rowHtml(company(1, { name: '<img src=x onerror=alert(1)>', cw_company_name: '"quoted" & co' }), NOW);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;quoted&quot; &amp; co');
  });

  it('shows Default with the effective value, or the override', () => {
    const inherited = rowHtml(company(1), NOW);
    expect(inherited).toContain('<span class="default">Default</span> <span class="sub">All</span>');
    expect(inherited).toContain('Error, Warning');
    const custom = rowHtml(
      company(2, { backup_types: { Explicit: { Only: ['FileLevel', 'ImageBased'] } }, agreement_condition: { Explicit: '' } }),
      NOW,
    );
    expect(custom).toContain('<span class="override">FileLevel, ImageBased</span>');
    expect(custom).toContain('No agreement');
  });

  it('says OK with time, or the error in words', () => {
    expect(rowHtml(company(1), NOW)).toContain('OK <span class="sub">5 min ago</span>');
    const failing = rowHtml(
      company(1, { last_status: { ok: false, at: '2026-11-20T11:00:00Z', message: 'no agreement matches name like "%ICB"' } }),
      NOW,
    );
    expect(failing).toContain('Error <span class="sub">60 min ago</span>');
    expect(failing).toContain('no agreement matches name like &quot;%ICB&quot;');
  });

  it('offers to map an unmapped company and does not offer filter edits', () => {
    const html = rowHtml(company(3, { cw_identifier: null, cw_company_id: null, cw_company_name: null, last_status: null }), NOW);
    expect(html).toContain('Not mapped');
    expect(html).toContain('data-col="cw"');
    expect(html).not.toContain('data-col="backup_types"');
    expect(html).toContain('Not mapped: no tickets');
  });
});

describe('rowsHtml', () => {
  it('builds 1,000 rows quickly (time printed, not asserted)', () => {
    const list = Array.from({ length: 1000 }, (_, i) => company(i));
    const started = performance.now();
    const html = rowsHtml(list, NOW);
    const ms = performance.now() - started;
    console.log(`rowsHtml: 1,000 company rows as HTML in ${ms.toFixed(1)} ms (${html.length} chars)`);
    expect(html.match(/<tr /g)?.length).toBe(1000);
  });
});
