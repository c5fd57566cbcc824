import { describe, expect, it } from 'vitest';

import type { ConnectionView } from './api';
import {
  SOURCE_KINDS,
  companiesNoun,
  parseSourceKind,
  platformValues,
  sourceName,
  sourceSecretStatus,
  sourceSettings,
} from './source';

const VIEW = {
  source_kind: 'msp360',
  source_url: null,
  source_username: 'api-login',
  source_secret: { state: 'saved' },
} as const satisfies Partial<ConnectionView>;

describe('source', () => {
  it('names every kind, and reads unknown words as the Dashboard', () => {
    expect(SOURCE_KINDS.map(sourceName)).toEqual(['Cloud Backup Dashboard', 'MSP360', 'Comet Backup']);
    expect(parseSourceKind('comet')).toBe('comet');
    expect(parseSourceKind('veeam')).toBe('dashboard');
  });

  it('names the companies as each platform calls them', () => {
    expect(companiesNoun('dashboard')).toBe('Dashboard companies');
    expect(companiesNoun('msp360')).toBe('MSP360 companies (and users without a company)');
    expect(companiesNoun('comet')).toBe('Comet tenants or accounts');
  });

  it('sends what was typed for a platform, and keeps the saved values for the Dashboard', () => {
    expect(sourceSettings('comet', { url: ' https://comet.example.net ', username: ' admin ' }, VIEW)).toEqual({
      url: 'https://comet.example.net',
      username: 'admin',
    });
    expect(sourceSettings('dashboard', { url: 'typed', username: 'typed' }, VIEW)).toEqual({ url: '', username: 'api-login' });
  });

  it('shows the saved password only for the saved kind, an environment one for any', () => {
    expect(sourceSecretStatus('msp360', VIEW)).toEqual({ state: 'saved' });
    expect(sourceSecretStatus('comet', VIEW)).toEqual({ state: 'missing' });
    const env = { ...VIEW, source_secret: { state: 'environment', variable: 'BB_SOURCE_SECRET' } } as const;
    expect(sourceSecretStatus('comet', env)).toEqual(env.source_secret);
  });

  it('fills a platform’s fields only from its own saved values', () => {
    const view = { ...VIEW } as unknown as ConnectionView;
    expect(platformValues('msp360', view)).toEqual({ url: '', username: 'api-login' });
    expect(platformValues('comet', view)).toEqual({ url: '', username: '' });
  });
});
