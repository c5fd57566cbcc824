// Errors as the UI sees them: the shell's `{kind, message}`, whatever shape
// the failure arrived in.

/** Kinds the shell reports (`bridge_app::error::ErrorKind`), plus `unknown`. */
export type AppErrorKind = 'runtime' | 'autostart' | 'logging' | 'io' | 'notification' | 'unknown';

/** A failure from the backend, ready to show. */
export interface AppError {
  kind: AppErrorKind;
  message: string;
}

const KNOWN_KINDS: ReadonlySet<string> = new Set<AppErrorKind>([
  'runtime',
  'autostart',
  'logging',
  'io',
  'notification',
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Turns whatever a command rejected with into an {@link AppError}. */
export function toAppError(error: unknown): AppError {
  if (isRecord(error) && typeof error['message'] === 'string') {
    const kind = error['kind'];
    return {
      kind: typeof kind === 'string' && KNOWN_KINDS.has(kind) ? (kind as AppErrorKind) : 'unknown',
      message: error['message'],
    };
  }
  if (typeof error === 'string' && error.trim() !== '') {
    return { kind: 'unknown', message: error };
  }
  return { kind: 'unknown', message: 'Something went wrong and no reason was given.' };
}
