// The only module that talks to the Tauri backend: one typed `call` over the
// command map and one function per event. Every type the backend sends or
// takes is generated from the Rust declarations (ui/src/bindings/contract.ts,
// from crates/shell/src/commands/mod.rs); none is written by hand here.
import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';

import type {
  ActivityFilter,
  Agreement,
  AppInfo,
  ArgsOf,
  Attention,
  BoardOptions,
  CommandName,
  Company,
  CompanyPage,
  CompanyQuery,
  CompanyView,
  ConditionProblem,
  ConnectionInput,
  ConnectionView,
  Events,
  MapCompanyInput,
  NamedRef,
  Priority,
  ResultOf,
  RunRecord,
  RunReport,
  SeenTypes,
  SettingEntry,
  Snooze,
  SnoozeList,
  SnoozeScope,
  Status,
  StuckIntent,
  TestReport,
  TicketChanges,
  TicketPage,
  TicketQuery,
} from './bindings/contract';
import { toAppError } from './errors';

export type * from './bindings/contract';

/** The arguments to pass to `command`: none for a command that takes none. */
type CallArgs<K extends CommandName> = ArgsOf<K> extends Record<string, never> ? [] : [args: ArgsOf<K>];

/** Calls `command` in the backend; rejects with an `AppError`. */
async function call<K extends CommandName>(command: K, ...args: CallArgs<K>): Promise<ResultOf<K>> {
  try {
    return await invoke<ResultOf<K>>(command, args[0]);
  } catch (error) {
    // Commands reject with the shell's `{kind, message}`; normalise anything else.
    throw toAppError(error);
  }
}

export const getAppInfo = (): Promise<AppInfo> => call('app_info');
export const getStatus = (): Promise<Status> => call('get_status');
export const syncNow = (): Promise<null> => call('sync_now');
export const setPaused = (paused: boolean): Promise<null> => call('set_paused', { paused });

export const getConnection = (): Promise<ConnectionView> => call('get_connection');
export const saveConnection = (input: ConnectionInput): Promise<ConnectionView> =>
  call('save_connection', { input });
export const testConnection = (): Promise<TestReport> => call('test_connection');

export const getSettings = (): Promise<SettingEntry[]> => call('get_settings');
export const setSetting = (key: string, value: string): Promise<SettingEntry[]> =>
  call('set_setting', { key, value });
export const validateCondition = (text: string): Promise<ConditionProblem | null> =>
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

/** One page of the companies, searched and in name order, with the counts. */
export const listCompaniesPage = (query: CompanyQuery): Promise<CompanyPage> =>
  call('list_companies_page', { query });
/** One company, as the list shows it (`null`: no longer in the list). */
export const getCompany = (backupCompanyId: string): Promise<CompanyView | null> =>
  call('get_company', { backupCompanyId });
/** Fetches the companies from the backup source, then answers the page `query` asks for. */
export const refreshCompanies = (query: CompanyQuery): Promise<CompanyPage> => call('refresh_companies', { query });
export const mapCompany = (req: MapCompanyInput): Promise<CompanyView> => call('map_company', { req });
export const unmapCompany = (backupCompanyId: string): Promise<null> =>
  call('unmap_company', { backupCompanyId });
export const suggestCompanies = (backupCompanyId: string): Promise<Company[]> =>
  call('suggest_companies', { backupCompanyId });

/** One page of the events and their tickets (filter, search and page applied by the backend). */
export const ticketPage = (query: TicketQuery): Promise<TicketPage> => call('ticket_page', { query });
/** The tickets changed since the read that returned `revision`, for `query`'s list. */
export const ticketChanges = (query: TicketQuery, revision: number): Promise<TicketChanges> =>
  call('ticket_changes', { query, revision });
export const recentRuns = (): Promise<RunRecord[]> => call('recent_runs');
export const previewSync = (): Promise<RunReport> => call('preview_sync');
export const openTicket = (url: string): Promise<null> => call('open_ticket', { url });
/** Stuck calls and held removals: what waits for a person. */
export const needsAttention = (): Promise<Attention> => call('needs_attention');
/** Confirms the held removals; the sync it starts at once applies them. */
export const confirmRemovals = (): Promise<null> => call('confirm_removals');
/** Drops a stuck call (its event is planned afresh); resolves to the forgotten call. */
export const forgetIntent = (id: number): Promise<StuckIntent> => call('forget_intent', { id });

/** Snoozes a company, computer or plan until `until` (a time or a length from now, as the core reads it). */
export const addSnooze = (scope: SnoozeScope, value: string, until: string, reason: string): Promise<Snooze> =>
  call('add_snooze', { scope, value, until, reason });
/** The snoozes active now, and the ended ones still kept. */
export const listSnoozes = (): Promise<SnoozeList> => call('list_snoozes');
/** Ends a snooze now; resolves to it, ended. */
export const removeSnooze = (id: number): Promise<Snooze> => call('remove_snooze', { id });

/** The log's last `lines` lines, or only sync run `run`'s lines. */
export const logTail = (lines: number, run: number | null = null): Promise<string> =>
  call('log_tail', { lines, run });
export const copyDiagnostics = (): Promise<string> => call('copy_diagnostics');
/** The Activity filter a clicked notification asked for, once (`null`: none waits). */
export const takeActivityFilter = (): Promise<ActivityFilter | null> => call('take_activity_filter');

export const startDemo = (): Promise<AppInfo> => call('start_demo');
export const stopDemo = (): Promise<AppInfo> => call('stop_demo');
/** Repairs a damaged database; resolves to what was kept, one sentence per line. */
export const recoverDatabase = (): Promise<string[]> => call('recover_database');

/** Calls `handler` with every `status` event; resolves to the unsubscribe function. */
export function onStatus(handler: (status: Status) => void): Promise<UnlistenFn> {
  return on('status', handler);
}

/** Calls `handler` with every `notification` event. */
export function onNotification(handler: (n: Events['notification']) => void): Promise<UnlistenFn> {
  return on('notification', handler);
}

/** Calls `handler` when a clicked notification left an Activity filter to take. */
export function onShowActivity(handler: () => void): Promise<UnlistenFn> {
  return on('show_activity', handler);
}

function on<E extends keyof Events>(event: E, handler: (payload: Events[E]) => void): Promise<UnlistenFn> {
  return listen<Events[E]>(event, (e) => handler(e.payload));
}
