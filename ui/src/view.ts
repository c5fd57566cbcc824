// DOM rendering of the status screen. Text goes in through textContent only.
import type { AppInfo } from './api';
import type { AppError } from './errors';
import { statusText, versionLabel } from './format';

/** The elements the status screen fills in. */
export interface StatusTargets {
  name: HTMLElement;
  version: HTMLElement;
  content: HTMLElement;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { id?: string; className?: string; text?: string } = {},
  children: Node[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.id !== undefined) node.id = props.id;
  if (props.className !== undefined) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  node.append(...children);
  return node;
}

function folderRow(label: string, id: string, path: string): HTMLElement {
  return el('div', { className: 'folder-row' }, [
    el('dt', { text: label }),
    el('dd', {}, [el('code', { id, text: path })]),
  ]);
}

/** Renders the app's identity, status and folders. */
export function renderStatus(info: AppInfo, targets: StatusTargets): void {
  const status = statusText(info.status);
  targets.name.textContent = info.name;
  targets.version.textContent = versionLabel(info.version);
  targets.content.replaceChildren(
    el('section', { className: 'card', id: 'status-card' }, [
      el('span', { className: `badge badge-${info.status}`, id: 'status-badge', text: 'Status' }),
      el('h2', { id: 'status-title', text: status.title }),
      el('p', { id: 'status-detail', text: status.detail }),
    ]),
    el('section', { className: 'card' }, [
      el('h2', { text: 'Where things are' }),
      el('dl', { className: 'folders' }, [
        folderRow('Data folder', 'data-dir', info.dataDir),
        folderRow('Log files', 'log-dir', info.logDir),
      ]),
    ]),
    el('p', {
      className: 'muted footnote',
      text: 'Closing this window keeps BackupBridge running in the tray; choose Quit in the tray menu to stop it.',
    }),
  );
}

/** Renders a failure to reach the shell. */
export function renderError(error: AppError, content: HTMLElement): void {
  content.replaceChildren(
    el('section', { className: 'card card-error', id: 'error-card' }, [
      el('h2', { text: 'BackupBridge could not load its status' }),
      el('p', { id: 'error-message', text: error.message }),
      el('p', { className: 'muted', text: `Error kind: ${error.kind}` }),
    ]),
  );
}
