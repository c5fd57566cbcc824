// Generated from the command declarations in crates/shell/src/commands/mod.rs
// and the serde attributes of the Rust types they name: do not edit;
// regenerate with `BB_UPDATE_BINDINGS=1 cargo test -p bridge-shell bindings`.

/**
 * One thing the engine did (or, in a dry run, would do).
 */
export type ActionLine = {
  event_id: string;
  company_id: string;
  ticket_id: number | null;
  text: string;
};

/**
 * A filter of the Activity screen's tickets that a notification asks for.
 */
export type ActivityFilter = {
  /**
   * Only the tickets created at or after this time (RFC 3339, UTC): for a
   * storm, the start of the cycle whose creates the storm guard first held.
   */
  created_since: string;
};

/**
 * A company's agreement (contract).
 */
export type Agreement = {
  id: number;
  name: string;
  type: NamedRef | null;
  company: CompanyRef | null;
  agreementStatus: string | null;
  cancelledFlag: boolean;
};

/**
 * Identity, mode and whereabouts of the running app (`app_info`).
 */
export type AppInfo = {
  /**
   * Product name, "BackupBridge".
   */
  name: string;
  /**
   * Semantic version of this build.
   */
  version: string;
  /**
   * Folder holding the app's data (databases, logs).
   */
  data_dir: string;
  /**
   * Folder holding the rotating log files.
   */
  log_dir: string;
  /**
   * Demo mode: the built-in simulators, a separate database, secrets in memory.
   */
  demo: boolean;
  /**
   * Every setting a sync needs is set (and the database opened).
   */
  configured: boolean;
  /**
   * Setting keys still needed before a sync can run.
   */
  missing: Array<string>;
  /**
   * Why the sync backend could not start (e.g. a damaged database).
   */
  error: ErrorInfo | null;
};

/**
 * What waits for a person.
 */
export type Attention = {
  /**
   * Stuck intents, oldest first (rule 16).
   */
  stuck: Array<StuckIntent>;
  /**
   * Removals the guard holds back (rule 15).
   */
  guarded_removals: GuardedRemovals | null;
};

/**
 * Everything that depends on the chosen board.
 */
export type BoardOptions = {
  statuses: Array<BoardStatus>;
  types: Array<NamedRef>;
  subtypes: Array<NamedRef>;
  items: Array<NamedRef>;
};

/**
 * A status of one board (statuses are per board).
 */
export type BoardStatus = {
  id: number;
  name: string;
  closedStatus: boolean;
  defaultFlag: boolean;
  inactive: boolean;
  sortOrder: number;
};

/**
 * A ConnectWise company (customer).
 */
export type Company = {
  id: number;
  identifier: string;
  name: string;
};

/**
 * Where a page ends: the last row's name and id. The next page starts after it.
 */
export type CompanyCursor = {
  name: string;
  id: string;
};

/**
 * One page of companies in name order, and the counts the screen shows.
 */
export type CompanyPage = {
  rows: Array<CompanyView>;
  /**
   * Where the next page starts (`null`: this page is the last).
   */
  next: CompanyCursor | null;
  /**
   * Companies that match the search, on every page.
   */
  matched: number;
  /**
   * Every company, matching or not.
   */
  total: number;
  /**
   * `is:` words of the search that name no flag, as typed.
   */
  unknown: Array<string>;
};

/**
 * What page of companies a screen asks for.
 */
export type CompanyQuery = {
  /**
   * The search box's text: words, `"quoted words"` and `is:` flags
   * (mapped, unmapped, error, ok, override, gone).
   */
  search: string;
  /**
   * The page starts after this row (`null`: the first page).
   */
  after: CompanyCursor | null;
  /**
   * At most this many rows (1 to 500).
   */
  limit: number;
};

/**
 * A reference to a company (`{id, identifier, name}`).
 */
export type CompanyRef = {
  id: number;
  identifier: string;
  name: string;
};

