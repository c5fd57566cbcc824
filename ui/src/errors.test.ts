import { describe, expect, it } from 'vitest';

import { toAppError, type AppError } from './errors';

describe('toAppError', () => {
  const cases: Array<[string, unknown, AppError]> = [
    [
      'shell error keeps its kind',
      { kind: 'autostart', message: 'start at login: denied' },
      { kind: 'autostart', message: 'start at login: denied' },
    ],
    [
      'unknown kind becomes unknown',
      { kind: 'martian', message: 'boom' },
      { kind: 'unknown', message: 'boom' },
    ],
    ['missing kind becomes unknown', { message: 'boom' }, { kind: 'unknown', message: 'boom' }],
    ['plain string (Tauri IPC failures)', 'command app_info not found', {
      kind: 'unknown',
      message: 'command app_info not found',
    }],
    ['Error object', new Error('network down'), { kind: 'unknown', message: 'network down' }],
    ['blank string', '   ', { kind: 'unknown', message: 'Something went wrong and no reason was given.' }],
    ['null', null, { kind: 'unknown', message: 'Something went wrong and no reason was given.' }],
    ['message not a string', { kind: 'io', message: 42 }, {
      kind: 'unknown',
      message: 'Something went wrong and no reason was given.',
    }],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(toAppError(input)).toEqual(expected);
  });
});
