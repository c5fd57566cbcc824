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
          'This build contains the desktop shell only. The sync engine that turns ' +
          'Cloud Backup Dashboard events into ConnectWise PSA tickets, and its setup ' +
          'screens, are not installed yet, so there is nothing to configure here.',
      };
  }
}

/** "Version 1.2.3" from "1.2.3"; tolerates a leading "v". */
export function versionLabel(version: string): string {
  const bare = version.trim().replace(/^v/i, '');
  return bare === '' ? 'Version unknown' : `Version ${bare}`;
}
