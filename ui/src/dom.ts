// Small DOM helpers shared by the screens. Text always goes in through
// textContent or `esc`, never raw into innerHTML.

type Attrs = Record<string, string | number | boolean | undefined>;

/** Escapes text for use inside HTML text or a double-quoted attribute. */
export function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Creates an element. `attrs` keys: `class`, `text`, `html` (trusted markup
 * only), `testid` (`data-testid`), boolean attributes (true = present), any
 * other attribute by name.
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  children: Array<Node | string | null | undefined> = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === 'text') node.textContent = String(value);
    else if (name === 'html') node.innerHTML = String(value);
    else if (name === 'class') node.className = String(value);
    else if (name === 'testid') node.dataset['testid'] = String(value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

/** A `<button type="button">`. */
export function button(
  label: string,
  onClick: (event: MouseEvent) => void,
  attrs: Attrs = {},
): HTMLButtonElement {
  const b = el('button', { type: 'button', class: 'btn', ...attrs, text: label });
  b.addEventListener('click', onClick);
  return b;
}

let idCounter = 0;

/** A fresh element id for label/input pairs. */
export function uid(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/** The element with `id`, or an error naming the missing id. */
export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** Runs `fn` once `ms` after the last call. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/**
 * Serialises async work so that only the latest request's answer is used:
 * `run(promise)` resolves to `{ latest: false }` when a newer call overtook it.
 */
export function latestOnly(): <T>(p: Promise<T>) => Promise<{ latest: boolean; value: T }> {
  let seq = 0;
  return async <T>(p: Promise<T>) => {
    seq += 1;
    const mine = seq;
    const value = await p;
    return { latest: mine === seq, value };
  };
}