/**
 * A company row with its effective filters, for lists.
 */
export type CompanyView = {
  effective: EffectiveFilters;
  /**
   * Dashboard company id.
   */
  id: string;
  /**
   * Dashboard company name (as of the last refresh).
   */
  name: string;
  /**
   * False once the company is no longer listed by the Dashboard.
   */
  present: boolean;
  /**
   * The ConnectWise "Company ID" the user typed; `None` = unmapped.
   */
  cw_identifier: string | null;
  /**
   * The numeric ConnectWise id it resolved to.
   */
  cw_company_id: number | null;
  /**
   * The ConnectWise company name it resolved to.
   */
  cw_company_name: string | null;
  event_types: Override<TypeFilter>;
  backup_types: Override<TypeFilter>;
  /**
   * `Explicit("")` = no agreement for this company whatever the default.
   */
  agreement_condition: Override<string>;
  last_status: LastStatus | null;
};

/**
 * Where a conditions text is wrong (`validate_condition`).
 */
export type ConditionProblem = {
  /**
   * 1-based column, in characters.
   */
  column: number;
  /**
   * The sentence describing the problem (it names the column).
   */
  message: string;
};

/**
 * What the Setup screen saves; `None` secrets keep the saved one.
 */
export type ConnectionInput = {
  site: string;
  company: string;
  auth_mode: string;
  public_key: string;
  integrator_username: string;
  impersonate_member: string;
  client_id: string;
  dashboard_url: string;
  /**
   * `dashboard`, `msp360`, `comet` or `vspc`; empty = `dashboard`.
   */
  source_kind: string;
  source_url: string;
  source_username: string;
  /**
   * A SHA-256 certificate fingerprint as pasted (colons, spaces, any
   * case); empty clears the pin.
   */
  source_tls_fingerprint: string;
  cw_secret: string | null;
  dashboard_token: string | null;
  source_secret: string | null;
};

/**
 * The connection as the Setup screen shows it. Secrets are never read back:
 * only whether one is saved, and for which host.
 */
export type ConnectionView = {
  site: string | null;
  company: string | null;
  /**
   * `api_member` or `integrator`.
   */
  auth_mode: string;
  public_key: string | null;
  integrator_username: string | null;
  impersonate_member: string | null;
  client_id: string | null;
  dashboard_url: string | null;
  /**
   * `source.kind`: `dashboard`, `msp360`, `comet` or `vspc`.
   */
  source_kind: SourceKind;
  /**
   * `source.url` as saved (`None` = the kind's default, if it has one).
   */
  source_url: string | null;
  /**
   * `source.username`: the platform login (VSPC: `None` with an API key).
   */
  source_username: string | null;
  /**
   * `source.tls_fingerprint`: the pinned certificate of a self-hosted
   * platform (VSPC, Comet Server), normalised `AB:CD:…`; `None` = the
   * usual certificate checks.
   */
  source_tls_fingerprint: string | null;
  /**
   * A ConnectWise secret can be used for the configured site (saved for
   * it, or given by the environment).
   */
  cw_secret_saved: boolean;
  /**
   * A Dashboard token can be used for the configured URL.
   */
  dashboard_token_saved: boolean;
  /**
   * A source secret (MSP360 API password, Comet admin password, VSPC API
   * key or password) can be used for the platform's address.
   */
  source_secret_saved: boolean;
  /**
   * Where the ConnectWise secret stands: saved, saved for another host,
   * from the environment, missing.
   */
  cw_secret: SecretStatus;
  /**
   * Where the Dashboard token stands.
   */
  dashboard_token: SecretStatus;
  /**
   * Where the source secret stands, for the address `source.url` (or the
   * kind's default) names.
   */
  source_secret: SecretStatus;
  /**
   * Settings still needed before a sync can run.
   */
  missing: Array<string>;
};

/**
 * A company's filters after applying the global defaults.
 */
