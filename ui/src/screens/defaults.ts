// Defaults screen: what becomes a ticket (event and backup types), the
// agreement condition with live validation and a per-company preview, the
// ticket template (defaults-ticket.ts), the removed-event policy and the poll
// interval, and storms and flapping (defaults-storm.ts). Each choice saves as
// soon as it is made.
import * as api from '../api';
import { button, debounce, el, uid } from '../dom';
import { count, INTERVAL_CHOICES_SECS, intervalLabel, parseTypeFilter, plural } from '../format';
import { busy, card, errorNotice, field, notice, select } from '../ui';
import { CONDITION_HELP, conditionEditor } from './condition-field';
import { historySection, stormSection } from './defaults-storm';
import { ticketSection } from './defaults-ticket';
import type { MountFn } from './screen';
import { SettingsModel } from './settings-io';

/** A checkbox list that saves the checked names as a comma list. */
function typeChecklist(opts: {
  legend: string;
  help: string;
  key: string;
  names: string[];
  settings: SettingsModel;
  allowAll: boolean;
  testid: string;
}): HTMLElement {
  const current = parseTypeFilter(opts.settings.get(opts.key));
  const status = el('span', { class: 'field-status', 'aria-live': 'polite' });
  const error = el('p', { class: 'field-error', role: 'alert', testid: `${opts.testid}-error` });
  const names = [...opts.names];
  if (current !== 'All') for (const n of current.Only) if (!names.includes(n)) names.push(n);
  const boxes = names.map((name) => {
    const box = el('input', { type: 'checkbox', value: name, testid: `${opts.testid}-${name}` });
    box.checked = current === 'All' || current.Only.includes(name);
    return box;
  });
  const all = el('input', { type: 'checkbox', testid: `${opts.testid}-all` });
  all.checked = current === 'All';
  const draw = (): void => {
    for (const b of boxes) {
      b.disabled = all.checked;
      if (all.checked) b.checked = true;
    }
  };
  const save = (): void => {
    const chosen = boxes.filter((b) => b.checked).map((b) => b.value);
    if (!all.checked && chosen.length === 0) {
      error.textContent = 'Choose at least one type, or nothing would ever become a ticket.';
      return;
    }
    void opts.settings.save(opts.key, all.checked ? 'all' : chosen.join(','), { status, error });
  };
  const fieldset = el('fieldset', { class: 'field checklist-field', testid: opts.testid }, [
    el('legend', {}, [opts.legend, status]),
    opts.allowAll
      ? el('label', { class: 'check check-all' }, [all, ' All backup types, including new ones'])
      : null,
    el('div', { class: 'check-grid' }, boxes.map((b) => el('label', { class: 'check' }, [b, ` ${b.value}`]))),
    el('p', { class: 'help', text: opts.help }),
    error,
  ]);
  fieldset.addEventListener('change', () => {
    draw();
    save();
  });
  draw();
  return fieldset;
}

const FIND_DELAY_MS = 200;
/** Mapped companies the preview picker offers at a time (more are found by typing). */
const PICKER_SIZE = 100;

/** The mapped companies that match `text` (as the Companies search reads it): at most {@link PICKER_SIZE}. */
const mappedCompanies = (text: string): Promise<api.CompanyPage> =>
  api.listCompaniesPage({ search: `is:mapped ${text}`, after: null, limit: PICKER_SIZE });

