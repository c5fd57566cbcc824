// Entry point: asks the shell who it is and renders the status screen.
import logoUrl from '../../icons/128x128.png';

import { getAppInfo } from './api';
import { toAppError } from './errors';
import { renderError, renderStatus } from './view';
import './styles.css';

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) {
    throw new Error(`index.html has no #${id}`);
  }
  return element as T;
}

async function start(): Promise<void> {
  byId<HTMLImageElement>('app-logo').src = logoUrl;
  const content = byId<HTMLElement>('content');
  try {
    const info = await getAppInfo();
    document.title = info.name;
    renderStatus(info, {
      name: byId('app-name'),
      version: byId('app-version'),
      content,
    });
  } catch (error) {
    renderError(toAppError(error), content);
  }
}

void start();
