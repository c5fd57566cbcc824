// The ticket template part of the Defaults screen: board, new and closed
// status, priority per event type, type/subtype/item — all chosen from lists
// loaded from ConnectWise, never typed — and the summary template with a
// live example.
import * as api from '../api';
import { button, debounce, el, latestOnly } from '../dom';
import { busy, card, errorNotice, field, select, showError } from '../ui';
import type { SettingsModel } from './settings-io';

const EXAMPLE_DELAY_MS = 150;
/** ConnectWise cuts summaries longer than this. */
const SUMMARY_MAX_CHARS = 100;
const PLACEHOLDERS = ['eventType', 'computer', 'plan', 'backupType', 'company'] as const;
/** Keys that belong to one board and are cleared when the board changes. */
const BOARD_KEYS = ['ticket.status_new', 'ticket.status_closed', 'ticket.type', 'ticket.subtype', 'ticket.item'];

type Option = [string, string];

/** Options for a pick-list: a first "unset" choice, the names, and the saved value if ConnectWise no longer has it. */
function options(unset: string, names: string[], saved: string): Option[] {
  const list: Option[] = [['', unset], ...names.map((n): Option => [n, n])];
  if (saved !== '' && !names.includes(saved)) list.push([saved, `${saved} (not found in ConnectWise)`]);
  return list;
}

/** A pick-list bound to one setting key; saves on change. */
function pick(settings: SettingsModel, key: string, label: string, help: string, opts: Option[], testid: string): HTMLElement {
  const s = select(opts, settings.get(key), { testid });
  const f = field(label, s, help);
  s.addEventListener('change', () => void settings.save(key, s.value, f));
  return f.row;
}

function boardFields(settings: SettingsModel, o: api.BoardOptions, priorities: api.Priority[]): HTMLElement[] {
  const open = o.statuses.filter((s) => !s.closedStatus);
  const closed = o.statuses.filter((s) => s.closedStatus);
  const boardDefault = open.find((s) => s.defaultFlag)?.name ?? open[0]?.name ?? 'none';
  const firstClosed = closed[0]?.name ?? 'none';
  const sortedPriorities = [...priorities].sort((a, b) => a.sortOrder - b.sortOrder || a.id - b.id);
  const cwDefault = sortedPriorities.find((p) => p.defaultFlag)?.name ?? 'none';
  const priorityNames = sortedPriorities.map((p) => p.name);
  const names = (list: api.NamedRef[]): string[] => list.map((r) => r.name);
  return [
    el('div', { class: 'grid-2' }, [
      pick(settings, 'ticket.status_new', 'Status of new tickets', 'Also used when a ticket is reopened.',
        options(`Board default (${boardDefault})`, names(open), settings.get('ticket.status_new')), 'ticket-status-new'),
      pick(settings, 'ticket.status_closed', 'Status when the backup succeeds', 'Must be a closed status of this board.',
        options(`First closed status (${firstClosed})`, names(closed), settings.get('ticket.status_closed')), 'ticket-status-closed'),
    ]),
    el('div', { class: 'grid-3' }, (['Error', 'Warning', 'BackupAnomaly'] as const).map((t) =>
      pick(settings, `ticket.priority.${t}`, `Priority for ${t}`, '',
        options(`Default (${cwDefault})`, priorityNames, settings.get(`ticket.priority.${t}`)), `ticket-priority-${t}`),
    )),
    el('p', { class: 'help grid-note', text: 'Default means the priority ConnectWise gives new tickets. A ticket follows its alert: when a Warning becomes an Error, its priority changes too.' }),
    el('div', { class: 'grid-3' }, [
      pick(settings, 'ticket.type', 'Type', '', options('None', names(o.types), settings.get('ticket.type')), 'ticket-type'),
      pick(settings, 'ticket.subtype', 'Subtype', '', options('None', names(o.subtypes), settings.get('ticket.subtype')), 'ticket-subtype'),
      pick(settings, 'ticket.item', 'Item', '', options('None', names(o.items), settings.get('ticket.item')), 'ticket-item'),
    ]),
  ];
}

