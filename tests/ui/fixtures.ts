// Data of the fake backend, shaped exactly like the core's serde output and
// named like the simulators' demo world (crates/sim/src/cw/demo.rs,
// crates/sim/src/dashboard/demo.rs), so screenshots look like the real app.
import type {
  Agreement,
  GuardedRemovals,
  BoardOptions,
  CompanyView,
  Company,
  NamedRef,
  Priority,
  RunRecord,
  SettingEntry,
  StuckIntent,
  TicketRow,
} from '../../ui/src/api';

/** ConnectWise companies (`company/companies`). */
export const CW_COMPANIES: Company[] = [
  { id: 250, identifier: 'AcmeDental', name: 'Acme Dental Ltd' },
  { id: 251, identifier: 'NorthwindLaw', name: 'Northwind Law LLP' },
  { id: 252, identifier: 'ContosoHealth', name: 'Contoso Health Clinic' },
  { id: 253, identifier: 'FabrikamBuild', name: 'Fabrikam Builders Inc' },
  { id: 254, identifier: 'BlueYonder', name: 'Blue Yonder Airlines' },
  { id: 255, identifier: 'AcmeDentalLabs', name: 'Acme Dental Labs' },
];

/** Dashboard companies. */
export const DASHBOARD_COMPANIES: Array<[string, string]> = [
  ['c-1001', 'Acme Dental Ltd'],
  ['c-1002', 'Northwind Law LLP'],
  ['c-1003', 'Contoso Health Clinic'],
  ['c-1004', 'Fabrikam Builders Inc'],
  ['c-1005', 'Blue Yonder Airlines'],
  ['c-1006', 'Tailspin Toys'],
];

function agreement(id: number, company: number, name: string, type: string, status: string): Agreement {
  const cw = CW_COMPANIES.find((c) => c.id === company);
  return {
    id,
    name,
    type: { id: type === 'Business Continuity' ? 11 : 12, name: type },
    company: cw === undefined ? null : { id: cw.id, identifier: cw.identifier, name: cw.name },
    agreementStatus: status,
    cancelledFlag: status === 'Cancelled',
  };
}

/** Agreements per ConnectWise company id. */
export const AGREEMENTS: Agreement[] = [
  agreement(401, 250, 'Business Continuity ICB', 'Business Continuity', 'Active'),
  agreement(402, 250, 'Managed Services', 'Managed Services', 'Active'),
  agreement(403, 250, 'Business Continuity ICB (2023)', 'Business Continuity', 'Cancelled'),
  agreement(411, 251, 'Business Continuity ICB', 'Business Continuity', 'Active'),
  agreement(412, 251, 'Managed Services', 'Managed Services', 'Active'),
  agreement(441, 254, 'Managed Services', 'Managed Services', 'Active'),
  agreement(442, 254, 'Business Continuity ICB', 'Business Continuity', 'Cancelled'),
];

export const BOARDS: NamedRef[] = [
  { id: 1, name: 'Service Desk' },
  { id: 2, name: 'Projects Intake' },
];

export const BOARD_OPTIONS: Record<string, BoardOptions> = {
  'Service Desk': {
    statuses: [
      { id: 11, name: 'New', closedStatus: false, defaultFlag: true, inactive: false, sortOrder: 0 },
      { id: 12, name: 'In Progress', closedStatus: false, defaultFlag: false, inactive: false, sortOrder: 1 },
      { id: 13, name: 'Waiting', closedStatus: false, defaultFlag: false, inactive: false, sortOrder: 2 },
      { id: 14, name: '>Closed', closedStatus: true, defaultFlag: false, inactive: false, sortOrder: 3 },
      { id: 15, name: 'Closed (resolved)', closedStatus: true, defaultFlag: false, inactive: false, sortOrder: 4 },
    ],
    types: [{ id: 250, name: 'Backup' }, { id: 251, name: 'Incident' }],
    subtypes: [{ id: 701, name: 'Failure' }, { id: 702, name: 'Warning' }, { id: 703, name: 'Anomaly' }],
    items: [{ id: 12, name: 'Server' }, { id: 13, name: 'Workstation' }, { id: 14, name: 'Cloud' }],
  },
  'Projects Intake': {
    statuses: [
      { id: 30, name: 'New', closedStatus: false, defaultFlag: true, inactive: false, sortOrder: 0 },
      { id: 31, name: 'Scoping', closedStatus: false, defaultFlag: false, inactive: false, sortOrder: 1 },
      { id: 32, name: 'Done', closedStatus: true, defaultFlag: false, inactive: false, sortOrder: 2 },
    ],
    types: [{ id: 260, name: 'Project Request' }],
    subtypes: [],
    items: [],
  },
};