export type EffectiveFilters = {
  event_types: TypeFilter;
  backup_types: TypeFilter;
  /**
   * Empty = no agreement.
   */
  agreement_condition: string;
};

/**
 * An error as the UI sees it, when it is data rather than a failed call.
 */
export type ErrorInfo = {
  /**
   * Machine-readable kind (`database`, `demo`, ...).
   */
  kind: string;
  /**
   * One sentence saying what is wrong and what to do.
   */
  message: string;
};

/**
 * A ledger row's flap record (issue 17, flap damping). Times are UTC RFC
 * 3339 text, like the rest of the ledger.
 */
export type FlapRecord = {
  /**
   * Before flapping: when the ticket reopened because the job failed
   * after a completion had closed it, oldest first, within the window.
   */
  reopens: Array<string>;
  /**
   * When the flapping began (the first reopen counted); `None`: not
   * flapping.
   */
  since: string | null;
  /**
   * Failures and completions since `since`.
   */
  failures: number;
  completions: number;
  /**
   * While flapping: when the job last turned completed (`None` while it
   * is failing); the ticket closes once that is a whole window ago.
   */
  completed_at: string | null;
  /**
   * The last flap note on the ticket: when, and the counts it gave (the
   * summary shows its failure count).
   */
  noted_at: string | null;
  noted_failures: number;
  noted_completions: number;
};

/**
 * Removals the guard held back (rule 15).
 */
export type GuardedRemovals = {
  /**
   * Tracked events missing from the listing.
   */
  count: number;
  /**
   * Open and closed tickets the source tracks in all.
   */
  tracked: number;
};

/**
 * Outcome of the last sync for one company ("Last Update Status").
 */
export type LastStatus = {
  ok: boolean;
  at: string;
  /**
   * For an error, the sentence to show (e.g. which agreement condition matched nothing).
   */
  message: string;
};

/**
 * The Companies screen's mapping request. Each optional field: absent keeps
 * the current value, `"default"` inherits the global setting, anything else
 * is the value (`all` or a comma list for types; condition text, empty for
 * "no agreement").
 */
export type MapCompanyInput = {
  /**
   * The Dashboard company's id.
   */
  backupCompanyId: string;
  /**
   * The ConnectWise Company ID typed by the user (e.g. `AcmeDental`).
   */
  cwIdentifier: string;
  /**
   * Event types override.
   */
  eventTypes?: string;
  /**
   * Backup types override.
   */
  backupTypes?: string;
  /**
   * Agreement condition override.
   */
  agreementCondition?: string;
};

/**
 * One right the security role lacks, in plain words, with where to grant it.
 */
export type MissingRight = {
  /**
   * What the app cannot do, e.g. "create tickets".
   */
  right: string;
  /**
   * Where to grant it, e.g. "System › Security Roles › (role) › Service Desk › Service Tickets: Add".
   */
  hint: string;
};

/**
 * A reference to a named record (`{id, name}`), e.g. board, status, type.
 */
export type NamedRef = {
  id: number;
  name: string;
};

/**
 * A notification to show.
 */
export type Notification = {
  title: string;
  body: string;
  /**
   * False for a recovery.
   */
  is_failure: boolean;
  /**
   * What clicking the notification opens; `None`: nothing in particular.
   */
  open: NotificationTarget | null;
};

/**
 * What clicking a notification opens.
 */
export type NotificationTarget = { "kind": "ticket", ticket_id: number,
/**
 * Built by [`crate::ops::ticket_url`], like the Activity screen's links.
 */
url: string, } | { "kind": "activity", filter: ActivityFilter, };

/**
 * A per-company setting: inherit the global default, or an explicit override.
 */
export type Override<T> = "Default" | { "Explicit": T };

/**
 * A ticket priority.
 */
export type Priority = {
  id: number;
  name: string;
  defaultFlag: boolean;
  sortOrder: number;
};