function agreementSection(settings: SettingsModel, firstMapped: api.CompanyPage): HTMLElement {
  const key = 'defaults.agreement_condition';
  const saved = { text: settings.get(key) };
  const status = el('span', { class: 'field-status', 'aria-live': 'polite' });
  const saveError = el('p', { class: 'field-error', role: 'alert' });
  const saveButton = el('button', { type: 'button', class: 'btn btn-primary', testid: 'cond-save', text: 'Save condition' });
  let valid = true;
  const drawSave = (): void => {
    saveButton.disabled = !valid || editor.value() === saved.text;
  };
  const editor = conditionEditor({
    label: 'Agreement matching condition',
    value: saved.text,
    help: CONDITION_HELP,
    testid: 'cond-input',
    onState: (ok) => {
      valid = ok;
      drawSave();
    },
  });
  editor.input.addEventListener('input', drawSave);
  saveButton.addEventListener('click', () => {
    void busy(saveButton, 'Saving…', async () => {
      if (!(await editor.check())) return;
      if (await settings.save(key, editor.value().trim(), { status, error: saveError })) saved.text = settings.get(key);
    }).then(drawSave);
  });

  let mapped = firstMapped.rows;
  const result = el('div', { class: 'preview-result', testid: 'cond-preview-result', 'aria-live': 'polite' });
  const previewParts: Array<Node | null> = [];
  if (mapped.length === 0) {
    previewParts.push(el('p', { class: 'muted', text: 'Map a company on the Companies screen to preview which of its agreements match.' }));
  } else {
    const picker = select(mapped.map((c) => [c.id, c.name]), mapped[0]?.id ?? '', { testid: 'cond-preview-company' });
    const run = button('Preview', () => {
      void busy(run, 'Looking…', async () => {
        const company = mapped.find((c) => c.id === picker.value);
        try {
          const list = await api.previewAgreements(picker.value, editor.value().trim());
          result.replaceChildren(agreementList(list, company?.name ?? picker.value, editor.value()));
        } catch (error) {
          result.replaceChildren(errorNotice(error, 'No preview.'));
        }
      });
    }, { testid: 'cond-preview-run' });
    const pf = field('Company', picker, 'Uses the condition as typed above, saved or not.');
    pf.row.classList.add('inline-field');
    pf.row.append(run);
    previewParts.push(pf.row);
    if (firstMapped.next !== null) {
      // Too many mapped companies for one list: typing narrows it.
      const find = el('input', { type: 'search', class: 'input search', testid: 'cond-preview-find', placeholder: 'Find a mapped company', 'aria-label': 'Find a mapped company to preview' });
      const found = el('span', { class: 'muted count', 'aria-live': 'polite', text: `First ${count(mapped.length)} of ${count(firstMapped.matched)}` });
      let asked = 0;
      find.addEventListener('input', debounce(() => {
        const mine = (asked += 1);
        void mappedCompanies(find.value.trim()).then((page) => {
          if (mine !== asked) return;
          mapped = page.rows;
          picker.replaceChildren(...mapped.map((c) => el('option', { value: c.id, text: c.name })));
          found.textContent = page.next === null ? plural(page.matched, 'company', 'companies') : `First ${count(mapped.length)} of ${count(page.matched)}`;
        }, (error: unknown) => {
          if (mine === asked) result.replaceChildren(errorNotice(error, 'Could not find the companies.'));
        });
      }, FIND_DELAY_MS));
      picker.before(find);
      pf.row.append(found);
    }
    previewParts.push(result);
  }
  return card('Agreement', 'Which of the customer’s ConnectWise agreements a new ticket is attached to.', [
    editor.root,
    el('div', { class: 'actions' }, [saveButton, status]),
    saveError,
    el('h3', { text: 'Which agreements match' }),
    ...previewParts,
  ], 'defaults-agreement');
}

function agreementList(list: api.Agreement[], company: string, condition: string): HTMLElement {
  if (list.length === 0) {
    return notice('warn', [
      `No agreement of ${company} matches${condition.trim() === '' ? '' : ' this condition'}. `,
      'Tickets for this company would not be created, and its Last Update Status would say so.',
    ]);
  }
  const rows = list.map((a, i) =>
    el('tr', { testid: 'cond-preview-row' }, [
      el('td', {}, [a.name, i === 0 ? el('span', { class: 'tag tag-ok', text: 'tickets get this one' }) : null]),
      el('td', { text: a.type?.name ?? '—' }),
      el('td', { text: a.agreementStatus ?? '—' }),
      el('td', { class: 'num', text: String(a.id) }),
    ]),
  );
  return el('table', { class: 'table compact' }, [
    el('thead', {}, [el('tr', {}, ['Agreement', 'Type', 'Status', 'Id'].map((h) => el('th', { scope: 'col', text: h })))]),
    el('tbody', {}, rows),
  ]);
}