function summaryField(settings: SettingsModel): HTMLElement {
  const key = 'ticket.summary_template';
  const input = el('input', { type: 'text', class: 'input mono', testid: 'summary-template', spellcheck: 'false' });
  input.value = settings.get(key);
  const f = field('Ticket summary', input, 'Placeholders are filled in per alert. Click one to insert it where the cursor is.', 'summary-template');
  const example = el('p', { class: 'example', testid: 'summary-example', 'aria-live': 'polite' });
  const saveButton = el('button', { type: 'button', class: 'btn btn-primary', testid: 'summary-save', text: 'Save summary' });
  const chips = el('div', { class: 'chips' }, PLACEHOLDERS.map((p) =>
    button(`{${p}}`, () => {
      const at = input.selectionStart ?? input.value.length;
      const end = input.selectionEnd ?? at;
      input.setRangeText(`{${p}}`, at, end, 'end');
      input.focus();
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, { class: 'chip mono' }),
  ));
  let valid = true;
  const latest = latestOnly();
  const drawSave = (): void => {
    saveButton.disabled = !valid || input.value === settings.get(key);
  };
  const refresh = async (): Promise<void> => {
    try {
      const r = await latest(api.summaryExample(input.value));
      if (!r.latest) return;
      valid = true;
      showError(f.error, null);
      const long = Array.from(r.value).length > SUMMARY_MAX_CHARS;
      example.replaceChildren(
        el('span', { class: 'muted', text: 'Example: ' }),
        el('span', { class: 'mono', text: r.value }),
        ...(long ? [el('span', { class: 'warn-text', text: ` — ConnectWise keeps the first ${SUMMARY_MAX_CHARS} characters.` })] : []),
      );
    } catch (error) {
      valid = false;
      example.replaceChildren();
      showError(f.error, error);
    }
    drawSave();
  };
  const later = debounce(() => void refresh(), EXAMPLE_DELAY_MS);
  input.addEventListener('input', () => {
    drawSave();
    later();
  });
  saveButton.addEventListener('click', () => {
    void busy(saveButton, 'Saving…', () => settings.save(key, input.value, f)).then(drawSave);
  });
  input.after(chips, example);
  f.row.append(el('div', { class: 'actions' }, [saveButton]));
  void refresh();
  return f.row;
}

/** The "Ticket template" card. */
export function ticketSection(settings: SettingsModel): HTMLElement {
  const boardArea = el('div', { class: 'stack', testid: 'ticket-board-area' });
  const dependent = el('div', { class: 'stack', 'aria-live': 'polite' });

  const loadDependent = async (board: string): Promise<void> => {
    if (board === '') {
      dependent.replaceChildren(el('p', { class: 'muted', text: 'Choose a board to pick statuses, priorities and types.' }));
      return;
    }
    dependent.replaceChildren(el('p', { class: 'muted', text: `Loading the statuses and types of ${board}…` }));
    try {
      const [o, priorities] = await Promise.all([api.boardOptions(board), api.listPriorities()]);
      dependent.replaceChildren(...boardFields(settings, o, priorities));
    } catch (error) {
      dependent.replaceChildren(errorNotice(error, `Could not load the lists of ${board} from ConnectWise.`, 'ticket-lists-error'));
    }
  };

  const loadBoards = async (): Promise<void> => {
    boardArea.replaceChildren(el('p', { class: 'muted', text: 'Loading boards from ConnectWise…' }));
    let boards: api.NamedRef[];
    try {
      boards = await api.listBoards();
    } catch (error) {
      const retry = button('Try again', () => void loadBoards(), { testid: 'ticket-boards-retry' });
      const saved = settings.get('ticket.board');
      boardArea.replaceChildren(
        errorNotice(error, 'Could not load the boards from ConnectWise.', 'ticket-boards-error'),
        el('p', { class: 'muted', text: saved === '' ? 'No board chosen yet.' : `Saved board: ${saved}.` }),
        el('div', { class: 'actions' }, [retry]),
      );
      dependent.replaceChildren();
      return;
    }
    const current = settings.get('ticket.board');
    const s = select(options('Choose a board…', boards.map((b) => b.name), current), current, { testid: 'ticket-board' });
    const f = field('Service board', s, 'The board new tickets are created on. Statuses, types and items below belong to it.');
    s.addEventListener('change', () => {
      void (async () => {
        if (!(await settings.save('ticket.board', s.value, f))) return;
        // Statuses and types are per board: the old board's choices do not apply.
        for (const k of BOARD_KEYS) {
          if (settings.get(k) !== '' && !settings.isDefault(k)) await settings.save(k, '', f);
        }
        await loadDependent(s.value);
      })();
    });
    boardArea.replaceChildren(f.row);
    await loadDependent(current);
  };

  void loadBoards();
  return card('Ticket template', 'How new tickets look. The lists come from your ConnectWise.', [
    boardArea,
    dependent,
    summaryField(settings),
  ], 'defaults-ticket');
}
