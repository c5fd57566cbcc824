#!/usr/bin/env bash
# Builds and starts the BackupBridge desktop app. On a machine where no
# connection is set up yet, the app opens in demo mode (built-in simulators,
# a separate demo database): it decides that itself from the flag
# --demo-if-unconfigured. With no display (a server, CI, a container) it runs
# inside a private Xvfb display and D-Bus session; set BB_SCREENSHOT=path.png
# to capture that display a few seconds after start (BB_SCREENSHOT_DELAY_SECS,
# default 10). Further arguments are passed to the app (e.g. --demo).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

if [ "${1:-}" = --inside-xvfb ]; then
  shift
  echo "Running on private display $DISPLAY (no window manager, so no title bar)."
  if [ -n "${BB_SCREENSHOT:-}" ]; then
    (
      sleep "${BB_SCREENSHOT_DELAY_SECS:-10}"
      mkdir -p "$(dirname "$BB_SCREENSHOT")"
      import -window root "$BB_SCREENSHOT" && echo "screenshot written to $BB_SCREENSHOT"
    ) &
  fi
  # The tray process itself, in the foreground: it opens the window, and
  # Ctrl+C ends both (the display and the D-Bus session end with it anyway).
  exec "$(tray_binary)" "$@"
fi

# The app evaluates this itself: demo mode only while nothing is configured.
set -- --demo-if-unconfigured "$@"

"$ROOT/scripts/setup.sh" run
say "Building the UI"
npm run --silent build:ui
say "Building the app (window and tray processes)"
cargo build -p bridge-app -p bridge-tray

if has_display; then
  say "Starting BackupBridge"
  exec "$(app_binary)" "$@"
fi
say "No display: starting BackupBridge under Xvfb"
export NO_AT_BRIDGE=1
exec xvfb-run -a -s "$XVFB_SCREEN" dbus-run-session -- "$0" --inside-xvfb "$@"
