// The only module that talks to the Tauri backend: one typed function per
// command (the list is crates/shell/src/commands/names.rs) and one per event. Types mirror the core
// structs as serde writes them: core structs are snake_case, ConnectWise types
// (Agreement, BoardStatus, Priority, Company, NamedRef) are camelCase, Rust
// enums without a rename keep their variant names ("Default", "Open").
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';

import { toAppError } from './errors';

// ---------------------------------------------------------------- app + status

/** `app_info`: who is running and whether a sync can run. */
export interface AppInfo {
  /** "BackupBridge" (the shell adds it; absent in older builds). */
  name?: string;
  version: string;
  data_dir: string;
  log_dir: string;
  /** Running against the built-in simulators. */
  demo: boolean;
  /** Every setting a sync needs is present. */
  configured: boolean;
  /** Setting keys still needed before a sync can run (e.g. `cw.site`). */
  missing: string[];
  /** Why the sync backend could not start (e.g. a damaged database), if it could not. */
  error?: { kind: string; message: string } | null;
}

/** `bridge_core::scheduler::SyncState` (serde tag `state`). */
export type SyncState =
  | { state: 'idle' }
  | { state: 'syncing' }
  | { state: 'paused' }
  | { state: 'error'; reason: string; retryable: boolean };

/** `store::runs::RunCounts`. */
export interface RunCounts {
  created: number;
  updated: number;
  notes: number;
  closed: number;
  reopened: number;
  deleted: number;
  skipped: number;
  errors: number;
}

/** `engine::ActionLine`: one thing a cycle did, or in a dry run would do. */
export interface ActionLine {
  event_id: string;
  company_id: string;
  ticket_id: number | null;
  text: string;
}

/** `engine::Problem`: one problem of a cycle. */
export interface Problem {
  /** `company:<id>`, `event:<id>` or `item:<position>`. */
  key: string;
  message: string;
}

/** `source::RejectedItem`: a Dashboard item that could not be read. */
export interface RejectedItem {
  position: number;
  id: string | null;
  reason: string;
}

/** `plan::GuardedRemovals`: removals the removal guard held back (rule 15). */
export interface GuardedRemovals {
  /** Tracked events missing from the Dashboard listing. */
  count: number;
  /** Open and closed tickets the Dashboard source tracks in all. */
  tracked: number;
}

/** `engine::RunReport`. */
export interface RunReport {
  run_id: number | null;
  dry_run: boolean;
  events_seen: number;
  counts: RunCounts;
  actions: ActionLine[];
  errors: Problem[];
  rejected: RejectedItem[];
  /** Removals waited for a listing without unreadable items. */
  removals_held: boolean;
  /**
   * Rule 15: this many tracked events were missing, too many to close or
   * delete without a person's confirmation; none was (problem key `removals:guarded`).
   */
  removals_guarded: GuardedRemovals | null;
}

/** `scheduler::Status`, also the payload of the `status` event. */
export interface Status {
  state: SyncState;
  cycles: number;
  /** RFC 3339. */
  last_run_at: string | null;
  last_report: RunReport | null;
  next_in_secs: number | null;
}

/** `alerts::Notification`, payload of the `notification` event. */
export interface Notification {
  title: string;
  body: string;
  is_failure: boolean;
}

// ---------------------------------------------------------------- connection

export type AuthMode = 'api_member' | 'integrator';

/** `source::SourceKind`: the backup platform the alerts come from (`source.kind`). */
export type SourceKind = 'dashboard' | 'msp360' | 'comet' | 'vspc';

/**
 * `secrets::SecretStatus`: where a secret stands for the configured host.
 * A secret saved for another host must be entered again before anything is
 * sent; one from the environment is used as given and the keychain ignored.
 */
export type SecretStatus =
  | { state: 'missing' }
  | { state: 'saved' }
  | { state: 'other_host'; saved_for: string }
  | { state: 'environment'; variable: string };

/** `ops::ConnectionView`: secrets only as "saved" flags and their status. */
export interface ConnectionView {
  site: string | null;
  company: string | null;
  auth_mode: AuthMode;
  public_key: string | null;
  integrator_username: string | null;
  impersonate_member: string | null;
  client_id: string | null;
  dashboard_url: string | null;
  source_kind: SourceKind;
  /** `source.url`; null = the kind's default (MSP360's SaaS API). */
  source_url: string | null;
  /** `source.username`; null for VSPC with an API key. */
  source_username: string | null;
  /** `source.tls_fingerprint`: a self-hosted platform's pinned certificate (`AB:CD:…`); null = the usual checks. */
  source_tls_fingerprint: string | null;
  cw_secret_saved: boolean;
  dashboard_token_saved: boolean;
  source_secret_saved: boolean;
  cw_secret: SecretStatus;
  dashboard_token: SecretStatus;
  /** The MSP360 API password, Comet admin password or VSPC API key or password, bound to the platform's host. */
  source_secret: SecretStatus;
  missing: string[];
}

