import { describe, expect, it } from 'vitest';

import { scrubSecrets } from './scrub';

describe('scrubSecrets', () => {
  it.each([
    ['Authorization: Basic dHJhaW5pbmcrcHViOnByaXY=', 'Authorization: Basic [redacted]'],
    ['header Bearer dash-demo-7c1e4b9a2f6d sent', 'header Bearer [redacted] sent'],
    ['private_key=gNfvfMdPxIAPOIvB next', 'private_key=[redacted] next'],
    ['{"password": "hunter22", "user": "x"}', '{"password": "[redacted]", "user": "x"}'],
    ['token: abc123def', 'token: [redacted]'],
    ['cw.public_key = 5QBrF9Eobsojjl19', 'cw.public_key = 5QBrF9Eobsojjl19'],
    ['sync finished: 3 created', 'sync finished: 3 created'],
  ])('%j', (input, expected) => expect(scrubSecrets(input)).toBe(expected));
});
