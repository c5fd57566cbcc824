// The backup source (`source.kind`) in words, and what the Connection screen
// sends for it: pure helpers, shared by the Connection and Companies screens.
import type { ConnectionView, SecretStatus, SourceKind } from './api';

/** Every source, in the order the Connection screen offers them. */
export const SOURCE_KINDS: readonly SourceKind[] = ['dashboard', 'msp360', 'comet', 'vspc'];

/** MSP360's SaaS API, used when its address is left empty (`MSP360_DEFAULT_URL`). */
export const MSP360_DEFAULT_URL = 'https://api.mspbackups.com';

const NAMES: Record<SourceKind, string> = {
  dashboard: 'Cloud Backup Dashboard',
  msp360: 'MSP360',
  comet: 'Comet Backup',
  vspc: 'Veeam Service Provider Console',
};

const SHORT_NAMES: Record<SourceKind, string> = {
  dashboard: 'Dashboard',
  msp360: 'MSP360',
  comet: 'Comet Backup',
  vspc: 'VSPC',
};

/** The product's name, as Test connection prefixes its steps with. */
export function sourceName(kind: SourceKind): string {
  return NAMES[kind];
}

/** The name short enough for a button ("Refresh from VSPC"). */
export function sourceShortName(kind: SourceKind): string {
  return SHORT_NAMES[kind];
}

/** `value` as a source kind, or the default (the Dashboard). */
export function parseSourceKind(value: string): SourceKind {
  return SOURCE_KINDS.find((k) => k === value) ?? 'dashboard';
}

/**
 * The self-hosted platforms, whose own certificate can be pinned
 * (`source.tls_fingerprint`): a VSPC or Comet Server is often self-signed.
 */
export function pinsCertificate(kind: SourceKind): boolean {
  return kind === 'vspc' || kind === 'comet';
}

/** What the source calls the units BackupBridge maps to ConnectWise companies. */
export function companiesNoun(kind: SourceKind): string {
  switch (kind) {
    case 'dashboard':
      return 'Dashboard companies';
    case 'msp360':
      return 'MSP360 companies (and users without a company)';
    case 'comet':
      return 'Comet tenants or accounts';
    case 'vspc':
      return 'VSPC companies';
  }
}

/** The platform address, login and certificate pin a platform source is saved with. */
export interface PlatformValues {
  url: string;
  username: string;
  fingerprint: string;
}

type SavedPlatform = Pick<ConnectionView, 'source_kind' | 'source_url' | 'source_username' | 'source_tls_fingerprint'>;

/**
 * `source.url`, `source.username` and `source.tls_fingerprint` to save. A
 * platform sends what was typed for it; with the Dashboard chosen, the
 * platform's saved values are sent back unchanged, so trying the Dashboard
 * does not lose them. MSP360 (a cloud service) has no fingerprint field: it
 * keeps a pin saved for itself (from the command line) and drops one saved
 * for another platform, whose certificate it would refuse.
 */
export function sourceSettings(selected: SourceKind, typed: PlatformValues, view: SavedPlatform): PlatformValues {
  if (selected === 'dashboard') {
    return { url: view.source_url ?? '', username: view.source_username ?? '', fingerprint: view.source_tls_fingerprint ?? '' };
  }
  const fingerprint = pinsCertificate(selected)
    ? typed.fingerprint.trim()
    : selected === view.source_kind
      ? view.source_tls_fingerprint ?? ''
      : '';
  return { url: typed.url.trim(), username: typed.username.trim(), fingerprint };
}

/**
 * The secret status to show for `kind`'s password: the saved one's for the
 * saved kind; one from the environment serves any kind; another kind starts
 * empty (its address differs, so the saved password would not be sent).
 */
export function sourceSecretStatus(
  kind: SourceKind,
  view: Pick<ConnectionView, 'source_kind' | 'source_secret'>,
): SecretStatus {
  if (view.source_secret.state === 'environment' || kind === view.source_kind) return view.source_secret;
  return { state: 'missing' };
}

/** The platform values the view holds for `kind` (empty for another kind). */
export function platformValues(kind: SourceKind, view: SavedPlatform): PlatformValues {
  if (kind !== view.source_kind) return { url: '', username: '', fingerprint: '' };
  return { url: view.source_url ?? '', username: view.source_username ?? '', fingerprint: view.source_tls_fingerprint ?? '' };
}

/**
 * The command that prints the certificate fingerprint of the server at
 * `address` (host and port; 443 when the address names none), or of
 * `example` while the address does not parse yet.
 */
export function fingerprintCommand(address: string, example: string): string {
  let target = example;
  try {
    const url = new URL(address.trim());
    if (url.protocol === 'https:' && url.hostname !== '') target = `${url.hostname}:${url.port === '' ? '443' : url.port}`;
  } catch {
    // Not an address yet: the example stands.
  }
  return `openssl s_client -connect ${target} </dev/null | openssl x509 -noout -fingerprint -sha256`;
}