export const PRIORITIES: Priority[] = [
  { id: 1, name: 'Priority 1 - Critical', defaultFlag: false, sortOrder: 1 },
  { id: 2, name: 'Priority 2 - High', defaultFlag: false, sortOrder: 2 },
  { id: 3, name: 'Priority 3 - Normal', defaultFlag: true, sortOrder: 3 },
  { id: 4, name: 'Priority 4 - Low', defaultFlag: false, sortOrder: 4 },
];

/** The settings catalogue as `get_settings` returns it (keys.rs order, defaults, help). */
export const SETTING_SPECS: Array<[string, string | null, string]> = [
  ['cw.site', null, 'ConnectWise host (na.myconnectwise.net, an on-premise host) or URL'],
  ['cw.company', null, 'ConnectWise login company id'],
  ['cw.auth_mode', 'api_member', 'api_member or integrator'],
  ['cw.public_key', null, 'API member public key (api_member mode)'],
  ['cw.integrator_username', null, 'integrator login (integrator mode)'],
  ['cw.impersonate_member', null, 'member identifier to impersonate (integrator mode)'],
  ['cw.client_id', null, 'ConnectWise developer clientId'],
  ['defaults.event_types', 'Error,Warning,BackupAnomaly', 'event types that become tickets (comma list or all)'],
  ['defaults.backup_types', 'all', 'backup types that become tickets (comma list or all)'],
  ['defaults.agreement_condition', '', 'agreement conditions (empty = no agreement)'],
  ['ticket.board', null, 'service board name'],
  ['ticket.status_new', null, "status for new tickets (unset = the board's default)"],
  ['ticket.status_closed', null, "status for closed tickets (unset = the board's first closed status)"],
  ['ticket.priority.Error', null, 'priority for Error events (unset = ConnectWise default)'],
  ['ticket.priority.Warning', null, 'priority for Warning events (unset = ConnectWise default)'],
  ['ticket.priority.BackupAnomaly', null, 'priority for BackupAnomaly events (unset = ConnectWise default)'],
  ['ticket.type', null, 'ticket type (optional)'],
  ['ticket.subtype', null, 'ticket subtype (optional)'],
  ['ticket.item', null, 'ticket item (optional)'],
  ['ticket.summary_template', '{eventType}: {computer} - {plan} ({backupType})', 'summary; placeholders {eventType} {computer} {plan} {backupType} {company}'],
  ['ticket.removed_policy', 'close', 'when an event leaves the Dashboard: close, leave or delete'],
  ['sync.interval_secs', '300', 'seconds between syncs (at least 10)'],
  ['sync.concurrency', '4', 'ConnectWise requests in flight at once (1 to 16)'],
  ['dashboard.url', null, 'Cloud Backup Dashboard base URL'],
  ['storm.max_creates_per_cycle', '50', 'most tickets created per sync; the rest wait for the next sync, oldest first (0 = no cap)'],
  ['storm.rollup_min', '10', 'new failures in one sync that share a cause before they also get one roll-up ticket (at least 2)'],
  ['storm.rollup_company', null, 'ConnectWise Company ID that receives roll-up tickets, usually your own company (empty = no roll-up tickets)'],
  ['ticket.flap_window_mins', '240', 'minutes in which more than 3 failures of one event make it flapping: one summary note instead of a note per close and reopen'],
];

/** Settings rows from stored values. */
export function settingEntries(stored: Map<string, string>): SettingEntry[] {
  return SETTING_SPECS.map(([key, def, help]) => {
    const value = stored.get(key);
    return { key, value: value ?? def, is_default: value === undefined, help };
  });
}

export const SEEN_TYPES = {
  event_types: ['Error', 'Warning', 'BackupAnomaly'],
  backup_types: ['FileLevel', 'ImageBased', 'SystemState', 'MsSql', 'Exchange', 'VMware', 'HyperV', 'M365Mailbox'],
};

/** A Dashboard company row, unmapped. */
export function unmapped(id: string, name: string): CompanyView {
  return {
    id,
    name,
    present: true,
    cw_identifier: null,
    cw_company_id: null,
    cw_company_name: null,
    event_types: 'Default',
    backup_types: 'Default',
    agreement_condition: 'Default',
    last_status: null,
    effective: { event_types: { Only: ['Error', 'Warning', 'BackupAnomaly'] }, backup_types: 'All', agreement_condition: '' },
  };
}