/**
 * One problem of a cycle: what it is about (`key`, stable across cycles so a
 * failure is recognised as the same one) and one sentence for the user.
 */
export type Problem = {
  /**
   * `company:<id>`, `event:<id>` or `item:<position>`.
   */
  key: string;
  message: string;
};

/**
 * An item the source skipped.
 */
export type RejectedItem = {
  /**
   * 0-based position in the whole listing, across pages (the first item of
   * page 2 follows the last item of page 1).
   */
  position: number;
  /**
   * The item's `id` when it has one (a number is given as its text).
   */
  id: string | null;
  /**
   * Why, naming the bad field.
   */
  reason: string;
};

/**
 * A roll-up ticket a cycle created: what its notification says.
 */
export type RollupOpened = {
  /**
   * The ledger's id of the roll-up's ticket (`rollup:<id>`).
   */
  event_id: string;
  ticket_id: number;
  /**
   * The new failures it lists.
   */
  failures: number;
  companies: number;
  /**
   * The shared cause (masked message).
   */
  cause: string;
};

/**
 * What one cycle did.
 */
export type RunCounts = {
  created: number;
  updated: number;
  notes: number;
  closed: number;
  reopened: number;
  deleted: number;
  skipped: number;
  errors: number;
  /**
   * New tickets the storm guard held for a later cycle (issue 17).
   */
  held: number;
  /**
   * Events a snooze held back (also counted as skipped).
   */
  snoozed: number;
};

/**
 * One run as stored.
 */
export type RunRecord = {
  id: number;
  started_at: string;
  finished_at: string | null;
  counts: RunCounts;
  /**
   * The error sentences, in the order they happened.
   */
  error_messages: Array<string>;
};

/**
 * What one cycle did.
 */
export type RunReport = {
  run_id: number | null;
  dry_run: boolean;
  events_seen: number;
  counts: RunCounts;
  /**
   * Events a snooze held back (no ticket, no note), also counted as skipped.
   */
  snoozed: number;
  actions: Array<ActionLine>;
  /**
   * One per problem (event, company or unreadable item).
   */
  errors: Array<Problem>;
  rejected: Array<RejectedItem>;
  /**
   * Removals waited for a snapshot without unreadable items.
   */
  removals_held: boolean;
  /**
   * Rule 15: the listing would have removed this many tracked events, too
   * many to apply without a person's confirmation; none was applied.
   */
  removals_guarded: GuardedRemovals | null;
  /**
   * Issue 17: new tickets the storm guard held for a later cycle
   * (`storm.max_creates_per_cycle`); nothing records them, so a later
   * cycle creates them, oldest event first.
   */
  creates_held: number;
  /**
   * Issue 17: roll-up tickets this cycle created.
   */
  rollups_opened: Array<RollupOpened>;
};

/**
 * How a secret stands for the configured host, as the Connection screen shows it.
 */
export type SecretStatus = { "state": "missing" } | { "state": "saved" } | { "state": "other_host",
/**
 * The host it was saved for.
 */
saved_for: string, } | { "state": "environment",
/**
 * The variable's name.
 */
variable: string, };

/**
 * Event and backup types to offer: the documented ones, plus any the
 * Dashboard has sent (unknown types are kept and filterable).
 */
export type SeenTypes = {
  event_types: Array<string>;
  backup_types: Array<string>;
};

/**
 * One row of `config show`.
 */
export type SettingEntry = {
  key: string;
  /**
   * The effective value; `None` when unset with no default.
   */
  value: string | null;
  /**
   * True when nothing is stored (the default, or unset, applies).
   */
  is_default: boolean;
  /**
   * One line saying what the key is for.
   */
  help: string;
};

/**
 * One snooze.
 */
export type Snooze = {
  id: number;
  scope: SnoozeScope;
  value: string;
  /**
   * UTC, RFC 3339.
   */
  until: string;
  reason: string;
  created_at: string;
  /**
   * When a person ended it early (`snooze remove`).
   */
  removed_at: string | null;
};

