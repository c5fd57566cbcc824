// Companies screen: every company of the backup source (Dashboard companies,
// MSP360 companies and users without one, Comet tenants or accounts, VSPC
// companies; the heading and empty state say which) with its ConnectWise
// mapping, type and agreement overrides and Last Update Status. Rows are one
// innerHTML build; one click listener on the table serves every row; the
// search box only toggles `hidden`, so 1,000 companies stay fast.
import * as api from '../api';
import { button, debounce, el } from '../dom';
import { FLAG_WORDS, matches, parseQuery, searchText } from '../filter';
import { count, plural } from '../format';
import { companiesNoun, sourceShortName } from '../source';
import { cycleFinished } from '../state';
import { closeMenu, menuButtonKey, openMenu, reanchorMenu } from '../menu';
import { openSnoozeDialog } from '../snooze-dialog';
import { busy, errorNotice, flash } from '../ui';
import { editorFor, type EditorContext } from './companies-editors';
import { COLUMNS, rowHtml, rowsHtml, type EditColumn } from './companies-rows';
import type { MountFn } from './screen';

const FILTER_DELAY_MS = 60;
const FALLBACK_TYPES: api.SeenTypes = {
  event_types: ['Error', 'Warning', 'BackupAnomaly'],
  backup_types: [],
};

function isEditColumn(v: string | undefined): v is EditColumn {
  return v === 'cw' || v === 'backup_types' || v === 'event_types' || v === 'agreement';
}