const WORDS = ['Alpine', 'Harbor', 'Cedar', 'Summit', 'Maple', 'Orchid', 'Granite', 'Willow', 'Beacon', 'Riverside'];
const KINDS = ['Dental', 'Law', 'Clinic', 'Builders', 'Logistics', 'Accounting', 'Realty', 'Veterinary'];

/** `n` extra Dashboard companies; some mapped, some failing, some with overrides. */
export function manyCompanies(n: number, now: Date): CompanyView[] {
  const out: CompanyView[] = [];
  for (let i = 0; i < n; i += 1) {
    const name = `${WORDS[i % WORDS.length]} ${KINDS[Math.floor(i / WORDS.length) % KINDS.length]} ${i + 1}`;
    const c = unmapped(`c-${2000 + i}`, name);
    if (i % 3 !== 2) {
      c.cw_identifier = name.replace(/\W/g, '');
      c.cw_company_id = 5000 + i;
      c.cw_company_name = `${name} Ltd`;
      c.last_status =
        i % 17 === 0
          ? { ok: false, at: now.toISOString(), message: `no agreement of ${name} Ltd matches name like "%ICB"` }
          : { ok: true, at: new Date(now.getTime() - (i % 50) * 60_000).toISOString(), message: '' };
    }
    if (i % 11 === 0) c.backup_types = { Explicit: { Only: ['FileLevel', 'ImageBased'] } };
    out.push(c);
  }
  return out;
}

/** The ledger's `source` of an event the Dashboard listed (`Source::identity`). */
const DASHBOARD_SOURCE = 'dashboard:https://dash.example.com/';

/** Tickets a demo sync creates. */
export function demoTickets(site: string, now: Date): TicketRow[] {
  const url = (id: number): string =>
    `https://${site}/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=${id}&companyName=demo`;
  const base = {
    content_hash: 'x',
    pushed_details: [],
    last_error: null,
    updated_at: now.toISOString(),
    source: DASHBOARD_SOURCE,
    snoozed: null,
    created_at: new Date(now.getTime() - 86_400_000).toISOString(),
    flaps: null,
    flap: null,
    company_name: null,
  };
  return [
    { ...base, event_id: 'evt-101', company_id: 'c-1001', ticket_id: 1001, state: 'Open', anomaly: false, event_type: 'Error', job_status: 'Failed', message: '3 files could not be read', summary: 'Error: ACME-DC01 - Nightly files (FileLevel)', priority: 'Priority 2 - High', last_action: 'created', computer: 'ACME-DC01', plan: 'Nightly files', url: url(1001) },
    { ...base, event_id: 'evt-102', company_id: 'c-1002', ticket_id: 1002, state: 'Open', anomaly: false, event_type: 'Warning', job_status: 'CompletedWithWarnings', message: 'VSS snapshot took longer than usual', summary: 'Warning: NW-FS02 - System image (ImageBased)', priority: 'Priority 3 - Normal', last_action: 'created, detail noted', computer: 'NW-FS02', plan: 'System image', url: url(1002) },
    { ...base, event_id: 'evt-103', company_id: 'c-1003', ticket_id: 1003, state: 'Closed', anomaly: false, event_type: 'Error', job_status: 'Completed', message: 'Backup completed', summary: 'Error: CONTOSO-SQL1 - SQL hourly (MsSql)', priority: 'Priority 2 - High', last_action: 'resolution noted, closed', computer: 'CONTOSO-SQL1', plan: 'SQL hourly', url: url(1003) },
    { ...base, event_id: 'evt-104', company_id: 'c-1004', ticket_id: 1004, state: 'Open', anomaly: true, event_type: 'BackupAnomaly', job_status: 'Completed', message: '12,000 files changed in an hour', summary: 'BackupAnomaly: FAB-LAPTOP7 - Documents (FileLevel)', priority: 'Priority 2 - High', last_action: 'created', last_error: 'ConnectWise refused the note: the ticket is locked by another member; it is retried next sync', computer: 'FAB-LAPTOP7', plan: 'Documents', url: url(1004) },
  ];
}

