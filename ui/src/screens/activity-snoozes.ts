// The Activity screen's "Snoozed" card: the snoozes holding tickets back
// now, each with what it covers, its end, its reason and "End now". Shown
// only while there is one. Also the row menu of a ticket, whose items open
// the snooze dialog for the ticket's computer, plan or company.
import * as api from '../api';
import { el } from '../dom';
import { errorSentence, toAppError } from '../errors';
import { openMenu, type MenuItem } from '../menu';
import { snoozeValueText, snoozeWhat } from '../snooze';
import { openSnoozeDialog } from '../snooze-dialog';
import { busy, card, errorNotice, toast } from '../ui';
import { snoozeRowHtml } from './activity-rows';

/** The card and what draws it. */
export interface SnoozedCard {
  card: HTMLElement;
  /** Shows the active snoozes of `list` (the card hides when there are none). */
  draw(list: api.SnoozeList, names: ReadonlyMap<string, string>): void;
  /** Shows why the snoozes could not be read. */
  failed(error: unknown): void;
}

/**
 * The "Snoozed" card. `changed` reloads the list after "End now";
 * `fallback` takes the focus when the last snooze's button is gone.
 */
export function snoozedCard(changed: () => Promise<void>, fallback: () => void): SnoozedCard {
  const body = el('tbody', { testid: 'snoozes-body' });
  const message = el('div');
  const table = el('table', { class: 'table snoozes', testid: 'snoozes-table' }, [
    el('thead', {}, [el('tr', {}, ['Snoozed', 'Until', 'Reason', 'Action'].map((h) => el('th', { scope: 'col', text: h })))]),
    body,
  ]);
  const section = card(
    'Snoozed',
    'No new tickets and no notes for these until their snooze ends; then the normal rules apply again. A job that completes still closes its ticket.',
    [message, el('div', { class: 'table-wrap' }, [table])],
    'snoozed-card',
  );
  section.hidden = true;
  let active: api.Snooze[] = [];
  let names: ReadonlyMap<string, string> = new Map();

  body.addEventListener('click', (event) => {
    const target = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action="snooze-end"]');
    if (target === null) return;
    const id = Number(target.dataset['id']);
    const index = active.findIndex((s) => s.id === id);
    void busy(target, 'Ending…', async () => {
      try {
        const ended = await api.removeSnooze(id);
        const what = snoozeWhat(ended, names);
        toast('Snooze ended', `${what.charAt(0).toUpperCase()}${what.slice(1)} is no longer snoozed; its end notes follow on the next sync.`, false);
      } catch (error) {
        toast('Could not end the snooze', errorSentence(toAppError(error)), true);
      }
      await changed();
      const buttons = body.querySelectorAll<HTMLButtonElement>('[data-action="snooze-end"]');
      const next = buttons[Math.min(Math.max(index, 0), buttons.length - 1)];
      if (next !== undefined && !section.hidden) next.focus();
      else fallback();
    });
  });

  return {
    card: section,
    draw(list, known) {
      active = list.active;
      names = known;
      message.replaceChildren();
      const now = new Date(list.now);
      body.innerHTML = active.map((s) => snoozeRowHtml(s, snoozeValueText(s, names), now)).join('');
      section.hidden = active.length === 0;
    },
    failed(error) {
      message.replaceChildren(errorNotice(error, 'Could not read the snoozes.', 'snoozes-error'));
      section.hidden = false;
    },
  };
}

/** The menu items of a ticket row. */
export const TICKET_MENU: MenuItem[] = [
  { label: 'Snooze this computer…', action: 'computer', testid: 'menu-snooze-computer' },
  { label: 'Snooze this plan…', action: 'plan', testid: 'menu-snooze-plan' },
  { label: 'Snooze this company…', action: 'company', testid: 'menu-snooze-company' },
];

/** Opens ticket `t`'s row menu under `button`; its items open the snooze dialog. */
export function ticketMenu(
  button: HTMLElement,
  t: api.TicketRow,
  names: ReadonlyMap<string, string>,
  refocus: () => void,
  saved: () => void,
): void {
  openMenu(button, TICKET_MENU, (action, opener) => {
    const scope = action as api.SnoozeScope;
    openSnoozeDialog(opener, {
      scope,
      scopes: ['computer', 'plan', 'company'],
      values: { computer: t.computer ?? '', plan: t.plan ?? '', company: t.company_id },
      names,
      refocus,
      saved,
    });
  });
}
