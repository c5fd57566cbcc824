// The "Storms and flapping" part of the Defaults screen: the storm guard's
// cap on new tickets per sync, the shared-cause roll-up (threshold and the
// ConnectWise company that receives roll-up tickets) and the flap damping
// window; and how long closed tickets stay in the Activity list. Each saves
// when it changes (Enter or leaving the field); the core
// checks the value and its refusal is shown under the field.
import { el } from '../dom';
import { card, field, textInput } from '../ui';
import type { SettingsModel } from './settings-io';

/** One storm setting: its key, label, help line and the kind of value it takes. */
interface StormField {
  key: string;
  label: string;
  help: string;
  numeric: boolean;
  testid: string;
}

/** The fields, in the order the section shows them. */
export const STORM_FIELDS: readonly StormField[] = [
  {
    key: 'storm.max_creates_per_cycle',
    label: 'New tickets per sync, at most',
    help: 'When many backups fail at once, the rest wait for the next syncs, oldest first; nothing is lost. 0 means no limit.',
    numeric: true,
    testid: 'storm-max-creates',
  },
  {
    key: 'storm.rollup_min',
    label: 'Failures with one cause for a roll-up ticket',
    help: 'When this many new failures in one sync share a cause, they also get one roll-up ticket (at least 2).',
    numeric: true,
    testid: 'storm-rollup-min',
  },
  {
    key: 'storm.rollup_company',
    label: 'ConnectWise company for roll-up tickets',
    help: 'The ConnectWise Company ID that receives roll-up tickets, usually your own. Empty: no roll-up tickets.',
    numeric: false,
    testid: 'storm-rollup-company',
  },
  {
    key: 'ticket.flap_window_mins',
    label: 'Flapping window (minutes)',
    help: 'An event that fails more than 3 times in this window is flapping: one summary note instead of a note for every close and reopen.',
    numeric: true,
    testid: 'flap-window',
  },
];

/** How long closed tickets stay in the Activity list (issue 18). */
export const HISTORY_FIELD: StormField = {
  key: 'activity.keep_days',
  label: 'Keep closed tickets in the Activity list (days)',
  help: 'Closed and removed tickets older than this leave the list; a search still finds them.',
  numeric: true,
  testid: 'activity-keep-days',
};

/** One field bound to its key: saves when its value changes, shows "Saved" or the core's refusal. */
function stormField(settings: SettingsModel, spec: StormField): HTMLElement {
  const input = textInput(settings.get(spec.key), {
    testid: spec.testid,
    class: spec.numeric ? 'input input-number' : 'input',
    ...(spec.numeric ? { inputmode: 'numeric' } : {}),
  });
  const f = field(spec.label, input, spec.help, spec.testid);
  // The value last sent: Enter and then leaving the field save it once.
  let sent = input.value;
  const save = (): void => {
    const value = input.value.trim();
    if (value === sent) return;
    sent = value;
    void settings.save(spec.key, value, f).then((ok) => {
      input.setAttribute('aria-invalid', ok ? 'false' : 'true');
      if (ok && input.value.trim() === value) {
        // As the core keeps it (an empty company: no roll-up tickets).
        sent = settings.get(spec.key);
        input.value = sent;
      }
    });
  };
  input.addEventListener('change', save);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') save();
  });
  return f.row;
}

/** The section's card. */
export function stormSection(settings: SettingsModel): HTMLElement {
  return card(
    'Storms and flapping',
    'What BackupBridge does when many backups fail at once, or one keeps failing and recovering.',
    [el('div', { class: 'storm-grid' }, STORM_FIELDS.map((spec) => stormField(settings, spec)))],
    'defaults-storm',
  );
}

/** The Activity list's card. */
export function historySection(settings: SettingsModel): HTMLElement {
  return card(
    'Activity list',
    '',
    [el('div', { class: 'storm-grid' }, [stormField(settings, HISTORY_FIELD)])],
    'defaults-history',
  );
}
