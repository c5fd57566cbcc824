// Activity screen: what waits for a person first (removals the removal
// guard held back, with Confirm removals; stuck ConnectWise calls, each with
// Forget), the active snoozes (activity-snoozes.ts), then the events
// BackupBridge tracks and their tickets, a page at a time from the backend
// (activity-tickets.ts; numbers open the ticket in ConnectWise; each row's
// "⋯" menu snoozes its computer, plan or company), the recent sync runs with
// what they did, and "Preview next sync" (a dry run). Refreshed whenever a
// sync finishes. Opened from the storm notification, the tickets are
// filtered to those created since the storm began (activity-since.ts),
// until the chip is removed.
import * as api from '../api';
import { button, el } from '../dom';
import { errorSentence, toAppError } from '../errors';
import { plural } from '../format';
import { cycleFinished } from '../state';
import { closeMenu, menuButtonKey } from '../menu';
import { busy, card, errorNotice, toast } from '../ui';
import {
  guardActionsHtml,
  guardBannerHtml,
  planHtml,
  removedPolicy,
  runRowHtml,
  stuckConfirmRowHtml,
  stuckRowHtml,
  type GuardStep,
  type RemovedPolicy,
} from './activity-rows';
import { takeRequestedFilter } from './activity-since';
import { snoozedCard, ticketMenu } from './activity-snoozes';
import { ticketList } from './activity-tickets';
import type { MountFn } from './screen';

function table(testid: string, headers: string[], cls: string): { table: HTMLTableElement; body: HTMLTableSectionElement } {
  const body = el('tbody', { testid: `${testid}-body` });
  const t = el('table', { class: `table ${cls}`, testid }, [
    el('thead', {}, [el('tr', {}, headers.map((h) => el('th', { scope: 'col', text: h })))]),
    body,
  ]);
  return { table: t, body };
}

/** What identifies a control across a redraw: its action and the row it acts on. */
function focusKey(container: HTMLElement): string | null {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || !container.contains(active)) return null;
  const action = active.dataset['action'];
  return action === undefined ? null : `[data-action="${action}"]${active.dataset['id'] === undefined ? '' : `[data-id="${active.dataset['id']}"]`}`;
}

/** Moves focus to `selector` in `container`; true when it found it. */
function focusIn(container: HTMLElement, selector: string | null): boolean {
  if (selector === null) return false;
  const target = container.querySelector<HTMLElement>(selector);
  target?.focus();
  return target !== null;
}

/** Sets `container`'s markup unless it is already `html`, keeping the focused control focused. */
function redraw(container: HTMLElement, html: string, last: { html: string }): void {
  if (last.html === html) return;
  const key = focusKey(container);
  container.innerHTML = html;
  last.html = html;
  focusIn(container, key);
}

/**
 * Marks the moment the ticket rows reach the screen (the frame after the
 * DOM change): `performance.mark('bb:activity-rows')`, read by the bench's
 * window scenario for launch-to-rows and filter times.
 */
function markPainted(): void {
  requestAnimationFrame(() => setTimeout(() => performance.mark('bb:activity-rows'), 0));
}

