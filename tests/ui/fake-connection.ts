// The fake backend's Connection commands: `save_connection` (validated like
// `config set`, one invalid value saving nothing, the certificate fingerprint
// normalised, each secret bound to the host just saved, the source secret
// to `source.url` or MSP360's default address) and `test_connection`
// (ConnectWise steps, then the backup source's own steps, each named after
// the source, as `ops::test_connection` reports them).
import type { ConnectionInput, ConnectionView, TestReport, TestStep } from '../../ui/src/api';
import {
  checkSetting,
  connectionView,
  missing,
  normalizeFingerprint,
  otherHost,
  secretHost,
  secretInfo,
  sourceKind,
  usable,
  type Which,
  type World,
} from './fake-world';

const fail = (kind: string, message: string): never => {
  throw { kind, message } satisfies { kind: string; message: string };
};

export function saveConnection(world: World, input: ConnectionInput): ConnectionView {
  const pairs: Array<[string, string]> = [
    ['cw.site', input.site],
    ['cw.company', input.company],
    ['cw.auth_mode', input.auth_mode],
    ['cw.public_key', input.public_key],
    ['cw.integrator_username', input.integrator_username],
    ['cw.impersonate_member', input.impersonate_member],
    ['cw.client_id', input.client_id],
    ['dashboard.url', input.dashboard_url],
    ['source.kind', input.source_kind],
    ['source.url', input.source_url],
    ['source.username', input.source_username],
    ['source.tls_fingerprint', input.source_tls_fingerprint],
  ];
  for (const [k, v] of pairs) {
    const problem = checkSetting(k, v);
    if (problem !== null) fail('invalid', problem);
  }
  for (const [k, v] of pairs) {
    if (v.trim() === '') world.stored.delete(k);
    else world.stored.set(k, k === 'source.tls_fingerprint' ? normalizeFingerprint(v) ?? v : v.trim());
  }
  const secrets: Array<[Which, string | null]> = [
    ['cw', input.cw_secret],
    ['dashboard', input.dashboard_token],
    ['source', input.source_secret],
  ];
  for (const [which, value] of secrets) {
    if (value === null || value.trim() === '') continue;
    const host = secretHost(world, which);
    if (host === null) {
      const { setting, what } = secretInfo(which);
      return fail('keychain', `set ${setting} before saving the ${what}: a saved secret is bound to the host it was entered for`);
    }
    world.secrets.set(which, { value: value.trim(), host });
  }
  return connectionView(world);
}

const NAMES = {
  dashboard: 'Cloud Backup Dashboard',
  msp360: 'MSP360',
  comet: 'Comet Backup',
  vspc: 'Veeam Service Provider Console',
} as const;

/** The source's steps: one failed "Settings" step when it cannot be built. */
function sourceSteps(world: World): TestStep[] {
  const kind = sourceKind(world);
  const name = NAMES[kind];
  const which: Which = kind === 'dashboard' ? 'dashboard' : 'source';
  const needed = missing(world).filter((k) => k === 'dashboard.url' || k.startsWith('source.'));
  const settings = (detail: string): TestStep[] => [{ name: `${name} · Settings`, ok: false, detail }];
  if (needed.length > 0) return settings(`${name} is not configured: set ${needed.join(', ')} on the Connection screen`);
  const moved = otherHost(world, which);
  if (moved !== null) return settings(moved);
  if (!usable(world, which)) return settings(`no ${secretInfo(which).what} is saved`);
  if (kind === 'comet' && world.stored.get('source.username') === 'totp-admin') {
    return [
      { name: `${name} · Reachable`, ok: true, detail: `${world.stored.get('source.url') ?? ''} answered (Comet 24.3.1)` },
      { name: `${name} · Signed in`, ok: false, detail: 'the Comet Server refused the sign-in: ERR_TOTP_REQUIRED; use an admin without two-factor authentication' },
    ];
  }
  const address = kind === 'dashboard' ? world.stored.get('dashboard.url') : secretHost(world, 'source');
  const companies = { dashboard: '6 companies', msp360: '6 companies', comet: '4 tenants', vspc: '5 companies' }[kind];
  const accepted =
    kind === 'dashboard' ? 'token' : kind === 'vspc' && !world.stored.has('source.username') ? 'API key' : 'password';
  return [
    { name: `${name} · Reachable`, ok: true, detail: `${address ?? ''} answered` },
    { name: `${name} · Signed in`, ok: true, detail: `the ${accepted} was accepted` },
    { name: `${name} · Can list companies`, ok: true, detail: companies },
    { name: `${name} · Can read monitoring`, ok: true, detail: kind === 'vspc' ? 'the active alarms read' : 'the latest runs read' },
  ];
}

export async function testConnection(world: World): Promise<TestReport> {
  await new Promise((r) => setTimeout(r, 250));
  const steps: TestStep[] = [];
  let missingRights: TestReport['missing_rights'] = [];
  const cwMissing = missing(world).filter((k) => k.startsWith('cw.'));
  if (cwMissing.length > 0) {
    steps.push({ name: 'ConnectWise settings', ok: false, detail: `ConnectWise is not set up: set ${cwMissing.join(', ')}` });
  } else if (otherHost(world, 'cw') !== null) {
    steps.push({ name: 'ConnectWise settings', ok: false, detail: otherHost(world, 'cw') ?? '' });
  } else if (!usable(world, 'cw')) {
    steps.push({ name: 'Sign-in', ok: false, detail: 'ConnectWise refused the sign-in (401): the private key is not saved' });
  } else {
    steps.push({ name: 'Sign-in', ok: true, detail: 'signed in to ConnectWise v2025.1 (cloud)' });
    if (world.stored.get('cw.public_key') === 'LimitedAPI') {
      missingRights = [
        { right: 'read agreements', hint: "System › Security Roles › the API member's security role › Finance › Agreements: Inquire" },
        { right: 'create tickets', hint: "System › Security Roles › the API member's security role › Service Desk › Service Tickets: Add" },
      ];
      steps.push({ name: 'Permissions', ok: false, detail: 'missing: read agreements, create tickets' });
    } else {
      steps.push({ name: 'Permissions', ok: true, detail: 'every right the app needs is granted' });
    }
  }
  steps.push(...sourceSteps(world));
  return { ok: steps.every((s) => s.ok), steps, missing_rights: missingRights };
}
