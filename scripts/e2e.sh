#!/usr/bin/env bash
# End-to-end tests of the real desktop app. Builds it, then runs tests/e2e in a
# private Xvfb display and D-Bus session that this script starts (whether or not
# a display exists, so no window pops up on the developer's desktop).
# Screenshots land in target/screenshots/.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

[ "$(uname -s)" = Linux ] || die "the end-to-end tests need WebKitWebDriver, which exists on Linux only"
for tool in tauri-driver WebKitWebDriver xvfb-run dbus-run-session import; do
  command -v "$tool" >/dev/null || die "$tool is missing: run scripts/setup.sh test"
done

npm run --silent build:ui
# Same targets, hence same feature set, as `cargo test --workspace`: after the
# test step this only links the app instead of recompiling ~80 crates.
cargo build --workspace --all-targets
export BB_APP_BIN
BB_APP_BIN=$(app_binary)
export NO_AT_BRIDGE=1
exec xvfb-run -a -s "$XVFB_SCREEN" dbus-run-session -- npm run --silent test:e2e
