#!/usr/bin/env bash
# Installs what BackupBridge needs to build, run and test — only what is missing,
# so running it again is fast and changes nothing.
#   scripts/setup.sh        what `scripts/run.sh` needs
#   scripts/setup.sh test   also the end-to-end test tools (tauri-driver)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
MODE=${1:-run}

# Debian packages (see shared setup notes): WebKitGTK and friends to build the
# app, Xvfb/D-Bus/ImageMagick to run it headless, WebKitWebDriver and Chromium
# for UI tests, gnome-keyring for the real-keychain tests, systemd for
# `systemd-analyze verify` of the service unit (crates/cli/tests/service.rs).
DEBIAN_PACKAGES=(
  build-essential pkg-config curl file ca-certificates
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev
  libsoup-3.0-dev libjavascriptcoregtk-4.1-dev libxdo-dev libdbus-1-dev
  webkit2gtk-driver xvfb xauth imagemagick dbus dbus-x11 gnome-keyring libsecret-tools keyutils chromium
  systemd
)
NODE_MAJOR_MIN=20

installed() { dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $*"
  fi
}

system_packages() {
  if ! command -v dpkg >/dev/null; then
    say "Not a Debian-based system: install the equivalents of these packages yourself if the build fails:"
    printf '  %s\n' "${DEBIAN_PACKAGES[@]}"
    return
  fi
  local missing=() pkg
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    installed "$pkg" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "system packages: all present"
    return
  fi
  say "Installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

rust_toolchain() {
  if ! command -v cargo >/dev/null; then
    say "Installing the Rust toolchain (rustup)"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs |
      sh -s -- -y --profile minimal --component clippy,rustfmt
  fi
  if ! cargo clippy --version >/dev/null 2>&1 || ! cargo fmt --version >/dev/null 2>&1; then
    say "Adding clippy and rustfmt"
    rustup component add clippy rustfmt
  fi
  echo "rust: $(cargo --version)"
}

node_toolchain() {
  command -v node >/dev/null ||
    die "Node.js ${NODE_MAJOR_MIN} or newer is required (Debian's own nodejs package is too old)"
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge "$NODE_MAJOR_MIN" ] ||
    die "Node.js ${NODE_MAJOR_MIN} or newer is required, found $(node --version)"
  echo "node: $(node --version), npm $(npm --version)"
}

# `npm ci` only when node_modules does not match package-lock.json.
npm_packages() {
  local stamp=node_modules/.backupbridge-lock.sha256 want
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "npm packages: up to date"
    return
  fi
  say "Installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
  printf '%s\n' "$want" >"$stamp"
}

tauri_driver() {
  [ "$(uname -s)" = Linux ] || return 0 # WebKitWebDriver exists on Linux only
  if command -v tauri-driver >/dev/null; then
    echo "tauri-driver: present"
    return
  fi
  say "Installing tauri-driver"
  cargo install tauri-driver --locked
}

system_packages
rust_toolchain
node_toolchain
npm_packages
if [ "$MODE" = test ]; then
  tauri_driver
fi
