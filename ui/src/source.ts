// The backup source (`source.kind`) in words, and what the Connection screen
// sends for it: pure helpers, shared by the Connection and Companies screens.
import type { ConnectionView, SecretStatus, SourceKind } from './api';

/** Every source, in the order the Connection screen offers them. */
export const SOURCE_KINDS: readonly SourceKind[] = ['dashboard', 'msp360', 'comet'];

/** MSP360's SaaS API, used when its address is left empty (`MSP360_DEFAULT_URL`). */
export const MSP360_DEFAULT_URL = 'https://api.mspbackups.com';

const NAMES: Record<SourceKind, string> = {
  dashboard: 'Cloud Backup Dashboard',
  msp360: 'MSP360',
  comet: 'Comet Backup',
};

/** The product's name, as Test connection prefixes its steps with. */
export function sourceName(kind: SourceKind): string {
  return NAMES[kind];
}

/** `value` as a source kind, or the default (the Dashboard). */
export function parseSourceKind(value: string): SourceKind {
  return SOURCE_KINDS.find((k) => k === value) ?? 'dashboard';
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
  }
}

/** The platform login and address a platform source is saved with. */
export interface PlatformValues {
  url: string;
  username: string;
}

/**
 * `source.url` and `source.username` to save. A platform sends what was
 * typed for it; with the Dashboard chosen, the platform's saved values are
 * sent back unchanged, so trying the Dashboard does not lose them.
 */
export function sourceSettings(
  selected: SourceKind,
  typed: PlatformValues,
  view: Pick<ConnectionView, 'source_url' | 'source_username'>,
): PlatformValues {
  if (selected === 'dashboard') return { url: view.source_url ?? '', username: view.source_username ?? '' };
  return { url: typed.url.trim(), username: typed.username.trim() };
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
export function platformValues(kind: SourceKind, view: ConnectionView): PlatformValues {
  if (kind !== view.source_kind) return { url: '', username: '' };
  return { url: view.source_url ?? '', username: view.source_username ?? '' };
}
