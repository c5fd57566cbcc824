// Companies screen: every company of the backup source (Dashboard companies,
// MSP360 companies and users without one, Comet tenants or accounts, VSPC
// companies; the heading and empty state say which) with its ConnectWise
// mapping, type and agreement overrides and Last Update Status. The backend
// searches, filters and sorts (list_companies_page): the screen holds one
// page of rows and "Load more" appends the next, so thousands of companies
// cost what a hundred do. Rows are one innerHTML build; one click listener
// on the table serves every row.
import * as api from '../api';
import { button, debounce, el } from '../dom';
import { count, plural } from '../format';
import { companiesNoun, sourceShortName } from '../source';
import { cycleFinished } from '../state';
import { closeMenu, menuButtonKey, openMenu, reanchorMenu } from '../menu';
import { openSnoozeDialog } from '../snooze-dialog';
import { busy, errorNotice, flash } from '../ui';
import { editorFor, type EditorContext } from './companies-editors';
import { COLUMNS, rowHtml, rowsHtml, type EditColumn } from './companies-rows';
import type { MountFn } from './screen';

/** Search typing settles this long before the backend is asked. */
const SEARCH_DELAY_MS = 200;
/** Rows a page adds. */
const PAGE_SIZE = 100;
/** The most rows one call may ask for (the backend's limit). */
const PAGE_LIMIT_MAX = 500;
/** The `is:` words the search box understands (the backend's flags), for its help text. */
const FLAG_WORDS: readonly string[] = ['mapped', 'unmapped', 'error', 'ok', 'override', 'gone'];
const FALLBACK_TYPES: api.SeenTypes = {
  event_types: ['Error', 'Warning', 'BackupAnomaly'],
  backup_types: [],
};

function isEditColumn(v: string | undefined): v is EditColumn {
  return v === 'cw' || v === 'backup_types' || v === 'event_types' || v === 'agreement';
}

