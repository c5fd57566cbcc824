// Entry point: loads the app's info and status, listens to the shell's
// events, and switches between the five screens (the URL hash remembers which).
import logoUrl from '../../icons/128x128.png';

import * as api from './api';
import { byId, el } from './dom';
import { errorSentence, toAppError } from './errors';
import { startHeader } from './header';
import { mountActivity } from './screens/activity';
import { prefetchFirstPage } from './screens/activity-tickets';
import { requestActivityFilter } from './screens/activity-since';
import { mountCompanies } from './screens/companies';
import { mountConnection } from './screens/connection';
import { mountDefaults } from './screens/defaults';
import { mountLogs } from './screens/logs';
import type { MountFn, Navigator, Screen, ScreenId } from './screens/screen';
import { shared, subscribe, update } from './state';
import { errorNotice, toast } from './ui';
import './styles.css';

const SCREENS: Record<ScreenId, { title: string; mount: MountFn }> = {
  connection: { title: 'Connection', mount: mountConnection },
  defaults: { title: 'Defaults', mount: mountDefaults },
  companies: { title: 'Companies', mount: mountCompanies },
  activity: { title: 'Activity', mount: mountActivity },
  logs: { title: 'Logs', mount: mountLogs },
};

function isScreenId(value: string): value is ScreenId {
  return Object.prototype.hasOwnProperty.call(SCREENS, value);
}

const content = byId<HTMLElement>('content');
let current: { id: ScreenId; screen: Screen } | null = null;

const nav: Navigator = {
  go(id: ScreenId): void {
    current?.screen.unmount?.();
    content.replaceChildren();
    for (const tab of document.querySelectorAll<HTMLButtonElement>('.tab')) {
      if (tab.dataset['screen'] === id) tab.setAttribute('aria-current', 'page');
      else tab.removeAttribute('aria-current');
    }
    document.title = `${SCREENS[id].title} — BackupBridge`;
    if (location.hash !== `#${id}`) history.replaceState(null, '', `#${id}`);
    const root = el('div', { class: `screen screen-${id}`, testid: `screen-${id}` });
    content.append(root);
    current = { id, screen: SCREENS[id].mount(root, nav) };
    performance.mark(`bb:mounted-${id}`);
    content.scrollTop = 0;
  },
};

function firstScreen(): ScreenId {
  const hash = location.hash.replace(/^#/, '');
  if (isScreenId(hash)) return hash;
  const info = shared().info;
  return info !== null && (info.configured || info.demo) ? 'activity' : 'connection';
}

async function start(): Promise<void> {
  performance.mark('bb:script');
  // Most windows open on Activity: its first page travels with the status.
  if (location.hash === '' || location.hash === '#activity') prefetchFirstPage();
  byId<HTMLImageElement>('app-logo').src = logoUrl;
  for (const tab of document.querySelectorAll<HTMLButtonElement>('.tab')) {
    tab.addEventListener('click', () => {
      const id = tab.dataset['screen'] ?? '';
      if (isScreenId(id)) nav.go(id);
    });
  }
  const renderHeader = startHeader(nav);
  subscribe((now, before) => {
    renderHeader(now);
    // Demo on/off swaps every piece of data, and so does a backend that
    // starts after a failed start (Recover): redraw the screen from scratch.
    const started = before.info?.error != null && now.info?.error == null;
    if (current !== null && before.info !== null && now.info !== null && (before.info.demo !== now.info.demo || started)) {
      nav.go(current.id);
      return;
    }
    current?.screen.onShared?.(now, before);
  });
  // The live updates are subscribed while the first answers travel.
  const live = Promise.all([
    api.onStatus((s) => update({ status: s })),
    api.onNotification((n) => toast(n.title, n.body, n.is_failure)),
    api.onShowActivity(() => void showRequestedActivity()),
  ]).then(
    () => null,
    (error: unknown) => error,
  );
  const [info, status] = await Promise.allSettled([api.getAppInfo(), api.getStatus()]);
  // For the bench's window scenario: when the backend first answered.
  performance.mark('bb:app-info');
  if (info.status === 'rejected') {
    content.replaceChildren(
      errorNotice(info.reason, 'BackupBridge could not load its status.', 'load-error'),
      el('p', { class: 'muted', text: 'Close the window and open it again from the tray.' }),
    );
    return;
  }
  // Without a status the screens still work; the header says "Status unknown"
  // until the first `status` event arrives.
  update({ info: info.value, status: status.status === 'fulfilled' ? status.value : null });
  nav.go(firstScreen());
  const failed = await live;
  if (failed !== null) {
    toast('Live updates are off', `${errorSentence(toAppError(failed))} Screens refresh when you open them.`, true);
  }
  // A window started by a click on the storm notification switches to
  // Activity, filtered (asked once the show-Activity event is heard, so no
  // click falls between).
  await showRequestedActivity();
}

/** Shows Activity with the filter a clicked notification left, if one waits; true when it did. */
async function showRequestedActivity(): Promise<boolean> {
  const filter = await api.takeActivityFilter().catch(() => null);
  if (filter === null) return false;
  requestActivityFilter(filter);
  nav.go('activity');
  return true;
}

void start();