/**
 * The kept snoozes (`list_snoozes`), split by core's own test of what is
 * still holding events back at `now`.
 */
export type SnoozeList = {
  /**
   * When the list was read (UTC, RFC 3339, like the snoozes' times).
   */
  now: string;
  /**
   * Snoozes holding events back now, soonest end first.
   */
  active: Array<Snooze>;
  /**
   * Snoozes that ended or were ended early, kept 30 days, latest first.
   */
  ended: Array<Snooze>;
  /**
   * The names of the companies these snoozes name by id.
   */
  names: { [key in string]: string };
};

/**
 * What a snooze covers.
 */
export type SnoozeScope = "company" | "computer" | "plan";

/**
 * The backup platform BackupBridge reads.
 */
export type SourceKind = "dashboard" | "msp360" | "comet" | "vspc";

/**
 * The published status.
 */
export type Status = {
  state: SyncState;
  /**
   * Cycles finished since start (successful or not).
   */
  cycles: number;
  /**
   * RFC 3339 time the last cycle ended.
   */
  last_run_at: string | null;
  last_report: RunReport | null;
  /**
   * Seconds until the next planned cycle (absent while paused or syncing).
   */
  next_in_secs: number | null;
};

/**
 * An unsettled ConnectWise call, as `status` and the Activity screen show it.
 */
export type StuckIntent = {
  /**
   * The outbox id (`backup-bridge outbox forget ID`).
   */
  id: number;
  event_id: string;
  /**
   * What the call was, e.g. "add a note to ticket #1002".
   */
  what: string;
  /**
   * Why it could not be settled.
   */
  error: string | null;
  /**
   * When it was intended (RFC 3339).
   */
  since: string;
  /**
   * The event's company and ticket summary, when the ledger has the
   * event ("Acme Corp · Error: ACME-DC01 - Nightly").
   */
  context: string | null;
};

/**
 * What the loop is doing.
 */
export type SyncState = { "state": "idle" } | { "state": "syncing" } | { "state": "paused" } | { "state": "error", reason: string, retryable: boolean, };

/**
 * The outcome of "Test connection".
 */
export type TestReport = {
  ok: boolean;
  steps: Array<TestStep>;
  /**
   * Each right the ConnectWise member lacks, in plain words.
   */
  missing_rights: Array<MissingRight>;
};

/**
 * One line of the self-test.
 */
export type TestStep = {
  name: string;
  ok: boolean;
  detail: string;
};

/**
 * What changed in the Activity list since an earlier read (issue 18).
 */
export type TicketChanges = {
  /**
   * The changed tickets that match the query, newest change first.
   */
  rows: Array<TicketRow>;
  /**
   * The event ids of the changed tickets that no longer match it.
   */
  gone: Array<string>;
  /**
   * Too many changed for one answer: read the first page again.
   */
  overflow: boolean;
  keep_days: number;
  /**
   * Rows matching the query, over every page.
   */
  total: number;
  /**
   * Closed and removed rows the query would match but the kept-history
   * bound leaves out (`0` while searching).
   */
  hidden: number;
  /**
   * Every row of the ledger.
   */
  tracked: number;
  /**
   * The ledger's revision this read saw: where a refresh starts
   * ([`changed_since`]'s argument).
   */
  revision: number;
};

/**
 * Where a page ends: the last row's sort key (newest change first, then
 * event id), so the next page starts after it whatever was written since.
 */
export type TicketCursor = {
  updated_at: string;
  event_id: string;
};

/**
 * Which tickets the list shows.
 */
export type TicketFilter = "all" | "open" | "errors";

/**
 * One page of the Activity list (issue 18).
 */
