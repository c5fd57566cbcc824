// Editors that open under a company row: the ConnectWise Id (resolved by the
// backend when saved; "Suggest" proposes matches by name), the type
// overrides and the agreement-condition override. Nothing is saved unless
// the backend accepts it; its error is shown in words inside the editor.
import * as api from '../api';
import { button, el, uid } from '../dom';
import { conditionText, explicit, parseTypeFilter, typeFilterText } from '../format';
import { busy, showError, textInput } from '../ui';
import { CONDITION_HELP, conditionEditor } from './condition-field';
import type { EditColumn } from './companies-rows';

/** What the editors need besides the company: offered types and the global defaults. */
export interface EditorContext {
  seen: api.SeenTypes;
  /** `defaults.*` setting values: `all` or a comma list; condition text. */
  defaults: { event_types: string; backup_types: string; agreement_condition: string };
}

/** What an editor reports back. */
export interface EditorHooks {
  saved(view: api.CompanyView): void;
  close(): void;
}

function frame(title: string, body: Array<Node | null>, error: HTMLElement, actions: HTMLElement[]): HTMLElement {
  return el('div', { class: 'editor', role: 'group', 'aria-label': title, testid: 'company-editor' }, [
    el('h3', { class: 'editor-title', text: title }),
    ...body,
    error,
    el('div', { class: 'actions' }, actions),
  ]);
}

function cwEditor(c: api.CompanyView, hooks: EditorHooks): HTMLElement {
  const input = textInput(c.cw_identifier ?? '', { testid: 'cw-id-input', placeholder: 'e.g. AcmeDental' });
  input.id = uid('cwid');
  const error = el('p', { class: 'field-error', role: 'alert', testid: 'cw-id-error' });
  const suggestions = el('div', { class: 'suggestions', testid: 'cw-suggestions', 'aria-live': 'polite' });
  const save = async (identifier: string): Promise<void> => {
    showError(error, null);
    if (identifier.trim() === '') {
      error.textContent = 'Type the ConnectWise Company ID (the short id, e.g. AcmeDental), or choose Suggest.';
      input.focus();
      return;
    }
    try {
      hooks.saved(await api.mapCompany({ backupCompanyId: c.id, cwIdentifier: identifier.trim() }));
    } catch (e) {
      showError(error, e);
      input.focus();
      input.select();
    }
  };
  const saveButton = button('Save', () => void busy(saveButton, 'Checking…', () => save(input.value)), {
    class: 'btn btn-primary',
    testid: 'cw-id-save',
  });
  const suggest = button('Suggest', () => {
    void busy(suggest, 'Searching…', async () => {
      showError(error, null);
      try {
        const found = await api.suggestCompanies(c.id);
        if (found.length === 0) {
          suggestions.replaceChildren(el('p', { class: 'muted', text: `ConnectWise has no company whose name resembles “${c.name}”.` }));
          return;
        }
        suggestions.replaceChildren(
          el('p', { class: 'muted', text: 'Choose the matching ConnectWise company:' }),
          el('ul', { class: 'suggestion-list' }, found.map((s) => {
            const pickIt = button('', () => {
              input.value = s.identifier;
              void busy(pickIt, 'Checking…', () => save(s.identifier));
            }, { class: 'btn btn-suggestion', testid: 'cw-suggestion' });
            pickIt.replaceChildren(el('span', { class: 'mono', text: s.identifier }), el('span', { text: ` — ${s.name}` }));
            return el('li', {}, [pickIt]);
          })),
        );
      } catch (e) {
        showError(error, e);
      }
    });
  }, { testid: 'cw-id-suggest' });
  const cancel = button('Cancel', () => hooks.close(), { class: 'btn btn-link', testid: 'editor-cancel' });
  const actions = [saveButton, suggest, cancel];
  if (c.cw_company_id !== null) {
    const unmap = button('Unmap', () => {
      void busy(unmap, 'Unmapping…', async () => {
        try {
          await api.unmapCompany(c.id);
          const fresh = await api.getCompany(c.id);
          if (fresh !== null) hooks.saved(fresh);
          else hooks.close();
        } catch (e) {
          showError(error, e);
        }
      });
    }, { class: 'btn btn-danger-link', testid: 'cw-id-unmap' });
    actions.push(unmap);
  }
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      saveButton.click();
    }
  });
  return frame(`ConnectWise Id for ${c.name}`, [
    el('label', { for: input.id, class: 'field-label-text', text: 'ConnectWise Company ID' }),
    input,
    el('p', { class: 'help', text: 'The short Company ID shown on the company in ConnectWise (Companies › Company), not its name. It is checked against ConnectWise when you save.' }),
    suggestions,
  ], error, actions);
}

