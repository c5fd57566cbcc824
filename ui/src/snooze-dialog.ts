// The snooze dialog, opened from a row's "More actions" menu (Activity,
// Companies): what to snooze (company, computer or plan, prefilled from the
// row), until when (quick choices or a time typed as `snooze add --until`
// takes it) and why. A modal <dialog>: focus moves in, stays in, and goes
// back to the opener when it closes; Escape closes it. The core checks the
// value and the end; its refusal is shown under the field it is about.
import * as api from './api';
import { el, uid } from './dom';
import { errorSentence, toAppError } from './errors';
import { localTimeText, scopeLabel, snoozeErrorField, snoozedSentence, tomorrowMorning, UNTIL_CHOICES, untilText, type UntilChoice } from './snooze';
import { select, textInput, toast } from './ui';

/** Where the dialog was opened from, and what it starts with. */
export interface SnoozeTarget {
  /** The scope chosen at first. */
  scope: api.SnoozeScope;
  /** The row's value for each scope it knows (the company id, the computer, the plan). */
  values: Partial<Record<api.SnoozeScope, string>>;
  /** The scopes offered, in order. */
  scopes: api.SnoozeScope[];
  /** Company names by id, for the words of the toast and the company hint. */
  names: ReadonlyMap<string, string>;
  /** Focus goes here when the dialog closes if the opener left the page (a redraw). */
  refocus: () => void;
  /** Called with the new snooze once it is saved. */
  saved: (snooze: api.Snooze) => void;
}

const VALUE_HELP: Record<api.SnoozeScope, string> = {
  company: 'The company’s id, or its name as the Companies screen shows it.',
  computer: 'The computer’s name as the backup source reports it; case does not matter.',
  plan: 'The backup plan’s name as the backup source reports it; case does not matter.',
};

/** Help when the row could not tell the value (the ticket summary does not say it for certain). */
const UNKNOWN_HELP: Record<api.SnoozeScope, string> = {
  company: VALUE_HELP.company,
  computer: 'This ticket’s summary does not name its computer for certain: type it as the backup source reports it.',
  plan: 'This ticket’s summary does not name its backup plan for certain: type it as the backup source reports it.',
};