export type TicketPage = {
  /**
   * Newest change first.
   */
  rows: Array<TicketRow>;
  /**
   * Where the next page starts; `None` = this is the last.
   */
  next: TicketCursor | null;
  /**
   * `activity.keep_days`, for the screen's words about `hidden`.
   */
  keep_days: number;
  /**
   * Rows matching the query, over every page.
   */
  total: number;
  /**
   * Closed and removed rows the query would match but the kept-history
   * bound leaves out (`0` while searching).
   */
  hidden: number;
  /**
   * Every row of the ledger.
   */
  tracked: number;
  /**
   * The ledger's revision this read saw: where a refresh starts
   * ([`changed_since`]'s argument).
   */
  revision: number;
};

/**
 * What the list asks for.
 */
export type TicketQuery = {
  filter: TicketFilter;
  /**
   * Words to find in the summary, message, error, event id, company
   * name or ticket number (`#123` is that ticket); empty = no search. A
   * search also finds closed tickets older than `activity.keep_days`.
   */
  search: string;
  /**
   * Only tickets BackupBridge created at or after this time (RFC 3339):
   * the storm notification's filter.
   */
  created_since: string | null;
  /**
   * The page after this row; `None` = the first page.
   */
  after: TicketCursor | null;
  /**
   * Rows per page (1..=[`PAGE_MAX`]); `None` = [`PAGE_DEFAULT`].
   */
  limit: number | null;
};

/**
 * A ledger row with its ConnectWise link.
 */
export type TicketRow = {
  url: string | null;
  /**
   * The company's name, when the company is known.
   */
  company_name: string | null;
  /**
   * When BackupBridge asked ConnectWise to create the ticket (RFC 3339),
   * while the outbox keeps the call; `None` for older or adopted tickets.
   */
  created_at: string | null;
  /**
   * The event's computer, read back from the summary when the summary
   * template tells it for certain (the ledger does not keep it).
   */
  computer: string | null;
  /**
   * The event's backup plan, read back the same way.
   */
  plan: string | null;
  /**
   * Failures since the event began flapping (issue 17); `None` when it
   * is not flapping.
   */
  flaps: number | null;
  event_id: string;
  company_id: string;
  ticket_id: number;
  state: TicketState;
  /**
   * The ticket was opened for a `BackupAnomaly` event (never closed on completion).
   */
  anomaly: boolean;
  event_type: string;
  job_status: string;
  message: string;
  /**
   * Summary and priority as last written to the ticket.
   */
  summary: string;
  priority: string | null;
  /**
   * Fingerprint of the event as last fully mirrored; equal means in step.
   */
  content_hash: string;
  pushed_details: Array<string>;
  last_action: string | null;
  last_error: string | null;
  updated_at: string;
  /**
   * The source whose listing the event came from (rule 15: only a listing
   * of the same source removes it); `""` for rows written before sources
   * were recorded.
   */
  source: string;
  /**
   * The snooze whose start note is on the ticket: its end note is still
   * due (`None`: no snooze note pending).
   */
  snoozed: number | null;
  /**
   * Flap damping (issue 17): the event's recent reopens, or its flapping
   * counts (`None`: it has not flapped lately).
   */
  flap: FlapRecord | null;
};

/**
 * Where a tracked ticket stands, as far as BackupBridge knows.
 */
export type TicketState = "Open" | "Closed" | "Removed" | "Deleted";

/**
 * A type filter: everything, or an explicit set of names (case-sensitive, as
 * the dashboard sends them).
 */
export type TypeFilter = "All" | { "Only": Array<string> };

