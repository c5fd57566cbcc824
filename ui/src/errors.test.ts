import { describe, expect, it } from 'vitest';

import { errorSentence, toAppError, type AppError } from './errors';

describe('toAppError', () => {
  const cases: Array<[string, unknown, AppError]> = [
    ['shell error keeps its kind', { kind: 'auth', message: 'bad keys' }, { kind: 'auth', message: 'bad keys' }],
    ['busy kind (the writer lock, rule 12)', { kind: 'busy', message: 'BackupBridge is already syncing this data folder (pid 41)' }, { kind: 'busy', message: 'BackupBridge is already syncing this data folder (pid 41)' }],
    ['not_found kind', { kind: 'not_found', message: 'no such company' }, { kind: 'not_found', message: 'no such company' }],
    ['unknown kind becomes unknown', { kind: 'martian', message: 'boom' }, { kind: 'unknown', message: 'boom' }],
    ['missing kind becomes unknown', { message: 'boom' }, { kind: 'unknown', message: 'boom' }],
    ['plain string (Tauri IPC failures)', 'command app_info not found', { kind: 'unknown', message: 'command app_info not found' }],
    ['Error object', new Error('network down'), { kind: 'unknown', message: 'network down' }],
    ['blank string', '   ', { kind: 'unknown', message: 'Something went wrong and no reason was given.' }],
    ['blank message', { kind: 'auth', message: ' ' }, { kind: 'unknown', message: 'Something went wrong and no reason was given.' }],
    ['null', null, { kind: 'unknown', message: 'Something went wrong and no reason was given.' }],
    ['message not a string', { kind: 'offline', message: 42 }, { kind: 'unknown', message: 'Something went wrong and no reason was given.' }],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(toAppError(input)).toEqual(expected);
  });
});

describe('errorSentence', () => {
  const cases: Array<[AppError, string]> = [
    // Capital and full stop added; no advice for input errors (their message says it).
    [{ kind: 'invalid', message: 'the interval must be at least 10 seconds' }, 'The interval must be at least 10 seconds.'],
    [{ kind: 'not_found', message: 'No company "X"; check it in ConnectWise.' }, 'No company "X"; check it in ConnectWise.'],
    // Far-away failures get the next step…
    [
      { kind: 'offline', message: 'ConnectWise did not answer' },
      'ConnectWise did not answer. Check the network connection and the Site address; BackupBridge retries by itself.',
    ],
    [
      { kind: 'auth', message: 'ConnectWise refused the sign-in (401)' },
      'ConnectWise refused the sign-in (401). Check the keys or login on the Connection screen, then Test connection.',
    ],
    // …unless the message already says what to do.
    [{ kind: 'forbidden', message: 'lacks "Add" — grant it under System › Security Roles' }, 'Lacks "Add" — grant it under System › Security Roles.'],
    [
      { kind: 'busy', message: 'BackupBridge is already syncing this data folder (pid 41)' },
      'BackupBridge is already syncing this data folder (pid 41). Wait for the other sync (the app, the tray or the command line) to finish, then try again.',
    ],
    // The core's busy text already says what to do.
    [
      { kind: 'busy', message: 'BackupBridge is already syncing this data folder (pid 41); let that sync finish, or stop that process, and try again' },
      'BackupBridge is already syncing this data folder (pid 41); let that sync finish, or stop that process, and try again.',
    ],
    [{ kind: 'unknown', message: '' }, 'Something went wrong and no reason was given.'],
    [
      { kind: 'damaged', message: 'the database is damaged: move it aside and restart BackupBridge' },
      'The database is damaged: move it aside and restart BackupBridge.',
    ],
  ];
  it.each(cases)('%j', (error, expected) => {
    expect(errorSentence(error)).toBe(expected);
  });
});