export const mountActivity: MountFn = (root) => {
  let alive = true;
  /** Company names by id: the snoozes' and the loaded rows'. */
  let snoozeNames = new Map<string, string>();
  let attention: api.Attention = { stuck: [], guarded_removals: null };
  let policy: RemovedPolicy | null = null;
  let guardStep: GuardStep = 'ask';
  /** Removals were confirmed here; the next finished cycle shows whether they were applied. */
  let confirmedBeforeCycle = false;
  /** The stuck call whose "Forget?" step is open. */
  let asking: number | null = null;
  const content = root.closest<HTMLElement>('#content') ?? root;

  const planBox = el('div', { class: 'plan', testid: 'preview-result', 'aria-live': 'polite' });
  planBox.hidden = true;
  const preview = button('Preview next sync', () => {
    void busy(preview, 'Planning…', async () => {
      planBox.hidden = false;
      try {
        const report = await api.previewSync();
        const close = button('Close preview', () => {
          planBox.hidden = true;
          preview.focus();
        }, { class: 'btn btn-link', testid: 'preview-close' });
        planBox.innerHTML = `<h3>Preview: nothing has been sent</h3>${planHtml(report)}`;
        planBox.append(close);
      } catch (error) {
        planBox.replaceChildren(errorNotice(error, 'The preview could not run.', 'preview-error'));
      }
    });
  }, { testid: 'preview-sync' });

  const list = ticketList(takeRequestedFilter(), markPainted);
  const names = (): Map<string, string> => new Map([...snoozeNames, ...list.names()]);
  const rt = table('runs-table', ['Started', 'Outcome', 'What it did', 'Problems'], 'runs');
  const runsEmpty = el('p', { class: 'empty', testid: 'runs-empty', text: 'No sync has run yet.' });
  const runsMessage = el('div');

  const guardSlot = el('div', { testid: 'guard-slot' });
  const lastBanner = { html: '' };
  const lastActions = { html: '' };
  const attentionMessage = el('div');
  const st = table('stuck-table', ['Id', 'Call', 'Problem', 'Waiting since', 'Action'], 'stuck');
  const lastStuck = { html: '' };
  const stuckCard = card(
    'Calls waiting for you',
    'BackupBridge could not tell whether these ConnectWise calls went through. It tries each again every sync; until one settles, ' +
      'its event gets nothing new, so nothing lands twice. The other events keep syncing. Forget a call to plan its event afresh.',
    [el('div', { class: 'table-wrap' }, [st.table])],
    'stuck-card',
  );
  stuckCard.hidden = true;
  const snoozed = snoozedCard(() => loadSnoozes(), () => content.focus());

  root.append(
    guardSlot,
    attentionMessage,
    stuckCard,
    snoozed.card,
    el('div', { class: 'toolbar' }, [
      el('div', { class: 'toolbar-main' }, [
        el('label', { class: 'inline-label', for: 'tickets-filter', text: 'Show' }),
        ...list.controls,
      ]),
      el('div', { class: 'toolbar-side' }, [preview]),
    ]),
    planBox,
    card('Events and tickets', 'Every backup alert BackupBridge has turned into a ticket, newest change first.', list.content, 'tickets-card'),
    card('Recent syncs', '', [runsMessage, el('div', { class: 'table-wrap' }, [rt.table]), runsEmpty], 'runs-card'),
  );

  const drawGuard = (): void => {
    const g = attention.guarded_removals;
    if (g === null) {
      const hadFocus = focusKey(guardSlot) !== null;
      guardStep = 'ask';
      redraw(guardSlot, '', lastBanner);
      lastActions.html = '';
      if (hadFocus) content.focus();
      return;
    }
    const banner = guardSlot.querySelector<HTMLElement>('[data-testid="guard-banner"]');
    const actions = banner === null ? null : banner.querySelector<HTMLElement>('.guard-actions');
    const same = banner !== null && banner.dataset['count'] === String(g.count) && banner.dataset['tracked'] === String(g.tracked);
    if (same && actions !== null) {
      // Same numbers: only the buttons change, so the alert is not announced again.
      redraw(actions, guardActionsHtml(g, policy, guardStep), lastActions);
    } else {
      redraw(guardSlot, guardBannerHtml(g, policy, guardStep), lastBanner);
      lastActions.html = guardActionsHtml(g, policy, guardStep);
    }
  };

  const drawStuck = (): void => {
    const list = attention.stuck;
    if (asking !== null && !list.some((s) => s.id === asking)) asking = null;
    const now = new Date();
    const html = list
      .map((s) => stuckRowHtml(s, s.context, now, s.id === asking) + (s.id === asking ? stuckConfirmRowHtml(s) : ''))
      .join('');
    const hadFocus = focusKey(st.body) !== null;
    redraw(st.body, html, lastStuck);
    stuckCard.hidden = list.length === 0;
    if (hadFocus && list.length === 0) content.focus();
  };

  const loadSnoozes = async (): Promise<void> => {
    try {
      const snoozes = await api.listSnoozes();
      if (!alive) return;
      snoozeNames = new Map(Object.entries(snoozes.names));
      snoozed.draw(snoozes, names());
    } catch (error) {
      if (alive) snoozed.failed(error);
    }
  };

  const load = async (afterCycle = false): Promise<void> => {
    const ticketsLoaded = afterCycle ? list.refresh() : list.reload();
    const snoozesLoaded = loadSnoozes();
    const [r, a, s] = await Promise.allSettled([api.recentRuns(), api.needsAttention(), api.getSettings()]);
    if (!alive) return;
    if (s.status === 'fulfilled') policy = removedPolicy(s.value.find((e) => e.key === 'ticket.removed_policy')?.value);
    if (afterCycle && confirmedBeforeCycle) {
      // A cycle ran since the confirmation; what the backend reports now is the truth.
      confirmedBeforeCycle = false;
      guardStep = 'ask';
    }
    if (a.status === 'fulfilled') {
      attention = a.value;
      attentionMessage.replaceChildren();
      drawGuard();
      drawStuck();
    } else {
      attentionMessage.replaceChildren(
        errorNotice(a.reason, 'Could not check for removals and calls waiting for you.', 'attention-error'),
      );
    }
    if (r.status === 'fulfilled') {
      const now = new Date();
      rt.body.innerHTML = r.value.map((run) => runRowHtml(run, now)).join('');
      rt.table.hidden = r.value.length === 0;
      runsEmpty.hidden = r.value.length > 0;
      runsMessage.replaceChildren();
    } else {
      runsMessage.replaceChildren(errorNotice(r.reason, 'Could not load the sync runs.', 'runs-error'));
    }
    await Promise.all([snoozesLoaded, ticketsLoaded]);
  };

  guardSlot.addEventListener('click', (event) => {
    const target = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]');
    const g = attention.guarded_removals;
    if (target === null || g === null) return;
    switch (target.dataset['action']) {
      case 'guard-ask':
        guardStep = 'confirm';
        drawGuard();
        // The safe choice has the focus; the group's label reads the question.
        focusIn(guardSlot, '[data-action="guard-cancel"]');
        return;
      case 'guard-cancel':
        guardStep = 'ask';
        drawGuard();
        focusIn(guardSlot, '[data-action="guard-ask"]');
        return;
      case 'guard-confirm':
        void busy(target, 'Confirming…', async () => {
          try {
            await api.confirmRemovals();
            if (!alive) return;
            confirmedBeforeCycle = true;
            guardStep = 'applying';
            toast('Removals confirmed', `A sync has started and applies the removals of ${plural(g.count, 'event')}.`, false);
          } catch (error) {
            if (!alive) return;
            guardStep = 'ask';
            toast('Could not confirm the removals', errorSentence(toAppError(error)), true);
          }
          drawGuard();
          focusIn(guardSlot, guardStep === 'applying' ? '[data-action="guard-applying"]' : '[data-action="guard-ask"]');
        });
        return;
    }
  });
  guardSlot.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && guardStep === 'confirm') {
      guardStep = 'ask';
      drawGuard();
      focusIn(guardSlot, '[data-action="guard-ask"]');
    }
  });

  const cancelForget = (): void => {
    const id = asking;
    asking = null;
    drawStuck();
    focusIn(st.body, `[data-action="forget-ask"][data-id="${id}"]`);
  };
  st.body.addEventListener('click', (event) => {
    const target = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]');
    if (target === null) return;
    const id = Number(target.dataset['id']);
    switch (target.dataset['action']) {
      case 'forget-ask':
        asking = asking === id ? null : id;
        drawStuck();
        focusIn(st.body, asking === null ? `[data-action="forget-ask"][data-id="${id}"]` : '[data-action="forget-cancel"]');
        return;
      case 'forget-cancel':
        cancelForget();
        return;
      case 'forget-confirm': {
        const index = attention.stuck.findIndex((s) => s.id === id);
        void busy(target, 'Forgetting…', async () => {
          try {
            const gone = await api.forgetIntent(id);
            toast(`Call ${gone.id} forgotten`, `Event ${gone.event_id} is planned afresh on the next sync.`, false);
          } catch (error) {
            toast(`Could not forget call ${id}`, errorSentence(toAppError(error)), true);
          }
          if (!alive) return;
          asking = null;
          await load();
          // Focus goes to the next call's Forget (or the previous one's), else to the screen.
          const buttons = st.body.querySelectorAll<HTMLButtonElement>('[data-action="forget-ask"]');
          const next = buttons[Math.min(Math.max(index, 0), buttons.length - 1)];
          if (next !== undefined) next.focus();
          else content.focus();
        });
        return;
      }
    }
  });
  st.body.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && asking !== null) cancelForget();
  });
  const openRowMenu = (button: HTMLElement): void => {
    const id = button.dataset['id'];
    const t = id === undefined ? undefined : list.row(id);
    if (id === undefined || t === undefined) return;
    const refocus = (): void => {
      if (!focusIn(list.body, `[data-action="row-menu"][data-id="${CSS.escape(id)}"]`)) content.focus();
    };
    ticketMenu(button, t, names(), refocus, () => void loadSnoozes());
  };
  list.body.addEventListener('keydown', (event) => menuButtonKey(event, openRowMenu));
  list.body.addEventListener('click', (event) => {
    const menuButton = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action="row-menu"]');
    if (menuButton !== null) {
      openRowMenu(menuButton);
      return;
    }
    const link = (event.target as HTMLElement).closest<HTMLAnchorElement>('a[data-url]');
    if (link === null) return;
    // The window never navigates away: the system browser opens the ticket.
    event.preventDefault();
    const url = link.dataset['url'] ?? '';
    api.openTicket(url).catch((error: unknown) => toast('Could not open the ticket', errorSentence(toAppError(error)), true));
  });

  void load();
  return {
    onShared(now, before) {
      if (cycleFinished(now, before)) void load(true);
    },
    unmount() {
      alive = false;
      closeMenu();
    },
  };
};
