// The fake backend's world: settings, keychain, companies, ledger and runs,
// with the rules the real commands apply (what is missing for a sync, how a
// mapping resolves, effective filters). One world for the user's data and a
// separate one for demo mode, as the real app keeps a separate demo database.
import type {
  AppInfo,
  Attention,
  CompanyView,
  ConnectionView,
  Override,
  RunRecord,
  SecretStatus,
  Snooze,
  Status,
  TicketRow,
  TypeFilter,
} from '../../ui/src/api';
import { CW_COMPANIES, DASHBOARD_COMPANIES, manyCompanies, unmapped } from './fixtures';

/** How a test starts the fake backend (`window.__BB_SCENARIO__`). */
export interface Scenario {
  /** Start with a working connection, mapped companies and a board. */
  configured: boolean;
  /** Extra generated companies (for the 1,000-row test). */
  extraCompanies?: number;
  /** Start with tickets and runs already there. */
  history?: boolean;
  /** The sync backend failed to start with this sentence (e.g. a damaged database). */
  startError?: string;
  /**
   * Start with 12 tickets whose events all vanished from the Dashboard (the
   * removal guard held them back, rule 15) and two stuck calls (rule 16).
   */
  attention?: boolean;
  /** Secrets given by the environment (`BB_CW_SECRET`, `BB_DASHBOARD_TOKEN`, `BB_SOURCE_SECRET`). */
  envSecrets?: Which[];
  /**
   * Start with a storm's history (issue 17): 20 tickets created since it
   * began, runs holding creates; `'clicked'`: the window was started by a
   * click on the storm notification, so the tray holds its Activity filter.
   */
  storm?: 'history' | 'clicked';
  /** Start with this backup source configured instead of the Dashboard. */
  source?: 'msp360' | 'comet' | 'vspc';
}

/** A keychain entry's name: ConnectWise, the Dashboard token, the platform password. */
export type Which = 'cw' | 'dashboard' | 'source';

const SECRETS: Record<Which, { setting: string; what: string; variable: string }> = {
  cw: { setting: 'cw.site', what: 'ConnectWise private key or password', variable: 'BB_CW_SECRET' },
  dashboard: { setting: 'dashboard.url', what: 'Dashboard token', variable: 'BB_DASHBOARD_TOKEN' },
  source: { setting: 'source.url', what: 'backup source password', variable: 'BB_SOURCE_SECRET' },
};

/** `secrets::SecretKey`'s setting, sentence and variable. */
export function secretInfo(which: Which): { setting: string; what: string; variable: string } {
  return SECRETS[which];
}

/** `source.kind`, the Dashboard by default. */
export function sourceKind(w: World): 'dashboard' | 'msp360' | 'comet' | 'vspc' {
  const k = w.stored.get('source.kind');
  return k === 'msp360' || k === 'comet' || k === 'vspc' ? k : 'dashboard';
}

/** A keychain entry: the secret and the host it was saved for (design §2). */
export interface SavedSecret {
  value: string;
  host: string;
}

export interface World {
  stored: Map<string, string>;
  /** The keychain: the UI can never read these back. */
  secrets: Map<Which, SavedSecret>;
  /** Secrets the environment gives: used for any host, the keychain ignored. */
  env: Set<Which>;
  companies: CompanyView[];
  tickets: TicketRow[];
  runs: RunRecord[];
  status: Status;
  /** What `needs_attention` reports. */
  attention: Attention;
  /** `confirm_removals` was called; the next cycle applies the held removals. */
  removalsConfirmed: boolean;
  /** Every snooze added, ended ones included. */
  snoozes: Snooze[];
}

export const VERSION = '0.1.0';
export const DATA_DIR = '/home/tech/.local/share/BackupBridge';

export function emptyWorld(): World {
  return {
    stored: new Map(),
    secrets: new Map(),
    env: new Set(),
    companies: [],
    tickets: [],
    runs: [],
    status: { state: { state: 'idle' }, cycles: 0, last_run_at: null, last_report: null, next_in_secs: null },
    attention: { stuck: [], guarded_removals: null },
    removalsConfirmed: false,
    snoozes: [],
  };
}

const UNTIL_FORMS = 'an RFC 3339 time (2026-12-07T06:00:00Z), a local time (2026-12-07 06:00) or a duration from now (90m, 2h, 1d)';

/** A time as the core stores snooze times: UTC, whole seconds. */
export function snoozeTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}