export const mountCompanies: MountFn = (root) => {
  let rows: api.CompanyView[] = [];
  const byId = new Map<string, { view: api.CompanyView; text: string }>();
  let open: { id: string; col: EditColumn; editorRow: HTMLTableRowElement } | null = null;
  let stale = false;
  let alive = true;
  let kind: api.SourceKind = 'dashboard';
  const ctx: EditorContext = {
    seen: FALLBACK_TYPES,
    defaults: { event_types: 'Error,Warning,BackupAnomaly', backup_types: 'all', agreement_condition: '' },
  };

  const filterInput = el('input', {
    type: 'search',
    class: 'input search',
    testid: 'companies-filter',
    placeholder: 'Search name, id or ConnectWise Id',
    'aria-label': 'Search companies',
  });
  const shown = el('span', { class: 'muted count', testid: 'companies-count', 'aria-live': 'polite' });
  const refreshStatus = el('span', { class: 'field-status', 'aria-live': 'polite' });
  const message = el('div', {});
  const heading = el('p', { class: 'intro screen-intro', testid: 'companies-heading' });
  const refresh = button('Refresh from Dashboard', () => {
    void busy(refresh, 'Refreshing…', async () => {
      try {
        load(await api.refreshCompanies());
        flash(refreshStatus, 'Up to date');
      } catch (error) {
        message.replaceChildren(errorNotice(error, 'Could not refresh the companies.', 'companies-error'));
      }
    });
  }, { testid: 'companies-refresh' });

  const tbody = el('tbody', { testid: 'companies-body' });
  const table = el('table', { class: 'table companies', testid: 'companies-table' }, [
    el('colgroup', {}, COLUMNS.map(([key]) => el('col', { class: `col-${key}` }))),
    el('thead', {}, [
      el('tr', {}, COLUMNS.map(([key, label]) =>
        // The row menus' column is narrow: its heading is for screen readers.
        key === 'more' ? el('th', { scope: 'col' }, [el('span', { class: 'visually-hidden', text: label })]) : el('th', { scope: 'col', text: label }),
      )),
    ]),
    tbody,
  ]);
  const empty = el('p', { class: 'empty', testid: 'companies-empty' });

  const refreshLabel = (): string => `Refresh from ${sourceShortName(kind)}`;
  const nameSource = (): void => {
    heading.textContent = `Your ${companiesNoun(kind)}, each with the ConnectWise company its tickets go to.`;
    if (!refresh.disabled) refresh.textContent = refreshLabel();
  };
  nameSource();

  root.append(
    heading,
    el('div', { class: 'toolbar' }, [
      el('div', { class: 'toolbar-main' }, [filterInput, shown]),
      el('div', { class: 'toolbar-side' }, [refreshStatus, refresh]),
    ]),
    el('p', { class: 'help toolbar-help', text: `Search words match names and ids; add ${FLAG_WORDS.map((f) => `is:${f}`).join(', ')} to narrow the list. Click a cell to change it.` }),
    message,
    el('div', { class: 'table-wrap' }, [table, empty]),
  );

  const applyFilter = (): void => {
    const query = parseQuery(filterInput.value);
    let visible = 0;
    for (const tr of tbody.rows) {
      if (tr.classList.contains('editor-row')) continue;
      const entry = byId.get(tr.dataset['id'] ?? '');
      const hit = entry !== undefined && matches(entry.view, entry.text, query);
      tr.hidden = !hit;
      if (hit) visible += 1;
    }
    if (open !== null) {
      const owner = open.editorRow.previousElementSibling as HTMLTableRowElement | null;
      open.editorRow.hidden = owner?.hidden ?? false;
    }
    shown.textContent = visible === rows.length ? plural(rows.length, 'company', 'companies') : `Showing ${count(visible)} of ${count(rows.length)}`;
    empty.hidden = visible > 0 || rows.length === 0;
    empty.textContent =
      query.unknown.length > 0
        ? `Nothing matches. “${query.unknown.join(' ')}” is not a filter word; try ${FLAG_WORDS.map((f) => `is:${f}`).join(', ')}.`
        : 'No company matches the search.';
    if (rows.length === 0) {
      empty.hidden = false;
      empty.textContent = `No ${companiesNoun(kind)} yet. Choose ${refreshLabel()} once the connection is set up.`;
    }
  };

  const closeEditor = (): void => {
    if (open === null) return;
    const { id, col, editorRow } = open;
    editorRow.remove();
    open = null;
    const cell = tbody.querySelector<HTMLButtonElement>(`tr[data-id="${CSS.escape(id)}"] [data-col="${col}"]`);
    cell?.setAttribute('aria-expanded', 'false');
    cell?.focus();
    if (stale) void reload();
  };

  const load = (list: api.CompanyView[]): void => {
    const started = performance.now();
    open = null;
    rows = list;
    byId.clear();
    for (const c of list) byId.set(c.id, { view: c, text: searchText(c) });
    tbody.innerHTML = rowsHtml(list, new Date());
    reanchorMenu(tbody);
    applyFilter();
    // Read by the browser tests, which print it (no timed assertion).
    table.dataset['renderMs'] = (performance.now() - started).toFixed(1);
    stale = false;
  };

  const replaceRow = (view: api.CompanyView): void => {
    const tr = tbody.querySelector<HTMLTableRowElement>(`tr[data-id="${CSS.escape(view.id)}"]`);
    rows = rows.map((r) => (r.id === view.id ? view : r));
    byId.set(view.id, { view, text: searchText(view) });
    if (tr !== null) tr.outerHTML = rowHtml(view, new Date());
    applyFilter();
  };

  const openRowMenu = (button: HTMLElement): void => {
    const id = button.dataset['id'];
    const entry = id === undefined ? undefined : byId.get(id);
    if (id === undefined || entry === undefined) return;
    const names = new Map(rows.map((r) => [r.id, r.name]));
    const refocus = (): void => {
      tbody.querySelector<HTMLButtonElement>(`tr[data-id="${CSS.escape(id)}"] [data-action="row-menu"]`)?.focus();
    };
    openMenu(button, [{ label: 'Snooze this company…', action: 'company', testid: 'menu-snooze-company' }], (_action, opener) => {
      openSnoozeDialog(opener, {
        scope: 'company',
        scopes: ['company', 'computer', 'plan'],
        values: { company: entry.view.id },
        names,
        refocus,
        saved: () => undefined,
      });
    });
  };
  tbody.addEventListener('keydown', (event) => menuButtonKey(event, openRowMenu));
  tbody.addEventListener('click', (event) => {
    const menuButton = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action="row-menu"]');
    if (menuButton !== null) {
      openRowMenu(menuButton);
      return;
    }
    const target = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action="edit"]');
    if (target === null) return;
    const tr = target.closest('tr');
    const id = tr?.dataset['id'];
    const col = target.dataset['col'];
    const entry = id === undefined ? undefined : byId.get(id);
    if (tr === null || entry === undefined || !isEditColumn(col)) return;
    const sameCell = open !== null && open.id === entry.view.id && open.col === col;
    closeEditor();
    if (sameCell) return;
    const editor = editorFor(entry.view, col, ctx, {
      saved: (view) => {
        const focusCol = col;
        open?.editorRow.remove();
        open = null;
        replaceRow(view);
        tbody.querySelector<HTMLButtonElement>(`tr[data-id="${CSS.escape(view.id)}"] [data-col="${focusCol}"]`)?.focus();
      },
      close: closeEditor,
    });
    const cell = el('td', { colspan: COLUMNS.length }, [editor]);
    const editorRow = el('tr', { class: 'editor-row', testid: 'company-editor-row' }, [cell]);
    tr.after(editorRow);
    target.setAttribute('aria-expanded', 'true');
    open = { id: entry.view.id, col, editorRow };
    editor.querySelector<HTMLElement>('input:not([type=radio]):not([type=checkbox]), textarea, input')?.focus();
  });
  tbody.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && open !== null) {
      event.preventDefault();
      closeEditor();
    }
  });
  filterInput.addEventListener('input', debounce(applyFilter, FILTER_DELAY_MS));

  const reload = async (): Promise<void> => {
    try {
      const list = await api.listCompanies();
      if (alive) load(list);
      message.replaceChildren();
    } catch (error) {
      message.replaceChildren(errorNotice(error, 'Could not load the companies.', 'companies-error'));
    }
  };

  shown.textContent = 'Loading…';
  void (async () => {
    const [settings, seen, connection] = await Promise.all([
      api.getSettings().catch(() => [] as api.SettingEntry[]),
      api.seenTypes().catch(() => FALLBACK_TYPES),
      api.getConnection().catch(() => null),
    ]);
    kind = connection?.source_kind ?? 'dashboard';
    nameSource();
    const value = (key: string, fallback: string): string => settings.find((s) => s.key === key)?.value ?? fallback;
    ctx.seen = seen;
    ctx.defaults = {
      event_types: value('defaults.event_types', ctx.defaults.event_types),
      backup_types: value('defaults.backup_types', ctx.defaults.backup_types),
      agreement_condition: value('defaults.agreement_condition', ''),
    };
    await reload();
  })();

  return {
    onShared(now, before) {
      if (!cycleFinished(now, before)) return;
      // A sync updated Last Update Status; never pull the table from under an open editor.
      if (open === null) void reload();
      else stale = true;
    },
    unmount() {
      alive = false;
      closeMenu();
    },
  };
};