/** Opens the snooze dialog; `opener` gets the focus back when it closes. */
export function openSnoozeDialog(opener: HTMLElement, target: SnoozeTarget): HTMLDialogElement {
  const titleId = uid('snooze-title');
  const introId = uid('snooze-intro');
  const scope = select(target.scopes.map((s) => [s, scopeLabel(s)]), target.scope, { testid: 'snooze-scope', id: uid('snooze-scope') });
  const value = textInput(target.values[target.scope] ?? '', { testid: 'snooze-value', id: uid('snooze-value') });
  const valueHelp = el('p', { class: 'help', id: uid('help') });
  const valueError = el('p', { class: 'field-error', id: uid('err'), role: 'alert', testid: 'snooze-value-error' });
  value.setAttribute('aria-describedby', `${valueHelp.id} ${valueError.id}`);
  let edited = false;
  const drawScope = (): void => {
    const s = scope.value as api.SnoozeScope;
    if (!edited) value.value = target.values[s] ?? '';
    const known = (target.values[s] ?? '') !== '';
    const name = s === 'company' ? target.names.get(value.value.trim()) : undefined;
    valueHelp.textContent = `${known ? VALUE_HELP[s] : UNKNOWN_HELP[s]}${name === undefined ? '' : ` This is ${name}.`}`;
  };
  value.addEventListener('input', () => {
    edited = true;
    drawScope();
  });
  scope.addEventListener('change', drawScope);

  const now = new Date();
  const name = uid('until');
  const custom = textInput('', {
    testid: 'snooze-until-text',
    id: uid('snooze-custom'),
    placeholder: localTimeText(tomorrowMorning(now)).replace(/ \d\d:\d\d$/, ' 06:00'),
    'aria-label': 'Snooze until (date and time, or a length from now)',
  });
  const customHelp = el('p', { class: 'help', id: uid('help'), text: 'A local date and time (2026-12-07 06:00) or a length from now (90m, 2h, 1d).' });
  const untilError = el('p', { class: 'field-error', id: uid('err'), role: 'alert', testid: 'snooze-until-error' });
  custom.setAttribute('aria-describedby', `${customHelp.id} ${untilError.id}`);
  const radios = UNTIL_CHOICES.map(([choice, label]) => {
    const radio = el('input', { type: 'radio', name, value: choice, testid: `snooze-until-${choice}` });
    radio.checked = choice === '4h';
    return { radio, row: el('label', { class: 'radio' }, [radio, ` ${label}`]) };
  });
  const chosen = (): UntilChoice => (radios.find((r) => r.radio.checked)?.radio.value ?? '4h') as UntilChoice;
  const untilGroup = el('fieldset', { class: 'field radio-group', testid: 'snooze-until' }, [
    el('legend', { text: 'Until' }),
    el('div', { class: 'until-choices' }, radios.map((r) => r.row)),
    el('div', { class: 'indent' }, [custom, customHelp]),
    untilError,
  ]);
  // Typing a time picks "a time you choose".
  custom.addEventListener('input', () => {
    const r = radios.find((x) => x.radio.value === 'custom');
    if (r !== undefined) r.radio.checked = true;
  });

  const reason = textInput('', { testid: 'snooze-reason', id: uid('snooze-reason'), maxlength: '200' });
  const reasonHelp = el('p', { class: 'help', id: uid('help'), text: 'Optional. Shown in the note on open tickets and in the Snoozed list.' });
  reason.setAttribute('aria-describedby', reasonHelp.id);
  const formError = el('p', { class: 'field-error', role: 'alert', testid: 'snooze-error' });
  const save = el('button', { type: 'submit', class: 'btn btn-primary', testid: 'snooze-save', text: 'Snooze' });
  const cancel = el('button', { type: 'button', class: 'btn', testid: 'snooze-cancel', text: 'Cancel' });

  const form = el('form', { class: 'dialog-form', novalidate: true }, [
    el('div', { class: 'dialog-what' }, [
      el('div', { class: 'field' }, [el('div', { class: 'field-label' }, [el('label', { for: scope.id, text: 'Snooze' })]), scope]),
      el('div', { class: 'field' }, [el('div', { class: 'field-label' }, [el('label', { for: value.id, text: 'Name or id' })]), value, valueHelp, valueError]),
    ]),
    untilGroup,
    el('div', { class: 'field' }, [el('div', { class: 'field-label' }, [el('label', { for: reason.id, text: 'Reason' })]), reason, reasonHelp]),
    formError,
    el('div', { class: 'actions dialog-actions' }, [save, cancel]),
  ]);
  const dialog = el('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'aria-describedby': introId, testid: 'snooze-dialog' }, [
    el('h2', { id: titleId, class: 'dialog-title', text: 'Snooze tickets' }),
    el('p', { id: introId, class: 'intro', text: 'No new ticket and no note is sent for it until then. An open ticket gets one note when the snooze starts and one when it ends; a completed job still closes its ticket.' }),
    form,
  ]);

  const clearErrors = (): void => {
    for (const e of [valueError, untilError, formError]) e.textContent = '';
    value.removeAttribute('aria-invalid');
    custom.removeAttribute('aria-invalid');
  };
  const showRefusal = (error: unknown): void => {
    const app = toAppError(error);
    const sentence = errorSentence(app);
    const where = app.kind === 'invalid' ? snoozeErrorField(app.message) : 'form';
    if (where === 'value') {
      valueError.textContent = sentence;
      value.setAttribute('aria-invalid', 'true');
      value.focus();
    } else if (where === 'until') {
      untilError.textContent = sentence;
      if (chosen() === 'custom') {
        custom.setAttribute('aria-invalid', 'true');
        custom.focus();
      }
    } else {
      formError.textContent = sentence;
    }
  };

  let saving = false;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (saving) return;
    saving = true;
    clearErrors();
    save.disabled = true;
    save.textContent = 'Snoozing…';
    const s = scope.value as api.SnoozeScope;
    api
      .addSnooze(s, value.value, untilText(chosen(), new Date(), custom.value), reason.value)
      .then((snooze) => {
        dialog.close();
        toast('Snoozed', snoozedSentence(snooze, target.names), false);
        target.saved(snooze);
      })
      .catch(showRefusal)
      .finally(() => {
        saving = false;
        save.disabled = false;
        save.textContent = 'Snooze';
      });
  });
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (opener.isConnected) opener.focus();
    else target.refocus();
  });

  drawScope();
  document.body.append(dialog);
  dialog.showModal();
  // Focus the first thing to decide: the value when the row could not tell it, else the end.
  if (value.value === '') value.focus();
  else radios.find((r) => r.radio.checked)?.radio.focus();
  return dialog;
}