/** `ops::ConnectionInput`: a `null` secret keeps the saved one. */
export interface ConnectionInput {
  site: string;
  company: string;
  auth_mode: AuthMode;
  public_key: string;
  integrator_username: string;
  impersonate_member: string;
  client_id: string;
  dashboard_url: string;
  source_kind: SourceKind;
  source_url: string;
  source_username: string;
  /** A SHA-256 certificate fingerprint as pasted; empty clears the pin. */
  source_tls_fingerprint: string;
  cw_secret: string | null;
  dashboard_token: string | null;
  source_secret: string | null;
}

/** `ops::TestStep`. */
export interface TestStep {
  name: string;
  ok: boolean;
  detail: string;
}

/** `cw::MissingRight`: what the app cannot do, and where to grant it. */
export interface MissingRight {
  right: string;
  hint: string;
}

/** `ops::TestReport`. */
export interface TestReport {
  ok: boolean;
  steps: TestStep[];
  missing_rights: MissingRight[];
}

// ---------------------------------------------------------------- settings

/** `store::settings::SettingEntry`. */
export interface SettingEntry {
  key: string;
  value: string | null;
  is_default: boolean;
  help: string;
}

/** `conditions::ConditionError`: 1-based character column. */
export interface ConditionError {
  column: number;
  message: string;
}

/** `cw::NamedRef`. */
export interface NamedRef {
  id: number;
  name: string;
}

/** `cw::BoardStatus`. */
export interface BoardStatus {
  id: number;
  name: string;
  closedStatus: boolean;
  defaultFlag: boolean;
  inactive: boolean;
  sortOrder: number;
}

/** `ops::BoardOptions`. */
export interface BoardOptions {
  statuses: BoardStatus[];
  types: NamedRef[];
  subtypes: NamedRef[];
  items: NamedRef[];
}

/** `cw::Priority`. */
export interface Priority {
  id: number;
  name: string;
  defaultFlag: boolean;
  sortOrder: number;
}

/** `cw::CompanyRef`. */
export interface CompanyRef {
  id: number;
  identifier: string;
  name: string;
}

/** `cw::Agreement`. */
export interface Agreement {
  id: number;
  name: string;
  type: NamedRef | null;
  company: CompanyRef | null;
  agreementStatus: string | null;
  cancelledFlag: boolean;
}

/** `ops::SeenTypes`: documented types plus those the Dashboard has sent. */
export interface SeenTypes {
  event_types: string[];
  backup_types: string[];
}

// ---------------------------------------------------------------- companies

/** `model::TypeFilter`. */
export type TypeFilter = 'All' | { Only: string[] };

/** `model::Override<T>`. */
export type Override<T> = 'Default' | { Explicit: T };

/** `store::companies::LastStatus`. */
export interface LastStatus {
  ok: boolean;
  at: string;
  message: string;
}

/** `store::companies::EffectiveFilters`. */
export interface EffectiveFilters {
  event_types: TypeFilter;
  backup_types: TypeFilter;
  agreement_condition: string;
}

/** `ops::CompanyView`: a `CompanyRow` flattened, plus its effective filters. */
export interface CompanyView {
  id: string;
  name: string;
  present: boolean;
  cw_identifier: string | null;
  cw_company_id: number | null;
  cw_company_name: string | null;
  event_types: Override<TypeFilter>;
  backup_types: Override<TypeFilter>;
  agreement_condition: Override<string>;
  last_status: LastStatus | null;
  effective: EffectiveFilters;
}

/** `ops::Company` as `suggest_companies` returns it. */
export interface CwCompany {
  id: number;
  identifier: string;
  name: string;
}

/**
 * `map_company` request. Each optional field is `"default"` or a value (a
 * comma list, `all`, or condition text); absent keeps the current value.
 */
export interface MapRequest {
  backupCompanyId: string;
  cwIdentifier: string;
  eventTypes?: string;
  backupTypes?: string;
  agreementCondition?: string;
}

// ---------------------------------------------------------------- activity

export type TicketState = 'Open' | 'Closed' | 'Removed' | 'Deleted';

/** `ops::TicketRow`: a ledger entry flattened, plus its ConnectWise link. */
export interface TicketRow {
  event_id: string;
  company_id: string;
  ticket_id: number;
  state: TicketState;
  anomaly: boolean;
  event_type: string;
  job_status: string;
  message: string;
  summary: string;
  priority: string | null;
  content_hash: string;
  pushed_details: string[];
  last_action: string | null;
  last_error: string | null;
  updated_at: string;
  url: string | null;
}

