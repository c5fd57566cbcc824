// Errors as the UI sees them: the shell's `{kind, message}`, whatever shape
// the failure arrived in, and the one sentence to show for them.

/** Kinds the shell reports (`bridge_core::Error::kind()` plus shell kinds), and `unknown`. */
export type AppErrorKind =
  | 'invalid'
  | 'not_found'
  | 'config'
  | 'auth'
  | 'forbidden'
  | 'offline'
  | 'connectwise'
  | 'dashboard'
  | 'database'
  | 'damaged'
  | 'keychain'
  | 'busy'
  | 'internal'
  | 'unknown';

/** A failure from the backend, ready to show. */
export interface AppError {
  kind: AppErrorKind;
  message: string;
}

const KNOWN_KINDS: ReadonlySet<string> = new Set<AppErrorKind>([
  'invalid',
  'not_found',
  'config',
  'auth',
  'forbidden',
  'offline',
  'connectwise',
  'dashboard',
  'database',
  'damaged',
  'keychain',
  'busy',
  'internal',
]);

const NO_REASON = 'Something went wrong and no reason was given.';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Turns whatever a command rejected with into an {@link AppError}. */
export function toAppError(error: unknown): AppError {
  if (isRecord(error) && typeof error['message'] === 'string' && error['message'].trim() !== '') {
    const kind = error['kind'];
    return {
      kind: typeof kind === 'string' && KNOWN_KINDS.has(kind) ? (kind as AppErrorKind) : 'unknown',
      message: error['message'],
    };
  }
  if (typeof error === 'string' && error.trim() !== '') {
    return { kind: 'unknown', message: error };
  }
  return { kind: 'unknown', message: NO_REASON };
}

/** What to do next, for kinds whose messages come from far away (servers, the OS). */
const NEXT_STEP: Partial<Record<AppErrorKind, string>> = {
  auth: 'Check the keys or login on the Connection screen, then Test connection.',
  forbidden: 'Grant the missing right to the API member’s security role in ConnectWise.',
  offline: 'Check the network connection and the Site address; BackupBridge retries by itself.',
  keychain: 'Unlock the system keychain, then try again.',
  busy: 'Wait for the other sync (the app, the tray or the command line) to finish, then try again.',
  database: 'Restart BackupBridge; if it keeps happening, copy diagnostics from the Logs screen.',
  damaged: 'Choose Recover, or run backup-bridge db recover.',
  internal: 'Restart BackupBridge; if it keeps happening, copy diagnostics from the Logs screen.',
};

/**
 * The sentence to show: the message with a capital and a full stop, followed
 * by what to do when the kind calls for it and the message does not say.
 */
export function errorSentence(error: AppError): string {
  const text = error.message.trim();
  const sentence =
    text === '' ? NO_REASON : text[0]?.toUpperCase() + text.slice(1) + (/[.!?]$/.test(text) ? '' : '.');
  const next = NEXT_STEP[error.kind];
  if (next === undefined || /\b(check|grant|set|run|try|type|choose|add|move|restart|open|install|unlock|fix|use|map|remove|contact)\b/i.test(text)) {
    return sentence;
  }
  return `${sentence} ${next}`;
}
