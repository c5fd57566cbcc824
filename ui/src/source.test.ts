import { describe, expect, it } from 'vitest';

import type { ConnectionView } from './api';
import {
  SOURCE_KINDS,
  companiesNoun,
  fingerprintCommand,
  parseSourceKind,
  pinsCertificate,
  platformValues,
  sourceName,
  sourceSecretStatus,
  sourceSettings,
  sourceShortName,
} from './source';

const VIEW = {
  source_kind: 'msp360',
  source_url: null,
  source_username: 'api-login',
  source_tls_fingerprint: null,
  source_secret: { state: 'saved' },
} as const satisfies Partial<ConnectionView>;

const PIN = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';

const VSPC = {
  source_kind: 'vspc',
  source_url: 'https://vspc.example.com:1280',
  source_username: null,
  source_tls_fingerprint: PIN,
  source_secret: { state: 'saved' },
} as const satisfies Partial<ConnectionView>;

describe('source', () => {
  it('names every kind, and reads unknown words as the Dashboard', () => {
    expect(SOURCE_KINDS.map(sourceName)).toEqual([
      'Cloud Backup Dashboard',
      'MSP360',
      'Comet Backup',
      'Veeam Service Provider Console',
    ]);
    expect(SOURCE_KINDS.map(sourceShortName)).toEqual(['Dashboard', 'MSP360', 'Comet Backup', 'VSPC']);
    expect(parseSourceKind('comet')).toBe('comet');
    expect(parseSourceKind('vspc')).toBe('vspc');
    expect(parseSourceKind('veeam')).toBe('dashboard');
  });

  it('names the companies as each platform calls them', () => {
    expect(companiesNoun('dashboard')).toBe('Dashboard companies');
    expect(companiesNoun('msp360')).toBe('MSP360 companies (and users without a company)');
    expect(companiesNoun('comet')).toBe('Comet tenants or accounts');
    expect(companiesNoun('vspc')).toBe('VSPC companies');
  });

  it('pins certificates only for the self-hosted platforms', () => {
    expect(SOURCE_KINDS.filter(pinsCertificate)).toEqual(['comet', 'vspc']);
  });

  it('sends what was typed for a platform, and keeps the saved values for the Dashboard', () => {
    expect(
      sourceSettings('comet', { url: ' https://comet.example.net ', username: ' admin ', fingerprint: ' ab:cd ' }, VIEW),
    ).toEqual({ url: 'https://comet.example.net', username: 'admin', fingerprint: 'ab:cd' });
    expect(sourceSettings('dashboard', { url: 'typed', username: 'typed', fingerprint: 'typed' }, VSPC)).toEqual({
      url: 'https://vspc.example.com:1280',
      username: '',
      fingerprint: PIN,
    });
  });

  it('lets VSPC go without a username, and an emptied fingerprint clears the pin', () => {
    expect(sourceSettings('vspc', { url: 'https://vspc.example.com:1280', username: '  ', fingerprint: '' }, VSPC)).toEqual({
      url: 'https://vspc.example.com:1280',
      username: '',
      fingerprint: '',
    });
  });

  it('drops another platform’s pin for MSP360, and keeps its own', () => {
    const typed = { url: '', username: 'api-login', fingerprint: '' };
    expect(sourceSettings('msp360', typed, VSPC).fingerprint).toBe('');
    expect(sourceSettings('msp360', typed, { ...VIEW, source_tls_fingerprint: PIN }).fingerprint).toBe(PIN);
  });

  it('shows the saved password only for the saved kind, an environment one for any', () => {
    expect(sourceSecretStatus('msp360', VIEW)).toEqual({ state: 'saved' });
    expect(sourceSecretStatus('comet', VIEW)).toEqual({ state: 'missing' });
    expect(sourceSecretStatus('vspc', VIEW)).toEqual({ state: 'missing' });
    const env = { ...VIEW, source_secret: { state: 'environment', variable: 'BB_SOURCE_SECRET' } } as const;
    expect(sourceSecretStatus('comet', env)).toEqual(env.source_secret);
  });

  it('fills a platform’s fields only from its own saved values', () => {
    expect(platformValues('msp360', VIEW)).toEqual({ url: '', username: 'api-login', fingerprint: '' });
    expect(platformValues('comet', VIEW)).toEqual({ url: '', username: '', fingerprint: '' });
    expect(platformValues('vspc', VSPC)).toEqual({ url: 'https://vspc.example.com:1280', username: '', fingerprint: PIN });
    expect(platformValues('comet', VSPC)).toEqual({ url: '', username: '', fingerprint: '' });
  });

  it('prints the fingerprint command for the typed address, or the example', () => {
    const tail = '</dev/null | openssl x509 -noout -fingerprint -sha256';
    expect(fingerprintCommand(' https://VSPC.acme.example:1280/ ', 'vspc.example.com:1280')).toBe(
      `openssl s_client -connect vspc.acme.example:1280 ${tail}`,
    );
    expect(fingerprintCommand('https://vspc.acme.example', 'x:1')).toBe(`openssl s_client -connect vspc.acme.example:443 ${tail}`);
    expect(fingerprintCommand('vspc.acme', 'vspc.example.com:1280')).toBe(`openssl s_client -connect vspc.example.com:1280 ${tail}`);
    expect(fingerprintCommand('', 'vspc.example.com:1280')).toContain('-connect vspc.example.com:1280 ');
  });
});
