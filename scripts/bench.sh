#!/usr/bin/env bash
# Runs the benchmarks of BENCHMARKS.md on this machine and rewrites that file:
# installs what is missing (with the test tools: the window scenario drives the
# real window through tauri-driver and WebKitWebDriver), builds the UI and
# release builds of the CLI, the bench and the desktop app (tray and window
# processes), then runs every scenario.
# Arguments go to bridge-bench instead (e.g. --quick, --scenario steady);
# without any, the full run writes BENCHMARKS.md (about 40 minutes).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

"$ROOT/scripts/setup.sh" test
say "Building the UI"
npm run --silent build:ui
say "Building release binaries (CLI, bench, desktop app)"
cargo build --release -p bridge-cli -p bridge-bench -p bridge-app -p bridge-tray

if [ "$#" -eq 0 ]; then
  set -- --write BENCHMARKS.md
fi
say "Running the benchmarks"
exec target/release/bridge-bench --app target/release/backup-bridge-tray "$@"