/** `store::runs::RunRecord`. */
export interface RunRecord {
  id: number;
  started_at: string;
  finished_at: string | null;
  counts: RunCounts;
  error_messages: string[];
}

/** `ops::StuckIntent`: a ConnectWise call that could not be settled (rule 16). */
export interface StuckIntent {
  /** The outbox id (`backup-bridge outbox forget ID`). */
  id: number;
  event_id: string;
  /** What the call was, e.g. "add a note to ticket #1002". */
  what: string;
  /** Why it could not be settled. */
  error: string | null;
  /** When it was intended (RFC 3339). */
  since: string;
}

/** `ops::Attention`: what waits for a person. */
export interface Attention {
  /** Stuck calls, oldest first (rule 16). */
  stuck: StuckIntent[];
  /** Removals the guard holds back (rule 15), if any. */
  guarded_removals: GuardedRemovals | null;
}

// ---------------------------------------------------------------- calls

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    // Commands reject with the shell's `{kind, message}`; normalise anything else.
    throw toAppError(error);
  }
}

export const getAppInfo = (): Promise<AppInfo> => call('app_info');
export const getStatus = (): Promise<Status> => call('get_status');
export const syncNow = (): Promise<void> => call('sync_now');
export const setPaused = (paused: boolean): Promise<void> => call('set_paused', { paused });

export const getConnection = (): Promise<ConnectionView> => call('get_connection');
export const saveConnection = (input: ConnectionInput): Promise<ConnectionView> =>
  call('save_connection', { input });
export const testConnection = (): Promise<TestReport> => call('test_connection');

export const getSettings = (): Promise<SettingEntry[]> => call('get_settings');
export const setSetting = (key: string, value: string): Promise<SettingEntry[]> =>
  call('set_setting', { key, value });
export const validateCondition = (text: string): Promise<ConditionError | null> =>
  call('validate_condition', { text });
export const previewAgreements = (
  backupCompanyId: string,
  condition: string,
): Promise<Agreement[]> => call('preview_agreements', { backupCompanyId, condition });
export const summaryExample = (template: string): Promise<string> =>
  call('summary_example', { template });
export const listBoards = (): Promise<NamedRef[]> => call('list_boards');
export const boardOptions = (board: string): Promise<BoardOptions> =>
  call('board_options', { board });
export const listPriorities = (): Promise<Priority[]> => call('list_priorities');
export const seenTypes = (): Promise<SeenTypes> => call('seen_types');

export const listCompanies = (): Promise<CompanyView[]> => call('list_companies');
export const refreshCompanies = (): Promise<CompanyView[]> => call('refresh_companies');
export const mapCompany = (req: MapRequest): Promise<CompanyView> => call('map_company', { req });
export const unmapCompany = (backupCompanyId: string): Promise<void> =>
  call('unmap_company', { backupCompanyId });
export const suggestCompanies = (backupCompanyId: string): Promise<CwCompany[]> =>
  call('suggest_companies', { backupCompanyId });

export const listTickets = (): Promise<TicketRow[]> => call('list_tickets');
export const recentRuns = (): Promise<RunRecord[]> => call('recent_runs');
export const previewSync = (): Promise<RunReport> => call('preview_sync');
export const openTicket = (url: string): Promise<void> => call('open_ticket', { url });
/** Stuck calls and held removals: what waits for a person. */
export const needsAttention = (): Promise<Attention> => call('needs_attention');
/** Confirms the held removals; the sync it starts at once applies them. */
export const confirmRemovals = (): Promise<void> => call('confirm_removals');
/** Drops a stuck call (its event is planned afresh); resolves to the forgotten call. */
export const forgetIntent = (id: number): Promise<StuckIntent> => call('forget_intent', { id });

/** The log's last `lines` lines, or only sync run `run`'s lines. */
export const logTail = (lines: number, run: number | null = null): Promise<string> =>
  call('log_tail', { lines, run });
export const copyDiagnostics = (): Promise<string> => call('copy_diagnostics');

export const startDemo = (): Promise<AppInfo> => call('start_demo');
export const stopDemo = (): Promise<AppInfo> => call('stop_demo');
/** Repairs a damaged database; resolves to what was kept, one sentence per line. */
export const recoverDatabase = (): Promise<string[]> => call('recover_database');

/** Calls `handler` with every `status` event; resolves to the unsubscribe function. */
export function onStatus(handler: (status: Status) => void): Promise<UnlistenFn> {
  return listen<Status>('status', (event) => handler(event.payload));
}

/** Calls `handler` with every `notification` event. */
export function onNotification(handler: (n: Notification) => void): Promise<UnlistenFn> {
  return listen<Notification>('notification', (event) => handler(event.payload));
}