function typesEditor(
  c: api.CompanyView,
  col: 'backup_types' | 'event_types',
  ctx: EditorContext,
  hooks: EditorHooks,
): HTMLElement {
  const seen = ctx.seen;
  const noun = col === 'backup_types' ? 'Backup types' : 'Event types';
  const current = explicit(c[col]);
  const names = [...(col === 'backup_types' ? seen.backup_types : seen.event_types)];
  if (current !== undefined && current !== 'All') for (const n of current.Only) if (!names.includes(n)) names.push(n);
  const group = uid('types');
  const radio = (value: string, checked: boolean): HTMLInputElement => {
    const r = el('input', { type: 'radio', name: group, value, testid: `types-mode-${value}` });
    r.checked = checked;
    return r;
  };
  const useDefault = radio('default', current === undefined);
  const useAll = radio('all', current === 'All');
  const useOnly = radio('only', current !== undefined && current !== 'All');
  const boxes = names.map((n) => {
    const b = el('input', { type: 'checkbox', value: n, testid: `types-${n}` });
    b.checked = current !== undefined && (current === 'All' || current.Only.includes(n));
    return b;
  });
  const error = el('p', { class: 'field-error', role: 'alert' });
  const draw = (): void => {
    for (const b of boxes) b.disabled = !useOnly.checked;
  };
  const body = el('div', { class: 'stack-tight' }, [
    el('label', { class: 'radio' }, [useDefault, ` Use the default (${typeFilterText(parseTypeFilter(ctx.defaults[col]))})`]),
    el('label', { class: 'radio' }, [useAll, ' All types']),
    el('label', { class: 'radio' }, [useOnly, ' Only these:']),
    el('div', { class: 'check-grid indent' }, boxes.map((b) => el('label', { class: 'check' }, [b, ` ${b.value}`]))),
  ]);
  body.addEventListener('change', draw);
  draw();
  const save = button('Save', () => {
    void busy(save, 'Saving…', async () => {
      showError(error, null);
      let value: string;
      if (useDefault.checked) value = 'default';
      else if (useAll.checked) value = 'all';
      else {
        const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
        if (chosen.length === 0) {
          error.textContent = 'Tick at least one type, or choose the default.';
          return;
        }
        value = chosen.join(',');
      }
      try {
        hooks.saved(
          await api.mapCompany({
            backupCompanyId: c.id,
            cwIdentifier: c.cw_identifier ?? '',
            ...(col === 'backup_types' ? { backupTypes: value } : { eventTypes: value }),
          }),
        );
      } catch (e) {
        showError(error, e);
      }
    });
  }, { class: 'btn btn-primary', testid: 'types-save' });
  const cancel = button('Cancel', () => hooks.close(), { class: 'btn btn-link', testid: 'editor-cancel' });
  return frame(`${noun} for ${c.name}`, [body], error, [save, cancel]);
}

function agreementEditor(c: api.CompanyView, defaultCondition: string, hooks: EditorHooks): HTMLElement {
  const current = explicit(c.agreement_condition);
  const group = uid('agr');
  const useDefault = el('input', { type: 'radio', name: group, value: 'default', testid: 'agreement-mode-default' });
  const useCustom = el('input', { type: 'radio', name: group, value: 'custom', testid: 'agreement-mode-custom' });
  useDefault.checked = current === undefined;
  useCustom.checked = current !== undefined;
  let valid = true;
  const editor = conditionEditor({
    label: 'Condition for this company',
    value: current ?? defaultCondition,
    help: CONDITION_HELP,
    testid: 'agreement-input',
    onState: (ok) => {
      valid = ok;
    },
  });
  const error = el('p', { class: 'field-error', role: 'alert' });
  const draw = (): void => {
    editor.root.hidden = !useCustom.checked;
  };
  const modes = el('div', { class: 'stack-tight' }, [
    el('label', { class: 'radio' }, [useDefault, ' Use the default: ', el('span', { class: 'mono', text: conditionText(defaultCondition) })]),
    el('label', { class: 'radio' }, [useCustom, ' Use its own condition']),
  ]);
  modes.addEventListener('change', () => {
    draw();
    if (useCustom.checked) editor.input.focus();
  });
  draw();
  const save = button('Save', () => {
    void busy(save, 'Saving…', async () => {
      showError(error, null);
      if (useCustom.checked && !(valid && (await editor.check()))) {
        error.textContent = 'Correct the condition first: the mistake is marked above.';
        return;
      }
      try {
        hooks.saved(
          await api.mapCompany({
            backupCompanyId: c.id,
            cwIdentifier: c.cw_identifier ?? '',
            agreementCondition: useDefault.checked ? 'default' : editor.value().trim(),
          }),
        );
      } catch (e) {
        showError(error, e);
      }
    });
  }, { class: 'btn btn-primary', testid: 'agreement-save' });
  const cancel = button('Cancel', () => hooks.close(), { class: 'btn btn-link', testid: 'editor-cancel' });
  return frame(`Agreement matching condition for ${c.name}`, [modes, editor.root], error, [save, cancel]);
}

/** The editor for `col` of company `c`. */
export function editorFor(
  c: api.CompanyView,
  col: EditColumn,
  ctx: EditorContext,
  hooks: EditorHooks,
): HTMLElement {
  switch (col) {
    case 'cw':
      return cwEditor(c, hooks);
    case 'backup_types':
    case 'event_types':
      return typesEditor(c, col, ctx, hooks);
    case 'agreement':
      return agreementEditor(c, ctx.defaults.agreement_condition, hooks);
  }
}
