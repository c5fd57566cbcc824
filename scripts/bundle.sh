#!/usr/bin/env bash
# Builds the installers (Tauri bundles) with both of the app's executables:
# the window (`backup-bridge-app`, the bundle's main binary) and the tray
# process (`backup-bridge-tray`, shipped beside it as a Tauri "sidecar").
# Arguments go to `tauri build` (e.g. --bundles deb). The bundles land in
# target/release/bundle/.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

"$ROOT/scripts/setup.sh" run
say "Building the tray process"
cargo build --release -p bridge-tray
# Tauri takes a sidecar named after the target triple and installs it without
# the suffix, next to the main binary, where the app looks for it.
triple=$(rustc -vV | sed -n 's/^host: //p')
exe=
case $(uname -s) in MINGW* | MSYS* | CYGWIN*) exe=.exe ;; esac
mkdir -p src-tauri/binaries
cp "$(target_dir)/release/backup-bridge-tray$exe" "src-tauri/binaries/backup-bridge-tray-$triple$exe"
say "Building the bundles"
exec npx tauri build --config src-tauri/tauri.bundle.json "$@"
