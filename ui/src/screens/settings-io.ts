// Reading and saving settings for the Defaults screen: a map of the current
// entries, and one save function that reports "Saved" or the error in words
// next to the field.
import * as api from '../api';
import { refreshInfo } from '../state';
import { flash, showError } from '../ui';

/** The settings as last read, by key. */
export class SettingsModel {
  private entries = new Map<string, api.SettingEntry>();

  constructor(list: api.SettingEntry[]) {
    this.replace(list);
  }

  private replace(list: api.SettingEntry[]): void {
    this.entries = new Map(list.map((e) => [e.key, e]));
  }

  /** The effective value, '' when unset. */
  get(key: string): string {
    return this.entries.get(key)?.value ?? '';
  }

  /** True when nothing is stored for `key` (its default applies). */
  isDefault(key: string): boolean {
    return this.entries.get(key)?.is_default ?? true;
  }

  /** The core's one-line help for `key`. */
  help(key: string): string {
    return this.entries.get(key)?.help ?? '';
  }

  /**
   * Saves one value. Shows "Saved" in `status` or the error in `error`;
   * resolves true on success.
   */
  async save(key: string, value: string, where: { status: HTMLElement; error: HTMLElement }): Promise<boolean> {
    showError(where.error, null);
    try {
      this.replace(await api.setSetting(key, value));
      flash(where.status);
      // The board is one of the settings a sync needs.
      if (key === 'ticket.board') await refreshInfo(api.getAppInfo);
      return true;
    } catch (error) {
      showError(where.error, error);
      return false;
    }
  }
}
