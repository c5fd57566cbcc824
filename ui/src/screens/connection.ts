// Connection screen: the backup source (Cloud Backup Dashboard, MSP360,
// Comet Backup or Veeam Service Provider Console, each with only its own
// fields), ConnectWise sign-in (API
// member keys or integrator login), and "Test connection", whose steps show
// in order with ok/failed marks. Secrets are write-only: once
// saved they show as "Saved" with a Replace button and are never read back.
// A secret saved for another host than the one now set must be entered
// again; one given by the environment is shown as such.
// With nothing configured it opens with a welcome offering the demo.
import * as api from '../api';
import { button, el } from '../dom';
import { missingText } from '../format';
import { refreshInfo, shared, update } from '../state';
import { busy, card, errorNotice, field, flash, notice, showError, textInput } from '../ui';
import { sourceName } from '../source';
import { HELP } from './connection-help';
import { secretField } from './connection-secret';
import { sourceCard } from './connection-source';
import type { MountFn, Navigator } from './screen';

function welcome(nav: Navigator): HTMLElement {
  const start = button('Try with demo data', () => {
    void busy(start, 'Starting the demo…', async () => {
      try {
        const info = await api.startDemo();
        update({ info, status: await api.getStatus() });
        nav.go('activity');
      } catch (error) {
        showError(problem, error);
      }
    });
  }, { class: 'btn btn-primary', testid: 'demo-start' });
  const problem = el('p', { class: 'field-error', role: 'alert' });
  return card('Welcome to BackupBridge', '', [
    el('p', {
      text:
        'BackupBridge turns backup alerts (Cloud Backup Dashboard, MSP360, Comet Backup or ' +
        'Veeam Service Provider Console) into ' +
        'ConnectWise tickets and closes them ' +
        'when the backup succeeds. Fill in the connection below, or look around first with made-up ' +
        'companies and events — nothing is sent to your ConnectWise.',
    }),
    el('div', { class: 'actions' }, [start]),
    problem,
  ], 'welcome-card');
}

function testResult(report: api.TestReport, source: string): HTMLElement {
  const steps = el('ul', { class: 'checklist' });
  for (const s of report.steps) {
    steps.append(
      el('li', { class: s.ok ? 'check-ok' : 'check-fail', testid: 'test-step', 'data-ok': String(s.ok) }, [
        el('span', { class: 'check-icon', 'aria-hidden': 'true', text: s.ok ? '✓' : '✕' }),
        el('span', {}, [el('strong', { text: `${s.name}: ` }), s.ok ? 'OK — ' : 'Failed — ', s.detail]),
      ]),
    );
  }
  const parts: Array<Node | null> = [steps];
  if (report.missing_rights.length > 0) {
    const list = el('ul', { class: 'rights' });
    for (const m of report.missing_rights) {
      list.append(
        el('li', { testid: 'missing-right' }, [
          el('strong', { text: `It cannot ${m.right}.` }),
          ' Grant it in ConnectWise under ',
          el('span', { class: 'path', text: m.hint }),
          '.',
        ]),
      );
    }
    parts.push(
      el('h3', { text: 'Rights the ConnectWise member is missing' }),
      el('p', { class: 'muted', text: 'BackupBridge signs in, but its security role does not allow everything it needs:' }),
      list,
    );
  }
  return el('section', { class: 'card test-result', testid: 'test-result', 'aria-label': 'Connection test' }, [
    el('h2', { text: 'Connection test' }),
    report.ok
      ? notice('ok', [`Everything works: BackupBridge can sign in, has every right it needs and reads the alerts of ${source}.`])
      : notice('error', ['The test found a problem. Fix what is marked ✕ below, save, and test again.']),
    ...parts,
  ]);
}

