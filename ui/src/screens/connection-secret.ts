// A write-only secret field of the Connection screen: "Saved — Replace",
// "Enter it again" when it was saved for another host, "From the
// environment" (Replace off), or a password box. The value is never read
// back from the backend; only what is typed here is sent.
import type * as api from '../api';
import { button, el } from '../dom';
import { field } from '../ui';

/**
 * A write-only secret: "Saved — Replace", "Enter it again" when it was saved
 * for another host, "From the environment" (Replace off), or a password box.
 */
export interface SecretField {
  row: HTMLElement;
  /** The new secret typed, or null to keep the saved one. */
  value(): string | null;
  /** Redraw for `status`, forgetting anything typed. */
  reset(status: api.SecretStatus): void;
  setLabel(label: string, help: string): void;
}

export function secretField(label: string, help: string, testid: string): SecretField {
  const input = el('input', { type: 'password', class: 'input', autocomplete: 'new-password', testid });
  const f = field(label, input, help);
  const labelEl = f.row.querySelector('label');
  const helpEl = f.row.querySelector('.help');
  const stateBox = el('div', { class: 'secret-saved', testid: `${testid}-saved` });
  const stateText = el('span', { class: 'secret-state', testid: `${testid}-state` });
  const envNote = el('p', { class: 'help', testid: `${testid}-env-note` });
  const keep = button('Keep the saved one', () => reset(status), { class: 'btn btn-link', testid: `${testid}-keep` });
  let status: api.SecretStatus = { state: 'missing' };
  let replacing = false;

  const draw = (): void => {
    const showInput = status.state === 'missing' || status.state === 'other_host' || replacing;
    input.hidden = !showInput;
    keep.hidden = !(status.state === 'saved' && replacing);
    stateBox.hidden = status.state === 'missing' || (status.state === 'saved' && replacing);
    replace.hidden = status.state === 'other_host';
    replace.disabled = status.state === 'environment';
    envNote.hidden = status.state !== 'environment';
  };
  const reset = (next: api.SecretStatus): void => {
    status = next;
    replacing = false;
    input.value = '';
    input.placeholder = next.state === 'other_host' ? 'Paste the value for the new host' : '';
    stateText.classList.toggle('secret-warn', next.state === 'other_host');
    stateText.classList.toggle('secret-env', next.state === 'environment');
    replace.removeAttribute('title');
    envNote.textContent = '';
    switch (next.state) {
      case 'saved':
        stateText.replaceChildren(el('span', { 'aria-hidden': 'true', text: '✓ ' }), 'Saved in the system keychain');
        break;
      case 'other_host':
        stateText.replaceChildren(
          `Enter it again: it was saved for another host (${next.saved_for}). Nothing is sent to the new host until then.`,
        );
        break;
      case 'environment': {
        const why = `BackupBridge uses ${next.variable} from the environment while it is set, so a value saved here would be ignored.`;
        stateText.replaceChildren(`From the environment (${next.variable})`);
        replace.title = why;
        envNote.textContent = `Replace is off: ${why}`;
        break;
      }
      case 'missing':
        stateText.replaceChildren();
        break;
    }
    draw();
  };
  const replace = button('Replace', () => {
    replacing = true;
    input.placeholder = 'Paste the new value';
    draw();
    input.focus();
  }, { class: 'btn btn-small', testid: `${testid}-replace` });
  stateBox.append(stateText, replace);
  input.before(stateBox);
  input.after(keep);
  keep.after(envNote);
  draw();
  return {
    row: f.row,
    value: () => (input.hidden || input.value.trim() === '' ? null : input.value.trim()),
    reset,
    setLabel(text: string, helpText: string): void {
      if (labelEl !== null) labelEl.textContent = text;
      if (helpEl !== null) helpEl.textContent = helpText;
    },
  };
}
