// Logs screen: the tail of the app's log (or one sync run's lines: every
// line a cycle logs carries `sync{run=N}`), where the files are, and "Copy
// diagnostics" — a report for support that never holds a secret (the
// backend leaves them out; scrubSecrets removes anything that still looks
// like one before it reaches the clipboard).
import * as api from '../api';
import { button, el } from '../dom';
import { scrubSecrets } from '../scrub';
import { shared } from '../state';
import { busy, card, errorNotice, flash, showError } from '../ui';
import type { MountFn } from './screen';

const TAIL_LINES = 400;

/** Puts `text` on the clipboard; falls back to a hidden textarea where the API is refused. */
async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    // Older WebKit or no permission: the selection route below still works.
  }
  const area = el('textarea', { class: 'offscreen', 'aria-hidden': 'true' });
  area.value = text;
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('The clipboard refused the text; select the log and copy it by hand.');
}

export const mountLogs: MountFn = (root) => {
  let alive = true;
  const pre = el('pre', { class: 'log', testid: 'logs-tail', tabindex: '0', 'aria-label': 'Log tail' });
  const tailMessage = el('div');
  const copyStatus = el('span', { class: 'field-status', testid: 'copy-status', 'aria-live': 'polite' });
  const copyError = el('p', { class: 'field-error', role: 'alert', testid: 'copy-error' });

  // Which lines: all of them, or one sync run's (from the recent runs).
  const runPick = el('select', { id: 'log-run', testid: 'log-run', class: 'input' }, [
    el('option', { value: '', text: 'All lines' }),
  ]);
  const runLabel = el('label', { class: 'inline-label', for: 'log-run', text: 'Show' });
  const selectedRun = (): number | null => (runPick.value === '' ? null : Number(runPick.value));

  const loadRuns = async (): Promise<void> => {
    try {
      const runs = await api.recentRuns();
      if (!alive) return;
      const kept = runPick.value;
      runPick.replaceChildren(
        el('option', { value: '', text: 'All lines' }),
        ...runs.map((run) =>
          el('option', {
            value: String(run.id),
            text: `Sync run #${run.id} · ${new Date(run.started_at).toLocaleString()}`,
          }),
        ),
      );
      runPick.value = kept;
    } catch {
      // The log still reads without the list of runs.
    }
  };

  const load = async (): Promise<void> => {
    try {
      const run = selectedRun();
      const text = await api.logTail(TAIL_LINES, run);
      if (!alive) return;
      const empty = run === null ? 'The log is empty so far.' : `Sync run #${run} left no lines in the log.`;
      pre.textContent = text.trim() === '' ? empty : text;
      pre.scrollTop = pre.scrollHeight;
      tailMessage.replaceChildren();
    } catch (error) {
      tailMessage.replaceChildren(errorNotice(error, 'Could not read the log.', 'logs-error'));
    }
  };

  const refresh = button('Refresh', () => void busy(refresh, 'Reading…', async () => {
    await Promise.all([load(), loadRuns()]);
  }), { testid: 'logs-refresh' });
  runPick.addEventListener('change', () => void busy(refresh, 'Reading…', load));
  const copy = button('Copy diagnostics', () => {
    void busy(copy, 'Copying…', async () => {
      showError(copyError, null);
      try {
        await copyText(scrubSecrets(await api.copyDiagnostics()));
        flash(copyStatus, 'Copied — paste it into your support request');
      } catch (error) {
        showError(copyError, error);
      }
    });
  }, { class: 'btn btn-primary', testid: 'copy-diagnostics' });

  const info = shared().info;
  const places = info === null
    ? null
    : el('dl', { class: 'places' }, [
        el('dt', { text: 'Data folder' }),
        el('dd', {}, [el('code', { id: 'data-dir', text: info.data_dir })]),
        el('dt', { text: 'Log files' }),
        el('dd', {}, [el('code', { id: 'log-dir', text: info.log_dir })]),
      ]);

  root.append(
    card('Diagnostics', 'For a support request: version, settings, recent syncs and the log tail. Secrets are never included.', [
      el('div', { class: 'actions' }, [copy, copyStatus]),
      copyError,
      places,
    ], 'diagnostics-card'),
    card(`Log (last ${TAIL_LINES} lines)`, '', [
      el('div', { class: 'toolbar' }, [
        el('div', { class: 'toolbar-main' }, [runLabel, runPick]),
        el('div', { class: 'toolbar-side' }, [refresh]),
      ]),
      tailMessage,
      pre,
    ], 'logs-card'),
  );
  pre.textContent = 'Reading the log…';
  void load();
  void loadRuns();
  return {
    unmount() {
      alive = false;
    },
  };
};
