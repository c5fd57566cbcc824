import { describe, expect, it } from 'vitest';

import { statusText, versionLabel } from './format';

describe('versionLabel', () => {
  const cases: Array<[string, string]> = [
    ['0.1.0', 'Version 0.1.0'],
    ['v2.3.4', 'Version 2.3.4'],
    [' 1.0.0-beta.1 ', 'Version 1.0.0-beta.1'],
    ['', 'Version unknown'],
    ['v', 'Version unknown'],
  ];
  it.each(cases)('%j -> %j', (input, expected) => {
    expect(versionLabel(input)).toBe(expected);
  });
});

describe('statusText', () => {
  it('is honest that nothing can be configured yet', () => {
    const text = statusText('not_configured');
    expect(text.title).toBe('Not configured yet');
    expect(text.detail).toContain('does not run the sync engine yet');
    expect(text.detail).toContain('backup-bridge command line');
  });
});
