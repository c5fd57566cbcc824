// The fake Tauri backend of the browser tests. Bundled into one classic script
// and injected with page.addInitScript before the UI loads: it installs
// `mockIPC` (with event mocking, so `listen` works) and answers every command
// of the UI contract (typed by the generated ui/src/bindings/contract.ts) from an in-memory world, rejecting with
// `{kind, message}` as the shell does. Tests drive it through
// `window.__bbFake` (calls log, emit, the keychain to check secrets arrived).
// The Connection commands live in fake-connection.ts.
import { mockIPC } from '@tauri-apps/api/mocks';

import type { ActivityFilter, AppInfo, ArgsOf, CommandName, CompanyView, MapCompanyInput, Override, ResultOf, RunReport, TypeFilter } from '../../ui/src/api';
import { companyPage } from './fake-companies';
import { matches, parse, validate } from './fake-conditions';
import { saveConnection, testConnection } from './fake-connection';
import { KEEP_DAYS, ticketChanges, ticketPage } from './fake-tickets';
import {
  AGREEMENTS,
  BOARDS,
  BOARD_OPTIONS,
  CW_COMPANIES,
  LOG_TAIL,
  PRIORITIES,
  SEEN_TYPES,
  demoRuns,
  demoTickets,
  guardedMessage,
  moreTickets,
  settingEntries,
  stormHistory,
  stuckIntents,
} from './fixtures';
import {
  appInfo,
  checkSetting,
  configuredWorld,
  connectionView,
  emptyWorld,
  missing,
  parseFilter,
  parseUntil,
  snoozeTime,
  withEffective,
  type Scenario,
  type Which,
  type World,
} from './fake-world';

declare global {
  interface Window {
    __BB_SCENARIO__?: Scenario;
    __bbFake: FakeHandle;
    __TAURI_INTERNALS__: { invoke(cmd: string, args?: unknown): Promise<unknown> };
  }
}

/** What tests can reach in the page. */
export interface FakeHandle {
  calls: Array<{ cmd: string; args: Record<string, unknown> }>;
  /** Events the backend emitted, in order. */
  events: Array<{ event: string; payload: unknown }>;
  emit(event: string, payload: unknown): Promise<void>;
  /** The current world's keychain (never exposed to the UI). */
  secret(which: Which): string | undefined;
  /** Runs a sync cycle now, as the scheduler would on its timer. */
  cycle(): Promise<void>;
  /** As the tray on a click on the storm notification: keeps `filter` for the window and says so. */
  showActivity(filter: ActivityFilter): Promise<void>;
  /** The filter of the storm in the `storm` scenario. */
  stormSince: string | null;
}

const fail = (kind: string, message: string): never => {
  // A plain object, as Tauri delivers a serialised AppError.
  throw { kind, message } satisfies { kind: string; message: string };
};