/** `ops::parse_until`: the end of a snooze, or the core's refusal. */
export function parseUntil(text: string, now: Date): Date | string {
  const t = text.trim();
  let at: Date | null = null;
  const local = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/.exec(t);
  const length = /^(\d+)([mhd])$/.exec(t);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(t)) at = new Date(t);
  else if (local !== null) at = new Date(Number(local[1]), Number(local[2]) - 1, Number(local[3]), Number(local[4]), Number(local[5]));
  else if (length !== null) at = new Date(now.getTime() + Number(length[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[length[2] as 'm' | 'h' | 'd']);
  if (at === null || Number.isNaN(at.getTime())) return `cannot read the snooze end "${t}"; use ${UNTIL_FORMS}`;
  if (at.getTime() <= now.getTime()) return `the snooze end ${snoozeTime(at)} is not in the future; use ${UNTIL_FORMS}`;
  return at;
}

/** Settings still needed before a sync (Settings::missing_for_sync). */
export function missing(w: World): string[] {
  const need = ['cw.site', 'cw.company'];
  if ((w.stored.get('cw.auth_mode') ?? 'api_member') === 'integrator') {
    need.push('cw.integrator_username', 'cw.impersonate_member');
  } else {
    need.push('cw.public_key');
  }
  need.push('cw.client_id', 'ticket.board');
  const kind = sourceKind(w);
  if (kind === 'dashboard') need.push('dashboard.url');
  if (kind === 'comet' || kind === 'vspc') need.push('source.url');
  // VSPC signs in with an API key alone, or a username and password.
  if (kind === 'msp360' || kind === 'comet') need.push('source.username');
  return need.filter((k) => !w.stored.has(k));
}

export function appInfo(w: World, demo: boolean): AppInfo {
  const m = missing(w);
  return {
    name: 'BackupBridge',
    version: VERSION,
    data_dir: demo ? `${DATA_DIR}/demo` : DATA_DIR,
    log_dir: `${DATA_DIR}/logs`,
    demo,
    configured: m.length === 0,
    missing: m,
    error: null,
  };
}

const CLOUD = /^(na|eu|au|aus|za|staging)\.myconnectwise\.net$/;

/** The host a secret is sent to (`engine::secret_host`): lower case, no port; CW cloud gets `api-`. */
export function secretHost(w: World, which: Which): string | null {
  let raw = w.stored.get(SECRETS[which].setting);
  if (raw === undefined && which === 'source' && sourceKind(w) === 'msp360') raw = 'https://api.mspbackups.com';
  if (raw === undefined) return null;
  const host = new URL(raw.includes('://') ? raw : `https://${raw}`).hostname.toLowerCase();
  return which === 'cw' && CLOUD.test(host) ? `api-${host}` : host;
}

/** `bound::status`. */
export function secretStatus(w: World, which: Which): SecretStatus {
  if (w.env.has(which)) return { state: 'environment', variable: SECRETS[which].variable };
  const saved = w.secrets.get(which);
  if (saved === undefined) return { state: 'missing' };
  const host = secretHost(w, which);
  return host !== null && host !== saved.host ? { state: 'other_host', saved_for: saved.host } : { state: 'saved' };
}

/** A secret a sync may use for the configured host. */
export function usable(w: World, which: Which): boolean {
  const status = secretStatus(w, which).state;
  return status === 'saved' || status === 'environment';
}

/** `SecretError::OtherHost`'s sentence, or null. */
export function otherHost(w: World, which: Which): string | null {
  const status = secretStatus(w, which);
  if (status.state !== 'other_host') return null;
  const { what, setting } = SECRETS[which];
  return (
    `the ${what} was saved for ${status.saved_for}, but ${setting} now points to ${secretHost(w, which) ?? ''}; ` +
    `enter it again (\`backup-bridge secret set ${which}\`, or Replace on the Connection screen) before anything is sent there`
  );
}

export function connectionView(w: World): ConnectionView {
  const s = (k: string): string | null => w.stored.get(k) ?? null;
  return {
    site: s('cw.site'),
    company: s('cw.company'),
    auth_mode: s('cw.auth_mode') === 'integrator' ? 'integrator' : 'api_member',
    public_key: s('cw.public_key'),
    integrator_username: s('cw.integrator_username'),
    impersonate_member: s('cw.impersonate_member'),
    client_id: s('cw.client_id'),
    dashboard_url: s('dashboard.url'),
    source_kind: sourceKind(w),
    source_url: s('source.url'),
    source_username: s('source.username'),
    source_tls_fingerprint: s('source.tls_fingerprint'),
    cw_secret_saved: usable(w, 'cw'),
    dashboard_token_saved: usable(w, 'dashboard'),
    source_secret_saved: usable(w, 'source'),
    cw_secret: secretStatus(w, 'cw'),
    dashboard_token: secretStatus(w, 'dashboard'),
    source_secret: secretStatus(w, 'source'),
    missing: missing(w),
  };
}

export function parseFilter(text: string): TypeFilter {
  const t = text.trim();
  if (t.toLowerCase() === 'all') return 'All';
  return { Only: t.split(',').map((s) => s.trim()).filter((s) => s !== '') };
}

/** Recomputes `effective` from the company's overrides and the defaults. */
export function withEffective(w: World, c: CompanyView): CompanyView {
  const def = (k: string, d: string): string => w.stored.get(k) ?? d;
  const resolve = <T>(o: Override<T>, d: T): T => (o === 'Default' ? d : o.Explicit);
  return {
    ...c,
    effective: {
      event_types: resolve(c.event_types, parseFilter(def('defaults.event_types', 'Error,Warning,BackupAnomaly'))),
      backup_types: resolve(c.backup_types, parseFilter(def('defaults.backup_types', 'all'))),
      agreement_condition: resolve(c.agreement_condition, def('defaults.agreement_condition', '')),
    },
  };
}

function mapTo(c: CompanyView, identifier: string): CompanyView {
  const cw = CW_COMPANIES.find((x) => x.identifier === identifier);
  if (cw === undefined) return c;
  return { ...c, cw_identifier: cw.identifier, cw_company_id: cw.id, cw_company_name: cw.name };
}

/** A configured world like the demo's: five companies mapped (Fabrikam and Tailspin not). */
export function configuredWorld(scenario: Scenario, now: Date): World {
  const w = emptyWorld();
  const values: Array<[string, string]> = [
    ['cw.site', 'na.myconnectwise.net'],
    ['cw.company', 'acmeit'],
    ['cw.auth_mode', 'api_member'],
    ['cw.public_key', 'Xy7Kp2Lq9Rt4Vw1Z'],
    ['cw.client_id', '3f2b8c1d-9a4e-4b7f-8c2d-1e5f6a7b8c9d'],
    ['dashboard.url', 'https://backup.acmeit.example'],
    ['ticket.board', 'Service Desk'],
    ['ticket.priority.Error', 'Priority 2 - High'],
    ['ticket.priority.Warning', 'Priority 3 - Normal'],
    ['defaults.agreement_condition', 'name like "%ICB" and agreementStatus = "Active"'],
  ];
  for (const [k, v] of values) w.stored.set(k, v);
  w.secrets.set('cw', { value: 'stored-private-key-never-shown', host: 'api-na.myconnectwise.net' });
  w.secrets.set('dashboard', { value: 'stored-dashboard-token-never-shown', host: 'backup.acmeit.example' });
  if (scenario.source === 'msp360') {
    w.stored.set('source.kind', 'msp360');
    w.stored.set('source.username', 'acmeit-api');
    w.secrets.set('source', { value: 'stored-msp360-password-never-shown', host: 'api.mspbackups.com' });
  } else if (scenario.source === 'comet') {
    w.stored.set('source.kind', 'comet');
    w.stored.set('source.url', 'https://backup.acmeit.example:8060');
    w.stored.set('source.username', 'backupbridge');
    w.secrets.set('source', { value: 'stored-comet-password-never-shown', host: 'backup.acmeit.example' });
  } else if (scenario.source === 'vspc') {
    // An API key (no username) and the console's self-signed certificate pinned.
    w.stored.set('source.kind', 'vspc');
    w.stored.set('source.url', 'https://vspc.acmeit.example:1280');
    w.stored.set('source.tls_fingerprint', VSPC_PIN);
    w.secrets.set('source', { value: 'stored-vspc-api-key-never-shown', host: 'vspc.acmeit.example' });
  }
  for (const which of scenario.envSecrets ?? []) w.env.add(which);
  const ids = ['AcmeDental', 'NorthwindLaw', 'ContosoHealth', null, 'BlueYonder', null];
  w.companies = DASHBOARD_COMPANIES.map(([id, name], i) => {
    let c = unmapped(id, name);
    const ident = ids[i];
    if (ident !== null && ident !== undefined) c = mapTo(c, ident);
    return c;
  });
  const at = new Date(now.getTime() - 4 * 60_000).toISOString();
  for (const c of w.companies) {
    if (c.cw_company_id === null) continue;
    c.last_status =
      c.id === 'c-1005'
        ? { ok: false, at, message: 'no agreement of Blue Yonder Airlines matches name like "%ICB" and agreementStatus = "Active": add one in ConnectWise or change the condition' }
        : { ok: true, at, message: '' };
  }
  const second = w.companies[1];
  if (second !== undefined) {
    second.backup_types = { Explicit: { Only: ['FileLevel', 'ImageBased'] } };
    second.event_types = { Explicit: { Only: ['Error'] } };
  }
  const third = w.companies[2];
  if (third !== undefined) third.agreement_condition = { Explicit: 'type/name = "Business Continuity"' };
  w.companies.push(...manyCompanies(scenario.extraCompanies ?? 0, now));
  w.companies = w.companies.map((c) => withEffective(w, c));
  w.status = {
    state: { state: 'idle' },
    cycles: 0,
    last_run_at: null,
    last_report: null,
    next_in_secs: 300,
  };
  return w;
}

/** Setting keys the real `set_setting` rejects values for, with its wording. */
export function checkSetting(key: string, value: string): string | null {
  const v = value.trim();
  switch (key) {
    case 'sync.interval_secs': {
      const n = Number(v);
      if (!Number.isInteger(n)) return `invalid value for sync.interval_secs: "${v}" is not a whole number`;
      return n < 10 || n > 86400 ? `invalid value for sync.interval_secs: the interval must be between 10 and 86400 seconds, got ${n}` : null;
    }
    case 'defaults.event_types':
    case 'defaults.backup_types':
      return v === '' ? `invalid value for ${key}: list at least one type (comma separated), or use all` : null;
    case 'storm.max_creates_per_cycle':
      return /^\d+$/.test(v) && Number(v) <= 1_000_000
        ? null
        : `invalid value for ${key}: expected a whole number of tickets from 0 (no cap) to 1000000, got "${v}"`;
    case 'storm.rollup_min':
    case 'ticket.flap_window_mins': {
      const n = Number(v);
      if (!/^\d+$/.test(v)) return `invalid value for ${key}: expected a whole number, got "${v}"`;
      if (key === 'storm.rollup_min') return n < 2 || n > 100_000 ? `invalid value for ${key}: a roll-up needs between 2 and 100000 failures, got ${n}` : null;
      return n < 1 || n > 10_080 ? `invalid value for ${key}: the flap window must be between 1 and 10080 minutes (one week), got ${n}` : null;
    }
    case 'ticket.removed_policy':
      return ['close', 'leave', 'delete'].includes(v) ? null : `invalid value for ${key}: use close, leave or delete`;
    case 'source.kind':
      return v === '' || ['dashboard', 'msp360', 'comet', 'vspc'].includes(v.toLowerCase()) ? null : `invalid value for source.kind: "${v}" is not a backup source; use dashboard, msp360, comet or vspc`;
    case 'source.tls_fingerprint':
      return v === '' || normalizeFingerprint(v) !== null
        ? null
        : `invalid value for source.tls_fingerprint: "${v}" is not a SHA-256 fingerprint; paste the 64 hex digits (colons allowed), e.g. from \`openssl x509 -noout -fingerprint -sha256\``;
    case 'cw.site':
    case 'dashboard.url':
    case 'source.url':
      if (v === '') return null;
      if (/\s/.test(v)) return `invalid value for ${key}: "${v}" is not a host name or URL`;
      if (/^http:\/\//i.test(v) && !/^http:\/\/(localhost|127\.0\.0\.1)/i.test(v)) {
        return `invalid value for ${key}: use https (plain http is only allowed for this computer)`;
      }
      return null;
    default:
      return null;
  }
}

/** The VSPC scenario's pinned certificate. */
export const VSPC_PIN = '3A:7F:21:C4:9B:0E:55:D2:18:6A:E3:47:BC:90:0F:2D:71:8E:A4:36:C5:19:F0:62:DB:8B:04:7C:E9:53:A1:C2';

/**
 * `tls::Fingerprint::parse` then its `Display`: hex digits with or without
 * colons, spaces or dashes, any case, optionally after openssl's
 * `SHA256 Fingerprint=`; `AB:CD:…`, or null when it is not one.
 */
export function normalizeFingerprint(text: string): string | null {
  const lower = text.trim().toLowerCase();
  const prefix = ['sha256 fingerprint=', 'sha-256:', 'sha256:', 'sha256='].find((p) => lower.startsWith(p));
  const hex = (prefix === undefined ? lower : lower.slice(prefix.length)).replace(/[: -]/g, '');
  if (!/^[0-9a-f]{64}$/.test(hex)) return null;
  return (hex.match(/../g) ?? []).join(':').toUpperCase();
}