/** Eight more tickets, for a world where 12 tracked events went missing at once. */
export function moreTickets(site: string, now: Date): TicketRow[] {
  const companies: Array<[string, string]> = [['c-1001', 'ACME'], ['c-1002', 'NW'], ['c-1003', 'CONTOSO']];
  return Array.from({ length: 8 }, (_, i): TicketRow => {
    const [company, prefix] = companies[i % companies.length] ?? ['c-1001', 'ACME'];
    const id = 1005 + i;
    return {
      event_id: `evt-${105 + i}`,
      company_id: company,
      company_name: null,
      ticket_id: id,
      state: i % 4 === 3 ? 'Closed' : 'Open',
      anomaly: false,
      event_type: i % 2 === 0 ? 'Error' : 'Warning',
      job_status: i % 4 === 3 ? 'Completed' : i % 2 === 0 ? 'Failed' : 'CompletedWithWarnings',
      message: i % 2 === 0 ? 'the backup target could not be reached' : 'some files were skipped',
      summary: `${i % 2 === 0 ? 'Error' : 'Warning'}: ${prefix}-WS${String(i + 1).padStart(2, '0')} - Documents (FileLevel)`,
      priority: i % 2 === 0 ? 'Priority 2 - High' : 'Priority 3 - Normal',
      content_hash: 'x',
      pushed_details: [],
      last_action: i % 4 === 3 ? 'resolution noted, closed' : 'created',
      last_error: null,
      updated_at: new Date(now.getTime() - (i + 1) * 3_600_000).toISOString(),
      source: DASHBOARD_SOURCE,
      snoozed: null,
      computer: `${prefix}-WS${String(i + 1).padStart(2, '0')}`,
      plan: 'Documents',
      flaps: null,
      flap: null,
      url: `https://${site}/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=${id}&companyName=demo`,
      // Older than the outbox keeps its calls: unknown.
      created_at: null,
    };
  });
}

/**
 * A storm (issue 17) that began two syncs ago: 30 backups failed at once and
 * `storm.max_creates_per_cycle` (10) let 10 creates through per sync, so 20
 * tickets are new since `since` and the latest run still holds 10.
 */
export function stormHistory(site: string, now: Date): { tickets: TicketRow[]; runs: RunRecord[]; since: string } {
  const at = (ms: number): string => new Date(now.getTime() - ms).toISOString();
  const since = at(10 * 60_000 + 4000);
  const hosts = ['ACME-WS', 'NW-LAPTOP', 'CONTOSO-WS'];
  const companies = ['c-1001', 'c-1002', 'c-1003'];
  const storm = Array.from({ length: 20 }, (_, i): TicketRow => {
    const id = 1101 + i;
    const created = at((i < 10 ? 10 * 60_000 : 5 * 60_000) + 2000 - i * 100);
    return {
      event_id: `evt-${201 + i}`,
      company_id: companies[i % 3] ?? 'c-1001',
      company_name: null,
      ticket_id: id,
      state: 'Open',
      anomaly: false,
      event_type: 'Error',
      job_status: 'Failed',
      message: 'the backup target could not be reached',
      summary: `Error: ${hosts[i % 3] ?? 'ACME-WS'}${String(i + 1).padStart(2, '0')} - Documents (FileLevel)`,
      priority: 'Priority 2 - High',
      content_hash: 'x',
      pushed_details: [],
      last_action: 'created',
      last_error: null,
      updated_at: created,
      source: DASHBOARD_SOURCE,
      snoozed: null,
      flaps: null,
      flap: null,
      url: `https://${site}/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=${id}&companyName=demo`,
      created_at: created,
      computer: `${hosts[i % 3] ?? 'ACME-WS'}${String(i + 1).padStart(2, '0')}`,
      plan: 'Documents',
    };
  });
  // The roll-up ticket the storm's shared cause opened in the MSP's own company.
  const rollupAt = at(10 * 60_000 + 1000);
  const rollup: TicketRow = {
    event_id: 'rollup:1',
    company_id: 'BlueYonder',
    company_name: null,
    ticket_id: 1121,
    state: 'Open',
    anomaly: false,
    event_type: 'Roll-up',
    job_status: 'Failed',
    message: 'the backup target could not be reached',
    summary: 'Roll-up: 20 backups failing with one cause (3 companies): the backup target could not be reached',
    priority: 'Priority 2 - High',
    content_hash: 'rollup',
    pushed_details: [],
    last_action: 'created',
    last_error: null,
    updated_at: rollupAt,
    source: 'rollup',
    snoozed: null,
    flaps: null,
    flap: null,
    url: `https://${site}/v4_6_release/services/system_io/Service/fv_sr100_request.rails?service_recid=1121&companyName=demo`,
    created_at: rollupAt,
    computer: null,
    plan: null,
  };
  storm.splice(10, 0, rollup);
  const quiet = { created: 0, updated: 0, notes: 0, closed: 0, reopened: 0, deleted: 0, skipped: 0, errors: 0, held: 0, snoozed: 0 };
  const run = (id: number, ago: number, created: number, held: number): RunRecord => ({
    id,
    started_at: at(ago),
    finished_at: at(ago - 3200),
    counts: { ...quiet, created, held },
    error_messages: [],
  });
  return {
    tickets: [...storm.reverse(), ...demoTickets(site, new Date(now.getTime() - 20 * 60_000))],
    runs: [run(4, 5 * 60_000 + 4000, 10, 10), run(3, 10 * 60_000 + 4000, 10, 20), run(2, 15 * 60_000 + 4000, 0, 0)],
    since,
  };
}

