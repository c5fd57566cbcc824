// The Backup source card of the Connection screen: a choice of platform
// (Cloud Backup Dashboard, MSP360, Comet Backup, Veeam Service Provider
// Console), then only that platform's fields. Each platform keeps its own
// inputs, so switching back and forth loses nothing typed; only the chosen
// one's values and secret are sent. The self-hosted platforms (Comet, VSPC)
// also take a certificate fingerprint to pin a self-signed certificate.
import type * as api from '../api';
import { el, uid } from '../dom';
import {
  MSP360_DEFAULT_URL,
  SOURCE_KINDS,
  fingerprintCommand,
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
  | 'dashboard_url'
  | 'dashboard_token'
  | 'source_kind'
  | 'source_url'
  | 'source_username'
  | 'source_tls_fingerprint'
  | 'source_secret'
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

type PlatformKind = Exclude<api.SourceKind, 'dashboard'>;

interface Platform {
  group: HTMLElement;
  url: HTMLInputElement;
  username: HTMLInputElement;
  secret: SecretField;
  /** Only on the self-hosted platforms. */
  fingerprint: HTMLInputElement | null;
  /** Shows the fingerprint command for the address now typed. */
  drawCommand(): void;
}

interface PlatformSpec {
  labels: { url: string; username: string; secret: string };
  help: { url: string; username: string; secret: string };
  urlPlaceholder: string;
  /** The certificate pin's help and the `host:port` its command shows until an address is typed. */
  pin?: { help: string; example: string };
}

interface FingerprintRow {
  row: HTMLElement;
  input: HTMLInputElement;
  drawCommand(): void;
}

/** The fingerprint row: the field, its help, then the command that reads it for the address typed. */
function fingerprintRow(kind: PlatformKind, url: HTMLInputElement, pin: { help: string; example: string }): FingerprintRow {
  const input = textInput('', {
    testid: `conn-${kind}-fingerprint`,
    class: 'input mono fingerprint',
    placeholder: 'e.g. 3A:7F:…:C2 (optional)',
  });
  const command = el('code', { class: 'example command', id: uid('cmd'), testid: `conn-${kind}-fingerprint-command` });
  const drawCommand = (): void => {
    command.textContent = fingerprintCommand(url.value, pin.example);
  };
  url.addEventListener('input', drawCommand);
  const f = field('Certificate fingerprint (SHA-256)', input, pin.help);
  f.error.before(command);
  const [helpId, errorId] = (input.getAttribute('aria-describedby') ?? '').split(' ');
  input.setAttribute('aria-describedby', [helpId, command.id, errorId].join(' '));
  drawCommand();
  return { row: f.row, input, drawCommand };
}

function platform(kind: PlatformKind, spec: PlatformSpec): Platform {
  const url = textInput('', { testid: `conn-${kind}-url`, placeholder: spec.urlPlaceholder });
  const username = textInput('', { testid: `conn-${kind}-username` });
  const secret = secretField(spec.labels.secret, spec.help.secret, `conn-${kind}-secret`);
  const pin = spec.pin === undefined ? null : fingerprintRow(kind, url, spec.pin);
  const group = el('div', { class: 'field-group', testid: `conn-${kind}-fields` }, [
    field(spec.labels.url, url, spec.help.url).row,
    field(spec.labels.username, username, spec.help.username).row,
    secret.row,
    pin?.row ?? null,
  ]);
  return { group, url, username, secret, fingerprint: pin?.input ?? null, drawCommand: pin?.drawCommand ?? (() => {}) };
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
  const platforms = {
    msp360: platform('msp360', {
      labels: { url: 'API address (optional)', username: 'API login', secret: 'API password' },
      help: { url: HELP.msp360Url, username: HELP.msp360Username, secret: HELP.msp360Password },
      urlPlaceholder: MSP360_DEFAULT_URL,
    }),
    comet: platform('comet', {
      labels: { url: 'Comet Server URL', username: 'Admin username', secret: 'Admin password' },
      help: { url: HELP.cometUrl, username: HELP.cometUsername, secret: HELP.cometPassword },
      urlPlaceholder: 'https://backup.example.com:8060',
      pin: { help: HELP.cometFingerprint, example: 'backup.example.com:8060' },
    }),
    vspc: platform('vspc', {
      labels: { url: 'Console address', username: 'Username (optional)', secret: 'API key or password' },
      help: { url: HELP.vspcUrl, username: HELP.vspcUsername, secret: HELP.vspcSecret },
      urlPlaceholder: 'https://vspc.example.com:1280',
      pin: { help: HELP.vspcFingerprint, example: 'vspc.example.com:1280' },
    }),
  } as const;
  const platformKinds = Object.keys(platforms) as PlatformKind[];

  const kind = (): api.SourceKind => parseSourceKind(kindSelect.value);
  const draw = (): void => {
    const k = kind();
    dashboard.hidden = k !== 'dashboard';
    for (const p of platformKinds) platforms[p].group.hidden = k !== p;
  };
  kindSelect.addEventListener('change', () => {
    draw();
    onChange();
  });

  const sourceCardEl = card('Backup source', 'Where the backup alerts come from.', [
    field('Backup platform', kindSelect, HELP.sourceKind).row,
    dashboard,
    ...platformKinds.map((p) => platforms[p].group),
  ], 'conn-source-card');
  draw();

  return {
    card: sourceCardEl,
    kind,
    fill(view) {
      kindSelect.value = view.source_kind;
      dashUrl.value = view.dashboard_url ?? '';
      dashToken.reset(view.dashboard_token);
      for (const k of platformKinds) {
        const values = platformValues(k, view);
        const p = platforms[k];
        p.url.value = values.url;
        p.username.value = values.username;
        if (p.fingerprint !== null) p.fingerprint.value = values.fingerprint;
        p.secret.reset(sourceSecretStatus(k, view));
        p.drawCommand();
      }
      draw();
    },
    input(view) {
      const k = kind();
      const chosen = k === 'dashboard' ? null : platforms[k];
      const typed = {
        url: chosen?.url.value ?? '',
        username: chosen?.username.value ?? '',
        fingerprint: chosen?.fingerprint?.value ?? '',
      };
      const settings = sourceSettings(k, typed, view);
      return {
        dashboard_url: dashUrl.value.trim(),
        dashboard_token: k === 'dashboard' ? dashToken.value() : null,
        source_kind: k,
        source_url: settings.url,
        source_username: settings.username,
        source_tls_fingerprint: settings.fingerprint,
        source_secret: chosen === null ? null : chosen.secret.value(),
      };
    },
  };
}
