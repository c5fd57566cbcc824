# shellcheck shell=bash
# Shared helpers for the scripts in this folder (sourced, not run).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$HOME/.cargo/bin:$PATH"

# Screen of the private X server used when there is no display.
export XVFB_SCREEN="-screen 0 1280x800x24"

say() { printf '\n==> %s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Cargo's target folder: the repository's target/ unless CARGO_TARGET_DIR says otherwise.
target_dir() {
  local dir=${CARGO_TARGET_DIR:-$ROOT/target}
  case $dir in /*) ;; *) dir=$ROOT/$dir ;; esac
  printf '%s\n' "$dir"
}

# Path of the desktop app's debug binary.
app_binary() {
  local exe=backup-bridge-app
  case $(uname -s) in MINGW* | MSYS* | CYGWIN*) exe=$exe.exe ;; esac
  printf '%s/debug/%s\n' "$(target_dir)" "$exe"
}

# Path of the desktop app's tray process's debug binary (next to the app's).
tray_binary() {
  local exe=backup-bridge-tray
  case $(uname -s) in MINGW* | MSYS* | CYGWIN*) exe=$exe.exe ;; esac
  printf '%s/debug/%s\n' "$(target_dir)" "$exe"
}

# True when a graphical session is available.
has_display() {
  [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ] || [ "$(uname -s)" != Linux ]
}

# Folder of the tools that scripts/setup.sh installs for the project alone.
tools_dir() {
  printf '%s/tools\n' "$(target_dir)"
}

# Path of the workflows' linter (scripts/setup.sh test installs it).
actionlint_bin() {
  printf '%s/bin/actionlint\n' "$(tools_dir)"
}