export const mountCompanies: MountFn = (root) => {
  let rows: api.CompanyView[] = [];
  const byId = new Map<string, api.CompanyView>();
  let page: Omit<api.CompanyPage, 'rows'> = { next: null, matched: 0, total: 0, unknown: [] };
  let loaded = false;
  // Each search, refresh or page bumps this; an answer for an older one is dropped.
  let generation = 0;
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
        const mine = (generation += 1);
        const first = await api.refreshCompanies(query(null, PAGE_SIZE));
        if (alive && mine === generation) load(first);
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
  const moreStatus = el('span', { class: 'muted', testid: 'companies-more-status', 'aria-live': 'polite' });
  const more = button('Load more', () => void loadMore(), { testid: 'companies-more' });
  const moreBar = el('div', { class: 'more-bar', testid: 'companies-more-bar' }, [moreStatus, more]);

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
    moreBar,
  );

  const query = (after: api.CompanyCursor | null, limit: number): api.CompanyQuery => ({ search: filterInput.value, after, limit });

  /** The count line, the empty state and the Load more bar, from the last page's counts. */
  const drawCounts = (): void => {
    const searching = filterInput.value.trim() !== '';
    shown.textContent = searching
      ? `${count(page.matched)} of ${plural(page.total, 'company', 'companies')}`
      : plural(page.total, 'company', 'companies');
    empty.hidden = rows.length > 0;
    if (page.total === 0) {
      empty.textContent = `No ${companiesNoun(kind)} yet. Choose ${refreshLabel()} once the connection is set up.`;
    } else if (page.unknown.length > 0) {
      empty.textContent = `Nothing matches. “${page.unknown.join(' ')}” is not a filter word; try ${FLAG_WORDS.map((f) => `is:${f}`).join(', ')}.`;
    } else {
      empty.textContent = 'No company matches the search.';
    }
    moreBar.hidden = page.next === null;
    const left = Math.max(page.matched - rows.length, 0);
    moreStatus.textContent = `Showing ${count(rows.length)} of ${count(page.matched)}`;
    if (!more.disabled) more.textContent = `Load ${count(Math.min(PAGE_SIZE, left))} more`;
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

  const remember = (list: readonly api.CompanyView[]): void => {
    for (const c of list) byId.set(c.id, c);
  };

  /** Shows `first` (with any further pages of the same answer) in place of every row. */
  const load = (first: api.CompanyPage, further: api.CompanyPage[] = []): void => {
    const started = performance.now();
    open = null;
    rows = [...first.rows, ...further.flatMap((p) => p.rows)];
    const last = further.at(-1) ?? first;
    page = { next: last.next, matched: last.matched, total: last.total, unknown: first.unknown };
    byId.clear();
    remember(rows);
    tbody.innerHTML = rowsHtml(rows, new Date());
    reanchorMenu(tbody);
    drawCounts();
    // Read by the browser tests, which print it (no timed assertion).
    table.dataset['renderMs'] = (performance.now() - started).toFixed(1);
    stale = false;
    loaded = true;
  };

  /** Appends the next page and moves focus to its first row. */
  const loadMore = async (): Promise<void> => {
    const after = page.next;
    if (after === null) return;
    const mine = generation;
    await busy(more, 'Loading…', async () => {
      try {
        const next = await api.listCompaniesPage(query(after, PAGE_SIZE));
        if (!alive || mine !== generation) return;
        const firstNew = next.rows[0];
        rows = [...rows, ...next.rows];
        remember(next.rows);
        page = { next: next.next, matched: next.matched, total: next.total, unknown: next.unknown };
        tbody.insertAdjacentHTML('beforeend', rowsHtml(next.rows, new Date()));
        message.replaceChildren();
        if (firstNew !== undefined) {
          tbody.querySelector<HTMLElement>(`tr[data-id="${CSS.escape(firstNew.id)}"] [data-col="cw"]`)?.focus();
        }
      } catch (error) {
        message.replaceChildren(errorNotice(error, 'Could not load more companies.', 'companies-error'));
      }
    });
    drawCounts();
    // Focus stays on the button when nothing new came; it is gone once the last page is in.
    if (moreBar.hidden && document.activeElement === more) filterInput.focus();
  };

  const replaceRow = (view: api.CompanyView): void => {
    const tr = tbody.querySelector<HTMLTableRowElement>(`tr[data-id="${CSS.escape(view.id)}"]`);
    rows = rows.map((r) => (r.id === view.id ? view : r));
    byId.set(view.id, view);
    if (tr !== null) tr.outerHTML = rowHtml(view, new Date());
  };

  const openRowMenu = (button: HTMLElement): void => {
    const id = button.dataset['id'];
    const entry = id === undefined ? undefined : byId.get(id);
    if (id === undefined || entry === undefined) return;
    const names = new Map([[entry.id, entry.name]]);
    const refocus = (): void => {
      tbody.querySelector<HTMLButtonElement>(`tr[data-id="${CSS.escape(id)}"] [data-action="row-menu"]`)?.focus();
    };
    openMenu(button, [{ label: 'Snooze this company…', action: 'company', testid: 'menu-snooze-company' }], (_action, opener) => {
      openSnoozeDialog(opener, {
        scope: 'company',
        scopes: ['company', 'computer', 'plan'],
        values: { company: entry.id },
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
    const sameCell = open !== null && open.id === entry.id && open.col === col;
    closeEditor();
    if (sameCell) return;
    const editor = editorFor(entry, col, ctx, {
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
    open = { id: entry.id, col, editorRow };
    editor.querySelector<HTMLElement>('input:not([type=radio]):not([type=checkbox]), textarea, input')?.focus();
  });
  tbody.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && open !== null) {
      event.preventDefault();
      closeEditor();
    }
  });
  /** The first page of the search as typed now. */
  const search = async (): Promise<void> => {
    const mine = (generation += 1);
    try {
      const first = await api.listCompaniesPage(query(null, PAGE_SIZE));
      if (!alive || mine !== generation) return;
      load(first);
      message.replaceChildren();
    } catch (error) {
      if (mine === generation) message.replaceChildren(errorNotice(error, 'Could not load the companies.', 'companies-error'));
    }
  };
  filterInput.addEventListener('input', debounce(() => void search(), SEARCH_DELAY_MS));

  /** The rows already loaded, read again (after a sync changed their Last Update Status). */
  const reload = async (): Promise<void> => {
    if (!loaded) return search();
    const mine = (generation += 1);
    const want = Math.max(rows.length, PAGE_SIZE);
    try {
      const first = await api.listCompaniesPage(query(null, Math.min(want, PAGE_LIMIT_MAX)));
      const further: api.CompanyPage[] = [];
      let got = first.rows.length;
      let after = first.next;
      while (after !== null && got < want) {
        const next = await api.listCompaniesPage(query(after, Math.min(want - got, PAGE_LIMIT_MAX)));
        further.push(next);
        got += next.rows.length;
        after = next.next;
      }
      if (!alive || mine !== generation) return;
      load(first, further);
      message.replaceChildren();
    } catch (error) {
      if (mine === generation) message.replaceChildren(errorNotice(error, 'Could not load the companies.', 'companies-error'));
    }
  };

  shown.textContent = 'Loading…';
  moreBar.hidden = true;
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
    await search();
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
