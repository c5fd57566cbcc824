#!/usr/bin/env bash
# Everything a change must pass: formatting, type checks, the CI workflows'
# lint, lints, Rust and UI unit tests, the UI's flows in headless Chromium, the
# end-to-end smoke test of the real app under Xvfb, and the installer (built,
# installed, run, removed).
# Installs what is missing first (scripts/setup.sh). Runs every step, then
# exits non-zero if any failed.
set -uo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1

"$ROOT/scripts/setup.sh" test || die "setup failed"

# The Tauri crate embeds ui/dist at compile time, so the UI is built first.
say "Building the UI"
npm run --silent build:ui || die "the UI does not build"

passed=0
failed=0
failures=()
step() {
  local name=$1 start=$SECONDS
  shift
  say "$name"
  if "$@"; then
    passed=$((passed + 1))
    printf -- '--- %s: ok (%ss)\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1))
    failures+=("$name")
    printf -- '--- %s: FAILED (%ss)\n' "$name" $((SECONDS - start))
  fi
}

step "rustfmt" cargo fmt --all --check
step "tsc" npm run --silent typecheck
# The CI workflows: keys, expressions, runner labels, job needs, and their
# `run:` scripts through ShellCheck (a broken workflow fails here, not on GitHub).
step "workflows (actionlint)" "$(actionlint_bin)" .github/workflows/*.yml
step "UI unit tests (vitest)" npm run --silent test:ui
step "UI in headless Chromium (a fake backend, and the real dispatcher)" npm run --silent test:browser
step "clippy" cargo clippy --workspace --all-targets -- -D warnings
# The workspace build has demo mode (the tray's default feature); the tray
# must build and pass clippy without it too.
step "clippy, tray without demo mode" cargo clippy -p bridge-tray --no-default-features --all-targets -- -D warnings
# The Windows code paths (platform modules) type-checked with MinGW's target;
# macOS cannot be checked here (its C dependencies need Apple's SDK).
windows_clippy() {
  rustup target list --installed | grep -qx x86_64-pc-windows-gnu ||
    { echo "the Rust target x86_64-pc-windows-gnu is missing (scripts/setup.sh adds it)"; return 1; }
  cargo clippy --target x86_64-pc-windows-gnu --workspace --all-targets -- -D warnings
}
step "clippy for Windows (x86_64-pc-windows-gnu)" windows_clippy
step "cargo test" cargo test --workspace
step "desktop smoke test (Xvfb + WebDriver)" "$ROOT/scripts/e2e.sh"
# Builds the .deb, checks its contents, installs it here, starts the tray as
# the login item does and sees it sync in demo mode, then removes it.
step "installer (.deb): contents, install, demo sync, remove" "$ROOT/scripts/check-deb-install.sh"

echo
for name in "${failures[@]}"; do
  echo "failed: $name"
done
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