const scenario: Scenario = window.__BB_SCENARIO__ ?? { configured: false };
const real: World = scenario.configured ? configuredWorld(scenario, new Date()) : emptyWorld();
let world: World = real;
let demo = false;
const calls: FakeHandle['calls'] = [];
const events: FakeHandle['events'] = [];
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** The Activity filter a clicked notification left for the window (the tray's `take_activity_filter`). */
let activityFilter: ActivityFilter | null = null;
let stormSince: string | null = null;

async function emit(event: string, payload: unknown): Promise<void> {
  events.push({ event, payload });
  await window.__TAURI_INTERNALS__.invoke('plugin:event|emit', { event, payload });
}

async function setStatus(patch: Partial<World['status']>): Promise<void> {
  world.status = { ...world.status, ...patch };
  await emit('status', world.status);
}

function report(dry: boolean): RunReport {
  const blue = world.companies.find((c) => c.id === 'c-1005');
  // A confirmed guard is applied by the cycle, so a real run no longer reports it.
  const guarded = dry && world.removalsConfirmed ? null : world.attention.guarded_removals;
  return {
    run_id: dry ? null : world.runs.length + 1,
    dry_run: dry,
    events_seen: 7,
    counts: { created: 4, updated: 0, notes: 2, closed: 1, reopened: 0, deleted: 0, skipped: 1, errors: 1, held: 0, snoozed: 0 },
    snoozed: 0,
    actions: [
      { event_id: 'evt-101', company_id: 'c-1001', ticket_id: null, text: 'would create "Error: ACME-DC01 - Nightly files (FileLevel)" for Acme Dental Ltd on board "Service Desk" with status "New", priority Priority 2 - High, agreement Business Continuity ICB' },
      { event_id: 'evt-102', company_id: 'c-1002', ticket_id: null, text: 'would create "Warning: NW-FS02 - System image (ImageBased)" for Northwind Law LLP on board "Service Desk" with status "New", priority Priority 3 - Normal, agreement Business Continuity ICB' },
      { event_id: 'evt-077', company_id: 'c-1003', ticket_id: 998, text: 'would close (status ">Closed")' },
      { event_id: 'evt-078', company_id: 'c-1001', ticket_id: 999, text: 'would add a detail note: C:\\Users\\reception\\Outlook.pst is locked' },
    ],
    errors: [
      ...(blue === undefined ? [] : [{ key: 'company:c-1005', message: 'no agreement of Blue Yonder Airlines matches name like "%ICB" and agreementStatus = "Active"' }]),
      ...(guarded === null ? [] : [{ key: 'removals:guarded', message: guardedMessage(guarded) }]),
    ],
    rejected: [],
    removals_held: false,
    creates_held: 0,
    rollups_opened: [],
    removals_guarded: guarded,
  };
}

/** The held removals, applied as the removed-event policy says (rule 15, once confirmed). */
function applyRemovals(): void {
  const policy = world.stored.get('ticket.removed_policy') ?? 'close';
  const done = { close: 'event removed, closed with a note', leave: 'event removed, ticket left', delete: 'event removed, ticket deleted' }[policy] ?? 'event removed';
  world.tickets = world.tickets.map((t) => ({ ...t, state: policy === 'delete' ? 'Deleted' : 'Removed', last_action: done }));
  world.attention = { ...world.attention, guarded_removals: null };
  world.removalsConfirmed = false;
}

/** One sync cycle: syncing, then tickets and a run appear, then idle. */
async function cycle(): Promise<void> {
  await setStatus({ state: { state: 'syncing' }, next_in_secs: null });
  await sleep(400);
  const now = new Date();
  if (world.tickets.length === 0) world.tickets = demoTickets(world.stored.get('cw.site') ?? 'localhost', now);
  if (world.removalsConfirmed && world.attention.guarded_removals !== null) applyRemovals();
  world.runs = demoRuns(now, world.status.cycles + 1);
  await setStatus({
    state: { state: 'idle' },
    cycles: world.status.cycles + 1,
    last_run_at: now.toISOString(),
    last_report: report(false),
    next_in_secs: 300,
  });
}

function overrideTypes(v: string | undefined, current: Override<TypeFilter>): Override<TypeFilter> {
  if (v === undefined) return current;
  if (v === 'default') return 'Default';
  const f = parseFilter(v);
  if (f !== 'All' && f.Only.length === 0) fail('invalid', 'a type list cannot be empty: list at least one type, or use default');
  return { Explicit: f };
}

async function mapCompany(req: MapCompanyInput): Promise<CompanyView> {
  await sleep(120);
  const row = world.companies.find((c) => c.id === req.backupCompanyId);
  if (row === undefined) return fail('not_found', `there is no Dashboard company with id "${req.backupCompanyId}"`);
  let condition = row.agreement_condition;
  if (req.agreementCondition !== undefined) {
    if (req.agreementCondition === 'default') condition = 'Default';
    else {
      const e = req.agreementCondition.trim() === '' ? null : validate(req.agreementCondition);
      if (e !== null) fail('invalid', `the agreement condition is not valid: ${e.message}`);
      condition = { Explicit: req.agreementCondition };
    }
  }
  const identifier = req.cwIdentifier.trim();
  if (identifier === '') fail('invalid', 'the ConnectWise Company ID is empty: type the company\'s identifier, e.g. AcmeDental');
  const cw = CW_COMPANIES.find((c) => c.identifier.toLowerCase() === identifier.toLowerCase());
  if (cw === undefined) {
    return fail('not_found', `ConnectWise has no active company with the Company ID "${identifier}"; check it in ConnectWise under Companies (the short Company ID, not the name)`);
  }
  const next = withEffective(world, {
    ...row,
    cw_identifier: cw.identifier,
    cw_company_id: cw.id,
    cw_company_name: cw.name,
    event_types: overrideTypes(req.eventTypes, row.event_types),
    backup_types: overrideTypes(req.backupTypes, row.backup_types),
    agreement_condition: condition,
  });
  world.companies = world.companies.map((c) => (c.id === row.id ? next : c));
  return next;
}

/** `activity.keep_days` as stored, else its default. */
function keepDays(): number {
  const days = Number(world.stored.get('activity.keep_days'));
  return Number.isInteger(days) && days > 0 ? days : KEEP_DAYS;
}

function needCw(): void {
  const m = missing(world).filter((k) => k.startsWith('cw.'));
  if (m.length > 0) fail('config', `ConnectWise is not set up yet: set ${m.join(', ')} on the Connection screen`);
}

function diagnostics(): string {
  const lines = [`BackupBridge 0.1.0 on linux (x86_64)`, '', 'Settings:'];
  for (const e of settingEntries(world.stored)) lines.push(`  ${e.key} = ${e.value ?? '(unset)'}`);
  lines.push('', 'Recent runs:', ...world.runs.map((r) => `  ${r.started_at} created=${r.counts.created}`), '', 'Log tail:', LOG_TAIL);
  return lines.join('\n');
}

async function startDemo(): Promise<AppInfo> {
  demo = true;
  world = configuredWorld({ configured: true }, new Date());
  world.stored.set('cw.site', '127.0.0.1:41234');
  // The demo's scheduler runs its first cycle at once.
  setTimeout(() => void cycle(), 150);
  return appInfo(world, demo);
}

/** Set once `recover_database` has repaired the (fake) damaged database. */
let recovered = false;

/** The fake's answer to each command, typed by the generated contract: a renamed command or field does not compile. */
type Handlers = { [K in CommandName]: (args: ArgsOf<K>) => ResultOf<K> | Promise<ResultOf<K>> };

const handlers: Handlers = {
  app_info: () => ({
    ...appInfo(world, demo),
    error: !demo && !recovered && scenario.startError !== undefined ? { kind: 'damaged', message: scenario.startError } : null,
  }),
  get_status: () => world.status,
  sync_now: () => {
    if (missing(world).length > 0) fail('config', `BackupBridge is not set up yet: ${missing(world).join(', ')} still missing`);
    setTimeout(() => void cycle(), 10);
    return null;
  },
  set_paused: async ({ paused }) => {
    await setStatus({ state: paused ? { state: 'paused' } : { state: 'idle' }, next_in_secs: paused ? null : 300 });
    return null;
  },
  get_connection: () => connectionView(world),
  save_connection: ({ input }) => saveConnection(world, input),
  test_connection: () => testConnection(world),
  get_settings: () => settingEntries(world.stored),
  set_setting: ({ key, value }) => {
    if (/secret|password|private|token/i.test(key)) fail('invalid', `${key} looks like a secret: secrets go to the keychain, never the settings`);
    const problem = checkSetting(key, value);
    if (problem !== null) fail('invalid', problem);
    if (value.trim() === '') world.stored.delete(key);
    else world.stored.set(key, value.trim());
    world.companies = world.companies.map((c) => withEffective(world, c));
    return settingEntries(world.stored);
  },
  validate_condition: ({ text }) => validate(text),
  preview_agreements: async ({ backupCompanyId, condition }) => {
    needCw();
    await sleep(80);
    const row = world.companies.find((c) => c.id === backupCompanyId);
    if (row?.cw_company_id == null) return fail('invalid', `${row?.name ?? 'the company'} is not mapped to a ConnectWise company yet; map it on the Companies screen first`);
    const parsed = condition.trim() === '' ? null : parse(condition);
    if (parsed !== null && 'error' in parsed) return fail('invalid', parsed.error.message);
    return AGREEMENTS.filter((ag) => ag.company?.id === row.cw_company_id)
      .filter((ag) => parsed === null || matches(parsed.expr, ag as unknown as Record<string, unknown>))
      .sort((x, y) => x.id - y.id);
  },
  summary_example: ({ template: t }) => {
    const bad = [...t.matchAll(/\{([^}]*)\}/g)].map((m) => m[1] ?? '').find((p) => !['eventType', 'computer', 'plan', 'backupType', 'company'].includes(p));
    if (t.trim() === '') fail('invalid', 'the summary template cannot be empty');
    if (bad !== undefined) fail('invalid', `unknown placeholder {${bad}}: use {eventType}, {computer}, {plan}, {backupType} or {company}`);
    return t.replace(/\{eventType\}/g, 'Error').replace(/\{computer\}/g, 'ACME-DC01').replace(/\{plan\}/g, 'Nightly files').replace(/\{backupType\}/g, 'FileLevel').replace(/\{company\}/g, 'Acme Dental Ltd');
  },
  list_boards: async () => {
    needCw();
    await sleep(60);
    return BOARDS;
  },
  board_options: ({ board }) => {
    needCw();
    return BOARD_OPTIONS[board] ?? fail('invalid', `ConnectWise has no board named "${board}"`);
  },
  list_priorities: () => {
    needCw();
    return PRIORITIES;
  },
  seen_types: () => SEEN_TYPES,
  list_companies_page: ({ query }) => companyPage(world.companies, query),
  get_company: ({ backupCompanyId }) => world.companies.find((c) => c.id === backupCompanyId) ?? null,
  refresh_companies: async ({ query }) => {
    if (!world.stored.has('dashboard.url')) fail('config', 'the Dashboard URL is not set: set it on the Connection screen');
    await sleep(100);
    return companyPage(world.companies, query);
  },
  map_company: ({ req }) => mapCompany(req),
  unmap_company: ({ backupCompanyId }) => {
    world.companies = world.companies.map((c) =>
      c.id === backupCompanyId ? { ...c, cw_identifier: null, cw_company_id: null, cw_company_name: null, last_status: null } : c,
    );
    return null;
  },
  suggest_companies: async ({ backupCompanyId }) => {
    needCw();
    const row = world.companies.find((c) => c.id === backupCompanyId);
    const words = (row?.name ?? '').toLowerCase().split(/\W+/).filter((w) => w.length >= 3 && !['ltd', 'llp', 'inc'].includes(w));
    await sleep(80);
    return CW_COMPANIES.filter((c) => words.some((w) => c.name.toLowerCase().includes(w)));
  },
  ticket_page: ({ query }) => ticketPage(world.tickets, world.companies, query, keepDays(), new Date()),
  ticket_changes: ({ query }) => ticketChanges(world.tickets, world.companies, query, keepDays(), new Date()),
  recent_runs: () => world.runs,
  preview_sync: async () => {
    needCw();
    await sleep(150);
    return report(true);
  },
  open_ticket: () => null,
  needs_attention: () => structuredClone(world.attention),
  confirm_removals: () => {
    // As the shell: the confirmation is kept for the next cycle, asked for at once.
    world.removalsConfirmed = true;
    if (missing(world).length > 0) fail('config', `BackupBridge is not set up yet: ${missing(world).join(', ')} still missing`);
    setTimeout(() => void cycle(), 10);
    return null;
  },
  forget_intent: ({ id }) => {
    if (typeof id !== 'number' || !Number.isInteger(id)) return fail('invalid', `invalid arguments for forget_intent: id must be a whole number, got ${JSON.stringify(id)}`);
    const gone = world.attention.stuck.find((s) => s.id === id);
    if (gone === undefined) {
      return fail('invalid', `no unsettled ConnectWise call has the id ${id}; \`backup-bridge status\` lists the stuck ones with their ids`);
    }
    world.attention = { ...world.attention, stuck: world.attention.stuck.filter((s) => s.id !== id) };
    return gone;
  },
  add_snooze: ({ scope, value, until, reason }) => {
    const now = new Date();
    if (value.trim() === '') return fail('invalid', `a snooze needs the ${scope} it covers; it is empty`);
    const end = parseUntil(until, now);
    if (typeof end === 'string') return fail('invalid', end);
    const id = world.snoozes.reduce((max, s) => Math.max(max, s.id), 0) + 1;
    const snooze = { id, scope, value: value.trim(), until: snoozeTime(end), reason: reason.trim(), created_at: snoozeTime(now), removed_at: null };
    world.snoozes.push(snooze);
    return snooze;
  },
  list_snoozes: () => {
    const now = snoozeTime(new Date());
    const active = world.snoozes.filter((s) => s.removed_at === null && s.until > now).sort((a, b) => a.until.localeCompare(b.until));
    const names = Object.fromEntries(world.companies.filter((c) => world.snoozes.some((s) => s.scope === 'company' && s.value === c.id)).map((c) => [c.id, c.name]));
    return { now, active, ended: world.snoozes.filter((s) => !active.includes(s)).reverse(), names };
  },
  remove_snooze: ({ id }) => {
    const s = world.snoozes.find((x) => x.id === id);
    if (s === undefined) return fail('invalid', `no snooze has the id ${id}; \`backup-bridge snooze list\` shows them with their ids`);
    const now = snoozeTime(new Date());
    if (s.removed_at === null && s.until > now) s.removed_at = now;
    return { ...s };
  },
  log_tail: ({ run }) => {
    if (typeof run !== 'number') return LOG_TAIL;
    const lines = LOG_TAIL.split('\n').filter((line) => line.includes(`sync{run=${run}}`));
    return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  },
  copy_diagnostics: () => diagnostics(),
  take_activity_filter: () => {
    const filter = activityFilter;
    activityFilter = null;
    return filter;
  },
  start_demo: () => startDemo(),
  recover_database: () => {
    recovered = true;
    real.status = { ...real.status, state: { state: 'idle' } };
    return [
      'The damaged database was moved to backupbridge.db.damaged-20261127T010000Z.',
      'Settings: 24 of 24 kept.',
      'Company mapping: 6 of 6 kept.',
    ];
  },
  stop_demo: () => {
    demo = false;
    world = real;
    return appInfo(world, demo);
  },
};