export const mountConnection: MountFn = (root, nav) => {
  const info = shared().info;
  if (info !== null && !info.configured && !info.demo) root.append(welcome(nav));
  const loading = el('p', { class: 'muted', text: 'Loading the connection…' });
  root.append(loading);

  const site = textInput('', { testid: 'conn-site', placeholder: 'na.myconnectwise.net' });
  const company = textInput('', { testid: 'conn-company' });
  const apiRadio = el('input', { type: 'radio', name: 'auth', value: 'api_member', testid: 'conn-auth-api_member' });
  const intRadio = el('input', { type: 'radio', name: 'auth', value: 'integrator', testid: 'conn-auth-integrator' });
  const publicKey = textInput('', { testid: 'conn-public-key' });
  const intUser = textInput('', { testid: 'conn-integrator-username' });
  const member = textInput('', { testid: 'conn-impersonate-member', placeholder: 'e.g. jsmith' });
  const clientId = textInput('', { testid: 'conn-client-id', placeholder: '00000000-0000-0000-0000-000000000000' });
  const cwSecret = secretField('Private key', HELP.privateKey, 'conn-cw-secret');
  const source = sourceCard(() => {
    dirty = true;
  });

  const authGroup = el('fieldset', { class: 'field radio-group' }, [
    el('legend', { text: 'Sign in with' }),
    el('label', { class: 'radio' }, [apiRadio, ' API member keys (recommended)']),
    el('label', { class: 'radio' }, [intRadio, ' Integrator login']),
    el('p', { class: 'help', text: HELP.authMode }),
  ]);
  const apiFields = el('div', { class: 'field-group' }, [field('Public key', publicKey, HELP.publicKey).row]);
  const intFields = el('div', { class: 'field-group' }, [
    field('Integrator username', intUser, HELP.integratorUsername).row,
    field('Impersonating member id', member, HELP.impersonateMember).row,
  ]);
  const modeWarning = el('p', { class: 'help warn-text' });

  const saveButton = el('button', { type: 'submit', class: 'btn btn-primary', testid: 'conn-save', text: 'Save' });
  const testButton = el('button', { type: 'button', class: 'btn', testid: 'conn-test', text: 'Test connection' });
  const saveStatus = el('span', { class: 'field-status', testid: 'conn-saved-status', 'aria-live': 'polite' });
  const formError = el('p', { class: 'field-error', role: 'alert', testid: 'conn-error' });
  const missing = el('div', { testid: 'conn-missing' });
  const result = el('div', { 'aria-live': 'polite' });

  let lastView: api.ConnectionView | null = null;
  let dirty = false;
  const mode = (): 'api_member' | 'integrator' => (intRadio.checked ? 'integrator' : 'api_member');
  const drawMode = (): void => {
    const integrator = mode() === 'integrator';
    apiFields.hidden = integrator;
    intFields.hidden = !integrator;
    cwSecret.setLabel(
      integrator ? 'Integrator password' : 'Private key',
      integrator ? HELP.integratorPassword : HELP.privateKey,
    );
    modeWarning.textContent =
      lastView !== null && lastView.cw_secret_saved && mode() !== lastView.auth_mode
        ? `The saved secret belongs to the other sign-in method: replace it with the ${integrator ? 'integrator password' : 'private key'}.`
        : '';
  };

  const fill = (view: api.ConnectionView): void => {
    site.value = view.site ?? '';
    company.value = view.company ?? '';
    lastView = view;
    apiRadio.checked = view.auth_mode === 'api_member';
    intRadio.checked = view.auth_mode === 'integrator';
    publicKey.value = view.public_key ?? '';
    intUser.value = view.integrator_username ?? '';
    member.value = view.impersonate_member ?? '';
    clientId.value = view.client_id ?? '';
    cwSecret.reset(view.cw_secret);
    source.fill(view);
    const text = missingText(view.missing);
    missing.replaceChildren(...(text === '' ? [] : [notice('warn', [text])]));
    drawMode();
    dirty = false;
  };

  const input = (saved: api.ConnectionView): api.ConnectionInput => ({
    site: site.value.trim(),
    company: company.value.trim(),
    auth_mode: mode(),
    public_key: publicKey.value.trim(),
    integrator_username: intUser.value.trim(),
    impersonate_member: member.value.trim(),
    client_id: clientId.value.trim(),
    cw_secret: cwSecret.value(),
    ...source.input(saved),
  });

  const save = async (): Promise<boolean> => {
    showError(formError, null);
    try {
      if (lastView === null) return false;
      fill(await api.saveConnection(input(lastView)));
      flash(saveStatus, 'Saved');
      await refreshInfo(api.getAppInfo);
      return true;
    } catch (error) {
      showError(formError, error);
      return false;
    }
  };

  const form = el('form', { class: 'form', testid: 'connection-form', novalidate: true }, [
    source.card,
    card('ConnectWise', 'How BackupBridge signs in to your ConnectWise PSA.', [
      field('Site', site, HELP.site).row,
      field('Company', company, HELP.company).row,
      authGroup,
      apiFields,
      intFields,
      cwSecret.row,
      modeWarning,
      field('Client ID', clientId, HELP.clientId).row,
    ], 'conn-cw-card'),
    missing,
    el('div', { class: 'actions sticky-actions' }, [saveButton, testButton, saveStatus]),
    formError,
    result,
  ]);
  form.addEventListener('input', () => {
    dirty = true;
  });
  form.addEventListener('change', drawMode);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void busy(saveButton, 'Saving…', save);
  });
  testButton.addEventListener('click', () => {
    void busy(testButton, 'Testing…', async () => {
      const name = sourceName(source.kind());
      result.replaceChildren(el('p', { class: 'muted', text: `Testing: discovery, sign-in, rights, ${name}…` }));
      if (dirty && !(await save())) {
        result.replaceChildren();
        return;
      }
      try {
        result.replaceChildren(testResult(await api.testConnection(), name));
      } catch (error) {
        result.replaceChildren(errorNotice(error, 'The test could not run.', 'test-error'));
      }
    });
  });

  void api
    .getConnection()
    .then((view) => {
      fill(view);
      loading.replaceWith(form);
    })
    .catch((error: unknown) => loading.replaceWith(errorNotice(error, 'Could not load the connection.')));

  return {};
};
