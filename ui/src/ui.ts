// Reusable pieces of the screens: labelled fields with help, notices, inline
// "saved" feedback, status badges, toasts. Every input gets a label and its
// help is linked with aria-describedby.
import { el, uid } from './dom';
import { errorSentence, toAppError } from './errors';

/** A labelled form row: label, control, help line and an error line. */
export interface Field {
  row: HTMLElement;
  /** Where the field's problems are written. */
  error: HTMLElement;
  /** Where "Saved" feedback appears. */
  status: HTMLElement;
}

/**
 * Wraps `control` with its label and help. The control gets an id (when it
 * has none) and `aria-describedby` pointing at help and error. With `testid`
 * the row is `<testid>-field` and the error line `<testid>-error`.
 */
export function field(label: string, control: HTMLElement, help: string, testid?: string): Field {
  if (control.id === '') control.id = uid('f');
  const helpId = uid('help');
  const errorId = uid('err');
  control.setAttribute('aria-describedby', `${helpId} ${errorId}`);
  const error = el('p', { class: 'field-error', id: errorId, role: 'alert', testid: testid === undefined ? undefined : `${testid}-error` });
  const status = el('span', { class: 'field-status', 'aria-live': 'polite' });
  const row = el('div', { class: 'field', testid: testid === undefined ? undefined : `${testid}-field` }, [
    el('div', { class: 'field-label' }, [el('label', { for: control.id, text: label }), status]),
    control,
    help === '' ? null : el('p', { class: 'help', id: helpId, text: help }),
    error,
  ]);
  return { row, error, status };
}

/** A text input. */
export function textInput(value: string, attrs: Record<string, string> = {}): HTMLInputElement {
  const input = el('input', { type: 'text', class: 'input', autocomplete: 'off', spellcheck: 'false', ...attrs });
  input.value = value;
  return input;
}

/** A `<select>` with `[value, label]` options. */
export function select(options: Array<[string, string]>, value: string, attrs: Record<string, string> = {}): HTMLSelectElement {
  const s = el('select', { class: 'input', ...attrs });
  for (const [v, label] of options) {
    const o = el('option', { value: v, text: label });
    s.append(o);
  }
  s.value = value;
  return s;
}

/** Shows `text` in `target` as "Saved" (or any word) for a moment. */
export function flash(target: HTMLElement, text = 'Saved'): void {
  target.textContent = `✓ ${text}`;
  target.classList.add('visible');
  window.setTimeout(() => {
    target.classList.remove('visible');
    target.textContent = '';
  }, 2500);
}

/** Writes an error (any shape) as one sentence into `target`; empty clears it. */
export function showError(target: HTMLElement, error: unknown): void {
  target.textContent = error === null ? '' : errorSentence(toAppError(error));
}

/** A notice box: `tone` picks the colour, the icon word keeps it readable without colour. */
export function notice(
  tone: 'info' | 'ok' | 'warn' | 'error',
  body: Array<Node | string>,
  testid?: string,
): HTMLElement {
  const icon = { info: 'ℹ', ok: '✓', warn: '!', error: '✕' }[tone];
  return el('div', { class: `notice notice-${tone}`, role: tone === 'error' ? 'alert' : 'status', testid }, [
    el('span', { class: 'notice-icon', 'aria-hidden': 'true', text: icon }),
    el('div', { class: 'notice-body' }, body),
  ]);
}

/** An error notice for a failed load, with one sentence. */
export function errorNotice(error: unknown, lead: string, testid?: string): HTMLElement {
  return notice('error', [el('strong', { text: lead }), ' ', errorSentence(toAppError(error))], testid);
}

/** A status badge: coloured dot plus words. */
export function badge(tone: string, label: string, testid?: string): HTMLElement {
  return el('span', { class: `badge badge-${tone}`, testid }, [
    el('span', { class: 'dot', 'aria-hidden': 'true' }),
    label,
  ]);
}

/** A section card with a heading and optional intro. */
export function card(title: string, intro: string, children: Array<Node | null>, testid?: string): HTMLElement {
  const headingId = uid('h');
  return el('section', { class: 'card', 'aria-labelledby': headingId, testid }, [
    el('h2', { id: headingId, text: title }),
    intro === '' ? null : el('p', { class: 'intro', text: intro }),
    ...children,
  ]);
}

/** Disables `button` while `work` runs, showing `busyLabel`; restores it after. */
export async function busy<T>(button: HTMLButtonElement, busyLabel: string, work: () => Promise<T>): Promise<T> {
  const label = button.textContent ?? '';
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  button.textContent = busyLabel;
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = label;
  }
}

/** A short-lived message in the corner (e.g. a notification from the shell). */
export function toast(title: string, body: string, failure: boolean): void {
  let region = document.getElementById('toasts');
  if (region === null) {
    region = el('div', { id: 'toasts', class: 'toasts', 'aria-live': 'polite' });
    document.body.append(region);
  }
  const item = el('div', { class: `toast ${failure ? 'toast-error' : 'toast-ok'}`, testid: 'toast' }, [
    el('strong', { text: title }),
    el('p', { text: body }),
  ]);
  region.append(item);
  window.setTimeout(() => item.remove(), 8000);
}