function policySection(settings: SettingsModel): HTMLElement {
  const key = 'ticket.removed_policy';
  const status = el('span', { class: 'field-status', 'aria-live': 'polite' });
  const error = el('p', { class: 'field-error', role: 'alert' });
  const choices: Array<[string, string, string]> = [
    ['close', 'Close the ticket', 'with a note saying the alert was cleared in the Dashboard (recommended)'],
    ['leave', 'Leave the ticket as it is', 'a technician closes it'],
    ['delete', 'Delete the ticket', 'it disappears from ConnectWise'],
  ];
  const name = uid('policy');
  const group = el('fieldset', { class: 'field radio-group', testid: 'defaults-removed-policy' }, [
    el('legend', {}, ['When an alert is removed from the Dashboard', status]),
    ...choices.map(([value, label, detail]) => {
      const radio = el('input', { type: 'radio', name, value, testid: `removed-${value}` });
      radio.checked = settings.get(key) === value;
      return el('label', { class: 'radio' }, [radio, ' ', el('strong', { text: label }), el('span', { class: 'muted', text: ` — ${detail}` })]);
    }),
    el('p', { class: 'help', text: 'Applies to every ticket BackupBridge opened, anomalies included.' }),
    error,
  ]);
  group.addEventListener('change', (event) => {
    const target = event.target as HTMLInputElement;
    void settings.save(key, target.value, { status, error });
  });
  return group;
}

function intervalField(settings: SettingsModel): HTMLElement {
  const key = 'sync.interval_secs';
  const secs = Number(settings.get(key) || '300');
  const choices = [...INTERVAL_CHOICES_SECS];
  if (!choices.includes(secs)) choices.push(secs);
  choices.sort((a, b) => a - b);
  const picker = select(choices.map((s) => [String(s), intervalLabel(s)]), String(secs), { testid: 'defaults-interval' });
  const f = field('Check the Dashboard', picker, 'How often BackupBridge looks for new and changed alerts. Sync now runs one at once.');
  picker.addEventListener('change', () => void settings.save(key, picker.value, f));
  return f.row;
}

export const mountDefaults: MountFn = (root) => {
  const loading = el('p', { class: 'muted', text: 'Loading the defaults…' });
  root.append(loading);
  let alive = true;
  void (async () => {
    let settings: SettingsModel;
    let types: api.SeenTypes;
    try {
      const [list, seen] = await Promise.all([api.getSettings(), api.seenTypes()]);
      settings = new SettingsModel(list);
      types = seen;
    } catch (error) {
      loading.replaceWith(errorNotice(error, 'Could not load the defaults.'));
      return;
    }
    // Mapped companies only feed the preview picker: without them the rest still works.
    const empty: api.CompanyPage = { rows: [], next: null, matched: 0, total: 0, unknown: [] };
    const companies = await mappedCompanies('').catch(() => empty);
    if (!alive) return;
    const page = el('div', { class: 'stack', testid: 'defaults-screen' }, [
      card('What becomes a ticket', 'Companies use these unless they have their own choice on the Companies screen.', [
        typeChecklist({
          legend: 'Event types',
          help: 'Error and Warning come from failed or partly failed backup jobs; BackupAnomaly from unusual changes in backed-up data.',
          key: 'defaults.event_types',
          names: types.event_types,
          settings,
          allowAll: false,
          testid: 'defaults-event-types',
        }),
        typeChecklist({
          legend: 'Backup types',
          help: 'The list includes every type the Dashboard has reported so far.',
          key: 'defaults.backup_types',
          names: types.backup_types,
          settings,
          allowAll: true,
          testid: 'defaults-backup-types',
        }),
      ], 'defaults-types'),
      agreementSection(settings, companies),
      ticketSection(settings),
      card('Sync', '', [policySection(settings), intervalField(settings)], 'defaults-sync'),
      stormSection(settings),
      historySection(settings),
    ]);
    loading.replaceWith(page);
  })();
  return {
    unmount: () => {
      alive = false;
    },
  };
};
