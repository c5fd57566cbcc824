#!/usr/bin/env bash
# Builds the installers (Tauri bundles) with the app's three executables:
# the window (`backup-bridge-app`, the bundle's main binary), the tray process
# (`backup-bridge-tray`) and the command line (`backup-bridge`), the last two
# shipped beside the first as Tauri "sidecars" (src-tauri/tauri.bundle.json,
# which also holds the installers' settings).
# Arguments go to `tauri build` (e.g. --bundles deb). The bundles land in
# target/release/bundle/.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

"$ROOT/scripts/setup.sh" run
say "Building the tray process and the command line"
cargo build --release -p bridge-tray -p bridge-cli
# Tauri takes a sidecar named after the target triple and installs it without
# the suffix, next to the main binary, where the app looks for it.
triple=$(rustc -vV | sed -n 's/^host: //p')
exe=
case $(uname -s) in MINGW* | MSYS* | CYGWIN*) exe=.exe ;; esac
mkdir -p src-tauri/binaries
for name in backup-bridge-tray backup-bridge; do
  cp "$(target_dir)/release/$name$exe" "src-tauri/binaries/$name-$triple$exe"
done
say "Building the bundles"
exec npx tauri build --config src-tauri/tauri.bundle.json "$@"
