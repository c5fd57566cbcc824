// What a screen is to the router: it draws itself into a container, may react
// to shared-state changes (a finished sync), and cleans up when left.
import type { Shared } from '../state';

/** Names of the screens, also used in `data-testid="nav-<id>"`. */
export type ScreenId = 'connection' | 'defaults' | 'companies' | 'activity' | 'logs';

/** Lets a screen send the user elsewhere (e.g. after starting the demo). */
export interface Navigator {
  go(id: ScreenId): void;
}

/** One mounted screen. */
export interface Screen {
  /** Called when shared state changes while the screen is shown. */
  onShared?(now: Shared, before: Shared): void;
  /** Called when the user leaves the screen. */
  unmount?(): void;
}

/** Draws a screen into `root` (already emptied). */
export type MountFn = (root: HTMLElement, nav: Navigator) => Screen;
