// A row's "More actions" menu: a `role="menu"` list under its "⋯" button,
// one at a time. Keyboard: Enter, Space or ↓ on the button opens it with the
// first item focused; ↑/↓, Home and End move; Enter or Space chooses; Escape
// closes it and focus goes back to the button; Tab closes it and moves on.
// A click outside closes it; it follows its button when the page scrolls.
import { el, uid } from './dom';

/** One choice of a menu. */
export interface MenuItem {
  label: string;
  /** Handed to `choose`. */
  action: string;
  testid?: string;
}

let current: { menu: HTMLElement; opener: HTMLElement; cleanup: () => void } | null = null;

/** Closes the open menu, if any; `refocus` puts focus back on its button. */
export function closeMenu(refocus = false): void {
  if (current === null) return;
  const { menu, opener, cleanup } = current;
  current = null;
  cleanup();
  menu.remove();
  opener.setAttribute('aria-expanded', 'false');
  opener.removeAttribute('aria-controls');
  if (refocus && opener.isConnected) opener.focus();
}

/**
 * After `container` was drawn again: the open menu follows its button's
 * successor (the button with the same `data-action` and `data-id`), or
 * closes when its row is gone.
 */
export function reanchorMenu(container: HTMLElement): void {
  if (current === null || current.opener.isConnected) return;
  const { action, id } = current.opener.dataset;
  const next =
    action === undefined || id === undefined
      ? null
      : container.querySelector<HTMLElement>(`[data-action="${CSS.escape(action)}"][data-id="${CSS.escape(id)}"]`);
  if (next === null) {
    closeMenu();
    return;
  }
  next.setAttribute('aria-expanded', 'true');
  next.setAttribute('aria-controls', current.menu.id);
  current.opener = next;
}

/** The index `key` moves focus to among `count` items from `at`, or null for another key. */
export function nextIndex(key: string, at: number, count: number): number | null {
  switch (key) {
    case 'ArrowDown':
      return (at + 1) % count;
    case 'ArrowUp':
      return (at - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/**
 * Opens a menu of `items` under `opener` (or above it when there is no room
 * below); `choose` gets the chosen item's action and the menu's button
 * (the one on the page now) after the menu closed.
 * Opening the menu of the same button again closes it.
 */
export function openMenu(opener: HTMLElement, items: MenuItem[], choose: (action: string, opener: HTMLElement) => void): void {
  const again = current?.opener === opener;
  closeMenu();
  if (again || items.length === 0) return;
  const id = uid('menu');
  const buttons = items.map((item) =>
    el('button', { type: 'button', class: 'menu-item', role: 'menuitem', tabindex: '-1', 'data-action': item.action, testid: item.testid, text: item.label }),
  );
  const menu = el('div', { class: 'menu', role: 'menu', id, 'aria-label': opener.getAttribute('aria-label') ?? 'Actions', testid: 'row-menu-list' }, buttons);
  document.body.append(menu);
  place(menu, opener);
  opener.setAttribute('aria-expanded', 'true');
  opener.setAttribute('aria-controls', id);

  const onKey = (event: KeyboardEvent): void => {
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = nextIndex(event.key, at, buttons.length);
    if (next !== null) {
      event.preventDefault();
      buttons[next]?.focus();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      closeMenu(true);
    } else if (event.key === 'Tab') {
      // Focus goes back to the button first, so Tab moves on from there.
      closeMenu(true);
    }
  };
  const onClick = (event: MouseEvent): void => {
    const target = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]');
    if (target === null) return;
    const action = target.dataset['action'] ?? '';
    const from = current?.opener ?? opener;
    closeMenu();
    choose(action, from);
  };
  const onOutside = (event: PointerEvent): void => {
    const target = event.target as Node;
    if (!menu.contains(target) && current?.opener.contains(target) !== true) closeMenu();
  };
  // The menu follows its button when the page scrolls or the window changes size.
  const onMove = (): void => {
    if (current !== null) place(menu, current.opener);
  };
  menu.addEventListener('keydown', onKey);
  menu.addEventListener('click', onClick);
  document.addEventListener('pointerdown', onOutside, true);
  window.addEventListener('scroll', onMove, true);
  window.addEventListener('resize', onMove);
  current = {
    menu,
    opener,
    cleanup: () => {
      document.removeEventListener('pointerdown', onOutside, true);
      window.removeEventListener('scroll', onMove, true);
      window.removeEventListener('resize', onMove);
    },
  };
  buttons[0]?.focus();
}

/** Puts `menu` under `opener`, right edges aligned, kept inside the window. */
function place(menu: HTMLElement, opener: HTMLElement): void {
  const r = opener.getBoundingClientRect();
  const width = menu.offsetWidth;
  const height = menu.offsetHeight;
  const gap = 4;
  const left = Math.min(Math.max(8, r.right - width), window.innerWidth - width - 8);
  const below = r.bottom + gap + height <= window.innerHeight - 8;
  const top = below ? r.bottom + gap : Math.max(8, r.top - gap - height);
  menu.style.left = `${Math.max(8, left)}px`;
  menu.style.top = `${top}px`;
}

/**
 * Keys on a menu button: ↓ (and ↑) open its menu like a click does. Call
 * from the keydown listener of the list that holds the buttons.
 */
export function menuButtonKey(event: KeyboardEvent, open: (button: HTMLElement) => void): void {
  const button = (event.target as HTMLElement).closest<HTMLElement>('[aria-haspopup="menu"]');
  if (button === null || (event.key !== 'ArrowDown' && event.key !== 'ArrowUp')) return;
  event.preventDefault();
  if (button.getAttribute('aria-expanded') !== 'true') open(button);
}