/** `GuardedRemovals`'s Display in the core (the `removals:guarded` problem). */
export function guardedMessage(g: GuardedRemovals): string {
  return (
    `${g.count} of the ${g.tracked} tracked events are missing from the Dashboard listing, so none of their tickets was closed or deleted. ` +
    'If they were really removed, confirm with `backup-bridge sync --once --confirm-removals` (or Confirm removals on the Activity screen); ' +
    'if the Dashboard had a problem, nothing needs doing and the tickets stay as they are when the events come back'
  );
}

/** Two calls recovery could not settle (rule 16), oldest first. */
export function stuckIntents(now: Date): StuckIntent[] {
  const ago = (mins: number): string => new Date(now.getTime() - mins * 60_000).toISOString();
  return [
    {
      id: 7,
      event_id: 'evt-102',
      what: 'add a note to ticket #1002',
      error: 'ConnectWise refused the request (403): the API member may not read notes of ticket #1002; grant Service Tickets: Inquire',
      since: ago(95),
      context: 'Northwind Law LLP · Warning: NW-FS02 - System image (ImageBased)',
    },
    {
      id: 9,
      event_id: 'evt-104',
      what: 'add a note to ticket #1004',
      error: 'ConnectWise answered with a body that is not JSON (400)',
      since: ago(20),
      context: 'Fabrikam Builders Inc · BackupAnomaly: FAB-LAPTOP7 - Documents (FileLevel)',
    },
  ];
}

/** Runs after `cycles` demo syncs. */
export function demoRuns(now: Date, cycles: number): RunRecord[] {
  const runs: RunRecord[] = [];
  for (let i = 0; i < cycles; i += 1) {
    const started = new Date(now.getTime() - i * 300_000 - 4000);
    runs.push({
      id: cycles - i,
      started_at: started.toISOString(),
      finished_at: new Date(started.getTime() + 3200).toISOString(),
      counts: i === cycles - 1
        ? { created: 4, updated: 0, notes: 2, closed: 1, reopened: 0, deleted: 0, skipped: 1, errors: 1, held: 0, snoozed: 0 }
        : { created: 0, updated: 1, notes: 1, closed: 0, reopened: 0, deleted: 0, skipped: 0, errors: 0, held: 0, snoozed: 0 },
      error_messages: i === cycles - 1
        ? ['no agreement of Blue Yonder Airlines matches name like "%ICB" and agreementStatus = "Active"; no ticket was created']
        : [],
    });
  }
  return runs;
}

export const LOG_TAIL = [
  '2026-11-20T11:55:00.120Z  INFO backup_bridge_app: BackupBridge 0.1.0 starting',
  '2026-11-20T11:55:00.410Z  INFO backup_bridge_app::tray: tray icon created',
  '2026-11-20T11:55:01.002Z  INFO sync{run=1}: bridge_core::engine: sync cycle started source=dashboard:https://dash.example.com/',
  '2026-11-20T11:55:03.880Z  INFO sync{run=1}: bridge_core::cw::http: ConnectWise request method=POST path=/service/tickets status=201',
  '2026-11-20T11:55:04.200Z  WARN sync{run=1}: bridge_core::engine: no agreement of Blue Yonder Airlines matches name like "%ICB" and agreementStatus = "Active"',
  '2026-11-20T11:55:04.310Z  INFO sync{run=1}: bridge_core::engine: sync cycle finished created=4 updated=0 notes=2 closed=1 errors=1',
  '2026-11-20T12:00:01.002Z  INFO sync{run=2}: bridge_core::engine: sync cycle started source=dashboard:https://dash.example.com/',
  '2026-11-20T12:00:02.100Z  INFO sync{run=2}: bridge_core::cw::http: ConnectWise request method=POST path=/service/tickets/1002/notes status=201',
  '2026-11-20T12:00:02.310Z  INFO sync{run=2}: bridge_core::engine: sync cycle finished created=0 updated=1 notes=1 closed=0 errors=0',
].join('\n');
