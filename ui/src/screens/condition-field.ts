// An agreement-condition box with live validation: as the user types, the
// core's parser checks the text and the exact spot of a mistake is shown
// under it (the text with the character marked and a caret). Used by the
// Defaults screen and by the Companies screen's override editor.
import * as api from '../api';
import { conditionMessage, markCondition } from '../condition';
import { debounce, el, latestOnly, uid } from '../dom';
import { showError } from '../ui';

const VALIDATE_DELAY_MS = 120;

/** A condition editor. */
export interface ConditionEditor {
  /** The label, textarea, help and error display. */
  root: HTMLElement;
  input: HTMLTextAreaElement;
  /** The current text. */
  value(): string;
  /** Validates now; true when the text is empty or valid. */
  check(): Promise<boolean>;
}

/** Renders `error` for `text` into `target` (empty error clears it). */
export function renderConditionError(target: HTMLElement, text: string, error: api.ConditionProblem | null): void {
  if (error === null) {
    target.replaceChildren();
    target.hidden = true;
    return;
  }
  const mark = markCondition(text, error);
  target.hidden = false;
  target.replaceChildren(
    el('p', { class: 'cond-message' }, [
      el('span', { class: 'cond-where', testid: 'cond-where', text: `${mark.where}: ` }),
      conditionMessage(error),
    ]),
    el('pre', { class: 'cond-mark', 'aria-hidden': 'true' }, [
      el('span', { text: mark.before }),
      el('mark', { testid: 'cond-mark', text: mark.at }),
      el('span', { text: mark.after }),
      '\n',
      el('span', { class: 'cond-caret', testid: 'cond-caret', text: mark.caret }),
    ]),
  );
}

/**
 * Builds a condition editor. `onState` hears whether the current text is
 * valid (after each validation), so callers can enable their Save button.
 */
export function conditionEditor(opts: {
  label: string;
  value: string;
  help: string;
  testid: string;
  onState?: (valid: boolean) => void;
}): ConditionEditor {
  const input = el('textarea', {
    class: 'input mono',
    rows: 2,
    spellcheck: 'false',
    autocomplete: 'off',
    testid: opts.testid,
    id: uid('cond'),
    placeholder: 'e.g. name like "%ICB" and agreementStatus = "Active"',
  });
  input.value = opts.value;
  const errorId = uid('cond-err');
  const helpId = uid('cond-help');
  input.setAttribute('aria-describedby', `${helpId} ${errorId}`);
  const errorBox = el('div', { class: 'cond-error', id: errorId, role: 'alert', testid: `${opts.testid}-error` });
  errorBox.hidden = true;
  const okLine = el('p', { class: 'cond-ok', testid: `${opts.testid}-ok`, 'aria-live': 'polite' });
  const latest = latestOnly();

  const check = async (): Promise<boolean> => {
    const text = input.value;
    if (text.trim() === '') {
      renderConditionError(errorBox, text, null);
      input.removeAttribute('aria-invalid');
      okLine.textContent = 'Empty: tickets get no agreement.';
      opts.onState?.(true);
      return true;
    }
    try {
      const { latest: isLatest, value: error } = await latest(api.validateCondition(text));
      if (!isLatest) return error === null;
      renderConditionError(errorBox, text, error);
      if (error === null) input.removeAttribute('aria-invalid');
      else input.setAttribute('aria-invalid', 'true');
      okLine.textContent = error === null ? '✓ Valid condition' : '';
      opts.onState?.(error === null);
      return error === null;
    } catch (error) {
      errorBox.hidden = false;
      showError(errorBox, error);
      okLine.textContent = '';
      opts.onState?.(false);
      return false;
    }
  };
  const later = debounce(() => void check(), VALIDATE_DELAY_MS);
  input.addEventListener('input', () => {
    okLine.textContent = '';
    later();
  });

  const root = el('div', { class: 'field' }, [
    el('div', { class: 'field-label' }, [el('label', { for: input.id, text: opts.label })]),
    input,
    okLine,
    errorBox,
    el('p', { class: 'help', id: helpId, text: opts.help }),
  ]);
  void check();
  return { root, input, value: () => input.value, check };
}

/** Help for agreement conditions, shared by both screens. */
export const CONDITION_HELP =
  'A ConnectWise condition on the company’s agreements, e.g. name like "%ICB" or ' +
  'type/name = "Business Continuity". When several agreements match, the ticket gets the ' +
  'oldest (lowest id). Leave empty for no agreement.';