function handle(cmd: string, args: Record<string, unknown>): unknown {
  if (!Object.hasOwn(handlers, cmd)) return fail('internal', `command ${cmd} not found`);
  // The UI's `invoke` is typed by the same contract; the fake trusts what it sends.
  const handler = handlers[cmd as CommandName] as (a: Record<string, unknown>) => unknown;
  return handler(args);
}

if (scenario.startError !== undefined) {
  real.status = { ...real.status, state: { state: 'error', reason: scenario.startError, retryable: false } };
}

if (scenario.history === true) {
  const now = new Date();
  real.tickets = demoTickets(real.stored.get('cw.site') ?? 'localhost', now);
  real.runs = demoRuns(now, 3);
  real.status = { ...real.status, cycles: 3, last_run_at: new Date(now.getTime() - 2 * 60_000).toISOString(), next_in_secs: 180 };
}

if (scenario.attention === true) {
  // Every tracked event vanished from one listing: the guard held the 12 removals back.
  const now = new Date();
  const site = real.stored.get('cw.site') ?? 'localhost';
  real.tickets = [...demoTickets(site, now), ...moreTickets(site, now)];
  const guarded = { count: real.tickets.length, tracked: real.tickets.length };
  real.attention = { stuck: stuckIntents(now), guarded_removals: guarded };
  real.runs = demoRuns(now, 3);
  const latest = real.runs[0];
  if (latest !== undefined) latest.error_messages = [guardedMessage(guarded), ...latest.error_messages];
  real.status = { ...real.status, cycles: 3, last_run_at: new Date(now.getTime() - 2 * 60_000).toISOString(), next_in_secs: 180 };
  real.status = { ...real.status, last_report: report(false) };
}

if (scenario.storm !== undefined) {
  const now = new Date();
  const storm = stormHistory(real.stored.get('cw.site') ?? 'localhost', now);
  real.tickets = storm.tickets;
  real.runs = storm.runs;
  stormSince = storm.since;
  if (scenario.storm === 'clicked') activityFilter = { created_since: storm.since };
  real.status = { ...real.status, cycles: 3, last_run_at: storm.runs[0]?.started_at ?? null, next_in_secs: 290 };
}

mockIPC(
  (cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    calls.push({ cmd, args: a });
    return Promise.resolve().then(() => handle(cmd, a));
  },
  { shouldMockEvents: true },
);

window.__bbFake = {
  calls,
  events,
  emit,
  secret: (which) => world.secrets.get(which)?.value,
  cycle,
  async showActivity(filter) {
    activityFilter = filter;
    await emit('show_activity', null);
  },
  stormSince,
};
