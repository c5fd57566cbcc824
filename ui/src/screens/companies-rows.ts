// The Companies table's rows as HTML text: built in one string so that 1,000
// rows are one innerHTML assignment, with every value escaped. Buttons carry
// `data-action`; the table listens once (event delegation).
import type { CompanyView, Override, TypeFilter } from '../api';
import { esc } from '../dom';
import { conditionText, explicit, relativeTime, typeFilterText } from '../format';
import { rowMenuButtonHtml } from './activity-rows';

/** Columns that open an editor. */
export type EditColumn = 'cw' | 'backup_types' | 'event_types' | 'agreement';

/** Header labels, in order. */
export const COLUMNS: ReadonlyArray<[string, string]> = [
  ['company', 'Backup Company'],
  ['cw', 'ConnectWise Id'],
  ['backup_types', 'Backup Types'],
  ['event_types', 'Event Types'],
  ['agreement', 'Agreement Matching Condition'],
  ['status', 'Last Update Status'],
  ['more', 'Actions'],
];

function cellButton(col: EditColumn, label: string, inner: string, testid: string, title = ''): string {
  const t = title === '' ? '' : ` title="${esc(title)}"`;
  return `<button type="button" class="cell-btn" data-action="edit" data-col="${col}" data-testid="${testid}" aria-label="${esc(label)}"${t}>${inner}</button>`;
}

/** "Default (All)" or the override, as cell content. */
function overrideInner<T>(o: Override<T>, effective: string, show: (v: T) => string): string {
  if (o === 'Default') {
    return `<span class="default">Default</span> <span class="sub">${esc(effective)}</span>`;
  }
  return `<span class="override">${esc(show(o.Explicit))}</span>`;
}

function typesCell(c: CompanyView, col: 'backup_types' | 'event_types', label: string): string {
  const o: Override<TypeFilter> = c[col];
  const inner = overrideInner(o, typeFilterText(c.effective[col]), typeFilterText);
  if (c.cw_company_id === null) return `<td class="col-${col}">${inner}</td>`;
  return `<td class="col-${col}">${cellButton(col, `${label} for ${c.name}: edit`, inner, `${col.replace('_', '-')}-cell`)}</td>`;
}

function agreementCell(c: CompanyView): string {
  const effective = conditionText(c.effective.agreement_condition);
  const inner =
    c.agreement_condition === 'Default'
      ? `<span class="default">Default</span> <span class="sub mono clamp">${esc(effective)}</span>`
      : `<span class="override mono clamp">${esc(conditionText(c.agreement_condition.Explicit))}</span>`;
  // Long conditions are cut to two lines; the full text is in the tooltip and the editor.
  const full = conditionText(explicit(c.agreement_condition) ?? c.effective.agreement_condition);
  if (c.cw_company_id === null) return `<td class="col-agreement" title="${esc(full)}">${inner}</td>`;
  return `<td class="col-agreement">${cellButton('agreement', `Agreement condition for ${c.name}: edit`, inner, 'agreement-cell', full)}</td>`;
}

function cwCell(c: CompanyView): string {
  if (c.cw_company_id === null) {
    return `<td class="col-cw">${cellButton('cw', `Map ${c.name} to a ConnectWise company`, '<span class="unmapped">Not mapped</span> <span class="sub">Set ConnectWise Id</span>', 'cw-id-cell')}</td>`;
  }
  const inner =
    `<span class="mono">${esc(c.cw_identifier ?? '')}</span>` +
    `<span class="sub" data-testid="cw-name">${esc(c.cw_company_name ?? '')} · #${c.cw_company_id}</span>`;
  return `<td class="col-cw">${cellButton('cw', `ConnectWise Id of ${c.name}: edit`, inner, 'cw-id-cell')}</td>`;
}

function statusCell(c: CompanyView, now: Date): string {
  if (c.last_status === null) {
    const text = c.cw_company_id === null ? 'Not mapped: no tickets' : 'Not synced yet';
    return `<td class="col-status"><span class="status status-none" data-testid="last-status">${text}</span></td>`;
  }
  const when = relativeTime(c.last_status.at, now);
  if (c.last_status.ok) {
    return `<td class="col-status"><span class="status status-ok" data-testid="last-status"><span aria-hidden="true">✓</span> OK <span class="sub">${esc(when)}</span></span></td>`;
  }
  return (
    `<td class="col-status"><span class="status status-error" data-testid="last-status">` +
    `<span class="status-head"><span aria-hidden="true">✕</span> Error <span class="sub">${esc(when)}</span></span>` +
    `<span class="status-text">${esc(c.last_status.message)}</span></span></td>`
  );
}

/** One `<tr>` for a company. */
export function rowHtml(c: CompanyView, now: Date): string {
  const gone = c.present ? '' : ' <span class="tag tag-warn">No longer in the Dashboard</span>';
  return (
    `<tr data-id="${esc(c.id)}" data-testid="company-row">` +
    `<th scope="row" class="col-company"><span class="company-name">${esc(c.name)}</span>${gone}<span class="sub mono">${esc(c.id)}</span></th>` +
    cwCell(c) +
    typesCell(c, 'backup_types', 'Backup types') +
    typesCell(c, 'event_types', 'Event types') +
    agreementCell(c) +
    statusCell(c, now) +
    `<td class="col-more">${rowMenuButtonHtml(c.id, `More actions for ${c.name}`)}</td>` +
    `</tr>`
  );
}

/** Every row, as one string. */
export function rowsHtml(list: readonly CompanyView[], now: Date): string {
  let out = '';
  for (const c of list) out += rowHtml(c, now);
  return out;
}
