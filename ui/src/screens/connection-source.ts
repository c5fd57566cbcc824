// The Backup source card of the Connection screen: a choice of platform
// (Cloud Backup Dashboard, MSP360, Comet Backup), then only that platform's
// fields. Each platform keeps its own inputs, so switching back and forth
// loses nothing typed; only the chosen one's values and secret are sent.
import type * as api from '../api';
import { el } from '../dom';
import {
  MSP360_DEFAULT_URL,
  SOURCE_KINDS,
  parseSourceKind,
  platformValues,
  sourceName,
  sourceSecretStatus,
  sourceSettings,
} from '../source';
import { card, field, select, textInput } from '../ui';
import { HELP } from './connection-help';
import { secretField, type SecretField } from './connection-secret';

/** The source fields of `ConnectionInput`. */
export type SourceInput = Pick<
  api.ConnectionInput,
  'dashboard_url' | 'dashboard_token' | 'source_kind' | 'source_url' | 'source_username' | 'source_secret'
>;

export interface SourceCard {
  card: HTMLElement;
  /** The platform chosen on screen (saved or not). */
  kind(): api.SourceKind;
  /** Redraws from a saved view, forgetting anything typed. */
  fill(view: api.ConnectionView): void;
  /** What to save; `view` is the last saved one (its values are kept for unchosen platforms). */
  input(view: api.ConnectionView): SourceInput;
}

interface Platform {
  group: HTMLElement;
  url: HTMLInputElement;
  username: HTMLInputElement;
  secret: SecretField;
}

function platform(
  kind: 'msp360' | 'comet',
  labels: { url: string; username: string; secret: string },
  help: { url: string; username: string; secret: string },
  urlPlaceholder: string,
): Platform {
  const url = textInput('', { testid: `conn-${kind}-url`, placeholder: urlPlaceholder });
  const username = textInput('', { testid: `conn-${kind}-username` });
  const secret = secretField(labels.secret, help.secret, `conn-${kind}-secret`);
  const group = el('div', { class: 'field-group', testid: `conn-${kind}-fields` }, [
    field(labels.url, url, help.url).row,
    field(labels.username, username, help.username).row,
    secret.row,
  ]);
  return { group, url, username, secret };
}

export function sourceCard(onChange: () => void): SourceCard {
  const kindSelect = select(
    SOURCE_KINDS.map((k) => [k, sourceName(k)]),
    'dashboard',
    { testid: 'conn-source-kind' },
  );
  const dashUrl = textInput('', { testid: 'conn-dashboard-url', placeholder: 'https://backup.example.com' });
  const dashToken = secretField('Dashboard token', HELP.dashboardToken, 'conn-dashboard-token');
  const dashboard = el('div', { class: 'field-group', testid: 'conn-dashboard-fields' }, [
    field('Dashboard URL', dashUrl, HELP.dashboardUrl).row,
    dashToken.row,
  ]);
  const msp360 = platform(
    'msp360',
    { url: 'API address (optional)', username: 'API login', secret: 'API password' },
    { url: HELP.msp360Url, username: HELP.msp360Username, secret: HELP.msp360Password },
    MSP360_DEFAULT_URL,
  );
  const comet = platform(
    'comet',
    { url: 'Comet Server URL', username: 'Admin username', secret: 'Admin password' },
    { url: HELP.cometUrl, username: HELP.cometUsername, secret: HELP.cometPassword },
    'https://backup.example.com:8060',
  );
  const platforms = { msp360, comet } as const;

  const kind = (): api.SourceKind => parseSourceKind(kindSelect.value);
  const draw = (): void => {
    const k = kind();
    dashboard.hidden = k !== 'dashboard';
    msp360.group.hidden = k !== 'msp360';
    comet.group.hidden = k !== 'comet';
  };
  kindSelect.addEventListener('change', () => {
    draw();
    onChange();
  });

  const sourceCardEl = card('Backup source', 'Where the backup alerts come from.', [    field('Backup platform', kindSelect, HELP.sourceKind).row,
    dashboard,
    msp360.group,
    comet.group,
  ], 'conn-source-card');
  draw();

  return {
    card: sourceCardEl,
    kind,
    fill(view) {
      kindSelect.value = view.source_kind;
      dashUrl.value = view.dashboard_url ?? '';
      dashToken.reset(view.dashboard_token);
      for (const k of ['msp360', 'comet'] as const) {
        const values = platformValues(k, view);
        platforms[k].url.value = values.url;
        platforms[k].username.value = values.username;
        platforms[k].secret.reset(sourceSecretStatus(k, view));
      }
      draw();
    },
    input(view) {
      const k = kind();
      const chosen = k === 'dashboard' ? null : platforms[k];
      const typed = { url: chosen?.url.value ?? '', username: chosen?.username.value ?? '' };
      const settings = sourceSettings(k, typed, view);
      return {
        dashboard_url: dashUrl.value.trim(),
        dashboard_token: k === 'dashboard' ? dashToken.value() : null,
        source_kind: k,
        source_url: settings.url,
        source_username: settings.username,
        source_secret: chosen === null ? null : chosen.secret.value(),
      };
    },
  };
}