/** Every command the UI may call: its arguments, as `invoke` sends them, and its result. */
export type Commands = {
  app_info: { args: Record<string, never>; result: AppInfo };
  get_status: { args: Record<string, never>; result: Status };
  sync_now: { args: Record<string, never>; result: null };
  set_paused: { args: { paused: boolean, }; result: null };
  start_demo: { args: Record<string, never>; result: AppInfo };
  stop_demo: { args: Record<string, never>; result: AppInfo };
  recover_database: { args: Record<string, never>; result: Array<string> };
  get_connection: { args: Record<string, never>; result: ConnectionView };
  save_connection: { args: { input: ConnectionInput, }; result: ConnectionView };
  test_connection: { args: Record<string, never>; result: TestReport };
  get_settings: { args: Record<string, never>; result: Array<SettingEntry> };
  set_setting: { args: { key: string, value: string, }; result: Array<SettingEntry> };
  validate_condition: { args: { text: string, }; result: ConditionProblem | null };
  preview_agreements: { args: { backupCompanyId: string, condition: string, }; result: Array<Agreement> };
  summary_example: { args: { template: string, }; result: string };
  list_boards: { args: Record<string, never>; result: Array<NamedRef> };
  board_options: { args: { board: string, }; result: BoardOptions };
  list_priorities: { args: Record<string, never>; result: Array<Priority> };
  seen_types: { args: Record<string, never>; result: SeenTypes };
  list_companies_page: { args: { query: CompanyQuery, }; result: CompanyPage };
  get_company: { args: { backupCompanyId: string, }; result: CompanyView | null };
  refresh_companies: { args: { query: CompanyQuery, }; result: CompanyPage };
  map_company: { args: { req: MapCompanyInput, }; result: CompanyView };
  unmap_company: { args: { backupCompanyId: string, }; result: null };
  suggest_companies: { args: { backupCompanyId: string, }; result: Array<Company> };
  ticket_page: { args: { query: TicketQuery, }; result: TicketPage };
  ticket_changes: { args: { query: TicketQuery, revision: number, }; result: TicketChanges };
  recent_runs: { args: Record<string, never>; result: Array<RunRecord> };
  preview_sync: { args: Record<string, never>; result: RunReport };
  needs_attention: { args: Record<string, never>; result: Attention };
  confirm_removals: { args: Record<string, never>; result: null };
  forget_intent: { args: { id: number, }; result: StuckIntent };
  add_snooze: { args: { scope: SnoozeScope, value: string, until: string, reason: string, }; result: Snooze };
  list_snoozes: { args: Record<string, never>; result: SnoozeList };
  remove_snooze: { args: { id: number, }; result: Snooze };
  open_ticket: { args: { url: string, }; result: null };
  log_tail: { args: { lines: number, run: number | null, }; result: string };
  copy_diagnostics: { args: Record<string, never>; result: string };
  take_activity_filter: { args: Record<string, never>; result: ActivityFilter | null };
};

/** A command's name. */
export type CommandName = keyof Commands;

/** The arguments of command `K`. */
export type ArgsOf<K extends CommandName> = Commands[K]['args'];

/** What command `K` resolves to. */
export type ResultOf<K extends CommandName> = Commands[K]['result'];

/** Every command's name, in declaration order. */
export const COMMANDS: readonly CommandName[] = [
  'app_info',
  'get_status',
  'sync_now',
  'set_paused',
  'start_demo',
  'stop_demo',
  'recover_database',
  'get_connection',
  'save_connection',
  'test_connection',
  'get_settings',
  'set_setting',
  'validate_condition',
  'preview_agreements',
  'summary_example',
  'list_boards',
  'board_options',
  'list_priorities',
  'seen_types',
  'list_companies_page',
  'get_company',
  'refresh_companies',
  'map_company',
  'unmap_company',
  'suggest_companies',
  'ticket_page',
  'ticket_changes',
  'recent_runs',
  'preview_sync',
  'needs_attention',
  'confirm_removals',
  'forget_intent',
  'add_snooze',
  'list_snoozes',
  'remove_snooze',
  'open_ticket',
  'log_tail',
  'copy_diagnostics',
  'take_activity_filter',
];

/** The events the backend sends the UI, with their payloads. */
export type Events = {
  status: Status;
  notification: Notification;
  show_activity: null;
};
