// Pure text helpers for the views (no DOM, no backend), unit-tested.
import type { AppStatus } from './api';

/** Headline and explanation for a status. */
export interface StatusText {
  title: string;
  detail: string;
}

/** What to tell the user about the app's status. */
export function statusText(status: AppStatus): StatusText {
  switch (status) {
    case 'not_configured':
      return {
        title: 'Not configured yet',
        detail:
          'This desktop build does not run the sync engine yet, and its setup screens ' +
          'are still to come, so there is nothing to configure here. The backup-bridge ' +
          'command line can already configure and run syncs, using the data folder below.',
      };
  }
}

/** "Version 1.2.3" from "1.2.3"; tolerates a leading "v". */
export function versionLabel(version: string): string {
  const bare = version.trim().replace(/^v/i, '');
  return bare === '' ? 'Version unknown' : `Version ${bare}`;
}
