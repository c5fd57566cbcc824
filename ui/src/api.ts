// The only module that talks to the Tauri backend: one typed function per
// command. Everything else in the UI imports from here.
import { invoke } from '@tauri-apps/api/core';

import { toAppError } from './errors';

/** Where the app stands; grows as the sync engine lands. */
export type AppStatus = 'not_configured';

/** Mirrors `bridge_app::models::AppInfo`. */
export interface AppInfo {
  name: string;
  version: string;
  status: AppStatus;
  dataDir: string;
  logDir: string;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    // Commands reject with the shell's `{kind, message}`; normalise anything else.
    throw toAppError(error);
  }
}

/** Name, version, status and folders of the running app. */
export function getAppInfo(): Promise<AppInfo> {
  return call<AppInfo>('app_info');
}
