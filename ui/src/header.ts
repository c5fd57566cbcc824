// The header (sync status, Sync now, Pause/Resume) and the banners under it
// (demo mode, a sync error). Re-rendered from the shared state on every
// change, and every 30 s so that "5 min ago" stays true.
import * as api from './api';
import { byId, el } from './dom';
import { errorSentence, toAppError } from './errors';
import { syncStateText, syncTimingText, versionLabel } from './format';
import type { Navigator } from './screens/screen';
import { shared, update, type Shared } from './state';
import { badge, busy, toast } from './ui';

const TICK_MS = 30_000;

/** Wires the header buttons and keeps the header in step with `state`. */
export function startHeader(nav: Navigator): (now: Shared) => void {
  const syncButton = byId<HTMLButtonElement>('sync-now');
  const pauseButton = byId<HTMLButtonElement>('pause-toggle');

  syncButton.addEventListener('click', () => {
    void busy(syncButton, 'Starting…', async () => {
      try {
        await api.syncNow();
        update({ status: await api.getStatus() });
      } catch (error) {
        toast('Sync could not start', errorSentence(toAppError(error)), true);
      }
    }).then(() => render(shared()));
  });

  pauseButton.addEventListener('click', () => {
    const paused = shared().status?.state.state === 'paused';
    void busy(pauseButton, paused ? 'Resuming…' : 'Pausing…', async () => {
      try {
        await api.setPaused(!paused);
        update({ status: await api.getStatus() });
      } catch (error) {
        toast(paused ? 'Could not resume' : 'Could not pause', errorSentence(toAppError(error)), true);
      }
    }).then(() => render(shared()));
  });

  const render = (now: Shared): void => {
    renderHeader(now, syncButton, pauseButton);
    renderBanners(now, nav);
  };
  window.setInterval(() => render(shared()), TICK_MS);
  return render;
}

function renderHeader(now: Shared, syncButton: HTMLButtonElement, pauseButton: HTMLButtonElement): void {
  const { info, status } = now;
  byId('app-version').textContent = info === null ? '' : versionLabel(info.version);
  const target = byId('sync-status');
  if (status === null) {
    target.replaceChildren(el('span', { class: 'muted', text: 'Status unknown' }));
    syncButton.disabled = true;
    pauseButton.disabled = true;
    return;
  }
  const configured = info?.configured ?? false;
  const text = syncStateText(status.state, configured);
  target.replaceChildren(
    badge(text.tone, text.label, 'sync-state'),
    el('span', { class: 'sync-timing', testid: 'sync-timing', text: syncTimingText(status, new Date()) }),
  );
  const paused = status.state.state === 'paused';
  if (syncButton.getAttribute('aria-busy') === null) {
    syncButton.disabled = !configured || status.state.state === 'syncing';
    syncButton.title = configured ? 'Run a sync cycle now' : 'Set up the connection first';
  }
  if (pauseButton.getAttribute('aria-busy') === null) {
    pauseButton.textContent = paused ? 'Resume' : 'Pause';
    pauseButton.disabled = !configured && !paused;
    pauseButton.setAttribute('aria-pressed', String(paused));
  }
}

function renderBanners(now: Shared, nav: Navigator): void {
  const target = byId('banners');
  const banners: HTMLElement[] = [];
  if (now.info?.demo === true) {
    const leave = el('button', { type: 'button', class: 'btn btn-small', testid: 'demo-stop', text: 'Leave demo mode' });
    leave.addEventListener('click', () => {
      void busy(leave, 'Leaving…', async () => {
        try {
          update({ info: await api.stopDemo(), status: await api.getStatus() });
          nav.go('connection');
        } catch (error) {
          toast('Could not leave demo mode', errorSentence(toAppError(error)), true);
        }
      });
    });
    banners.push(
      el('div', { class: 'banner banner-demo', role: 'status', testid: 'demo-banner' }, [
        el('strong', { text: 'Demo mode' }),
        el('span', {
          text: 'BackupBridge is working with built-in simulators. The companies, events and tickets are made up; nothing reaches your ConnectWise.',
        }),
        leave,
      ]),
    );
  }
  const startError = now.info?.error;
  if (startError !== undefined && startError !== null) {
    const children: HTMLElement[] = [
      el('strong', { text: 'BackupBridge cannot sync' }),
      el('span', { text: errorSentence(toAppError(startError)) }),
    ];
    if (startError.kind === 'damaged') {
      const recover = el('button', { type: 'button', class: 'btn btn-small', testid: 'db-recover', text: 'Recover' });
      recover.addEventListener('click', () => {
        void busy(recover, 'Recovering…', async () => {
          try {
            const kept = await api.recoverDatabase();
            update({ info: await api.getAppInfo(), status: await api.getStatus() });
            toast('Database recovered', kept.join('\n'), false);
          } catch (error) {
            toast('Could not recover the database', errorSentence(toAppError(error)), true);
          }
        });
      });
      children.push(recover);
    }
    banners.push(el('div', { class: 'banner banner-error', role: 'alert', testid: 'app-error' }, children));
  }
  const state = now.status?.state;
  // A failed start is also reported as the sync state; say it once.
  const sameAsStart = startError != null && state?.state === 'error' && state.reason.includes(startError.message);
  if (state !== undefined && state.state === 'error' && !sameAsStart) {
    banners.push(
      el('div', { class: 'banner banner-error', role: 'alert', testid: 'sync-error' }, [
        el('strong', { text: 'Sync problem' }),
        el('span', {
          text: `${errorSentence({ kind: 'unknown', message: state.reason })} ${
            state.retryable ? 'BackupBridge will try again by itself.' : 'Fix this, then choose Sync now.'
          }`,
        }),
      ]),
    );
  }
  // Keep the DOM (and a focused button) when nothing changed.
  const signature = banners.map((b) => b.textContent).join('|');
  if (target.dataset['signature'] !== signature) {
    target.dataset['signature'] = signature;
    target.replaceChildren(...banners);
  }
}
