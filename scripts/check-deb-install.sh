#!/usr/bin/env bash
# Installs the Debian package into this machine and uses it as a person
# would, then removes it:
#   - `apt-get install ./backup-bridge_*.deb` installs the three executables,
#     none of them missing a shared library (ldd), and the systemd unit, which
#     `systemd-analyze verify` finds clean where it is installed;
#   - `backup-bridge-tray --minimized`, as the login item starts it, runs in
#     its own Xvfb display and D-Bus session with a fresh home folder, lands
#     in demo mode and logs a finished sync;
#   - every shared library the running tray loaded, including those it opens
#     by name at run time (the tray icon's libayatana-appindicator3), comes
#     from a package the .deb depends on, directly or not: dpkg's own
#     library scan cannot see those, so a missing Depends line shows here;
#   - a second launch opens the window (a `backup-bridge-app --window` child
#     that logs its window created);
#   - SIGTERM ends the tray with status 0, and the window with it;
#   - `apt-get remove` takes the executables away and leaves the data folder.
# The package is removed whatever happens. Needs root (or sudo): CI runs it
# as root in a Debian container.
#   scripts/check-deb-install.sh            builds the .deb first (check-bundle.sh)
#   scripts/check-deb-install.sh FILE.deb   checks that package
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

# How long the tray has to log its first demo sync, and the window to start.
SYNC_WAIT_SECS=60
WINDOW_WAIT_SECS=30
BINARIES=(/usr/bin/backup-bridge-app /usr/bin/backup-bridge-tray /usr/bin/backup-bridge)
UNIT=/usr/lib/systemd/system/backup-bridge.service

[ "$(uname -s)" = Linux ] || die "this check installs a .deb: it runs on Debian or Ubuntu"
for tool in apt-get apt-cache dpkg dpkg-deb ldd xvfb-run dbus-run-session; do
  command -v "$tool" >/dev/null || die "$tool is missing: run scripts/setup.sh"
done
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root to run: $*"
  fi
}
installed() { dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed'; }
# The child of process $1 that runs the executable $2 (from /proc: procps
# is not in a bare Debian container).
children_running() {
  local stat pid ppid
  for stat in /proc/[0-9]*/stat; do
    pid=${stat#/proc/}
    pid=${pid%/stat}
    stat=$(cat "$stat" 2>/dev/null) || continue
    stat=${stat##*) }
    read -r _ ppid _ <<<"$stat"
    if [ "$ppid" = "$1" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$2" ]; then
      echo "$pid"
      return
    fi
  done
}
# True while process $1 runs (an ended child not reaped yet is a zombie, Z).
running() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

if [ $# -gt 0 ]; then
  deb=$(realpath "$1")
else
  "$ROOT/scripts/check-bundle.sh"
  # shellcheck disable=SC2012 # the bundler names its files
  deb=$(ls -t "$(target_dir)"/release/bundle/deb/*.deb | head -1)
fi
package=$(dpkg-deb -f "$deb" Package)
if installed "$package"; then
  die "$package is already installed here; this check installs and removes it, so remove it first"
fi

work=$(mktemp -d)
runner=
cleanup() {
  # Every step runs even when one fails.
  set +e
  if [ -n "$runner" ]; then
    # The tray is asked to end, then made to: xvfb-run then stops its display
    # (killing xvfb-run itself would leave the display running).
    local tray_pid waited=0
    tray_pid=$(cat "$work/tray.pid" 2>/dev/null)
    if [ -n "$tray_pid" ]; then
      kill "$tray_pid" 2>/dev/null
      while kill -0 "$runner" 2>/dev/null && [ "$waited" -lt 15 ]; do
        sleep 1
        waited=$((waited + 1))
      done
      kill -KILL "$tray_pid" 2>/dev/null
    else
      kill "$runner" 2>/dev/null
    fi
    wait "$runner" 2>/dev/null
  fi
  if installed "$package"; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq "$package" >/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

say "Installing $(basename "$deb")"
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb"
for exe in "${BINARIES[@]}"; do
  [ -x "$exe" ] || die "$package did not install $exe"
  if ldd "$exe" | grep 'not found'; then
    die "$exe lacks the shared libraries above"
  fi
done
echo "installed: ${BINARIES[*]} ($(dpkg-query -W -f '${Installed-Size}' "$package") KiB)"
/usr/bin/backup-bridge --version
# The service unit where the package puts it, next to the CLI it starts:
# systemd's own check must find nothing to say (the unit is not enabled).
[ -f "$UNIT" ] || die "$package did not install $UNIT"
if command -v systemd-analyze >/dev/null; then
  verdict=$(systemd-analyze verify "$UNIT" 2>&1) || die "systemd-analyze verify $UNIT failed: $verdict"
  [ -z "$verdict" ] || die "systemd-analyze verify $UNIT: $verdict"
  echo "systemd-analyze verify $UNIT: clean"
else
  die "systemd-analyze is missing (scripts/setup.sh test installs the systemd package)"
fi

say "Starting backup-bridge-tray --minimized in a fresh home folder"
export HOME=$work/home XDG_RUNTIME_DIR=$work/run NO_AT_BRIDGE=1
unset XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_STATE_HOME DISPLAY WAYLAND_DISPLAY
mkdir -p "$HOME" && mkdir -m 0700 "$XDG_RUNTIME_DIR"
data=$HOME/.local/share/BackupBridge
# The tray's own PID and exit status are written beside it: the signal must
# reach the tray itself, not xvfb-run.
# shellcheck disable=SC2016 # expanded by the inner shell
xvfb-run -a -s "$XVFB_SCREEN" dbus-run-session -- \
  sh -c '"$@" & echo $! >"$0.pid"; wait $!; echo $? >"$0.status"' "$work/tray" \
  /usr/bin/backup-bridge-tray --minimized --demo-if-unconfigured >"$work/tray.out" 2>&1 &
runner=$!

# True once the tray has logged a line matching $1; fails when the tray ended.
logged() {
  kill -0 "$runner" 2>/dev/null || { cat "$work/tray.out" >&2; die "the tray process ended"; }
  cat "$data"/logs/backup-bridge.*.log 2>/dev/null | grep -q "$1"
}
waited=0
until logged 'sync cycle finished'; do
  [ "$waited" -lt "$SYNC_WAIT_SECS" ] || die "no finished sync logged within ${SYNC_WAIT_SECS}s"
  sleep 1
  waited=$((waited + 1))
done
tray=$(cat "$work/tray.pid")
logged 'demo=true' || die "the tray did not start in demo mode"
echo "a demo sync finished after about ${waited}s"
if cat "$data"/logs/backup-bridge.*.log | grep ' ERROR '; then
  die "the tray logged the errors above"
fi

say "Libraries the running tray loaded come from the package's dependencies"
# The packages apt installs with this one (its dependency closure), against
# the owner of every shared library mapped into the tray process.
closure=$(apt-cache depends --recurse --installed --no-recommends --no-suggests \
  --no-conflicts --no-breaks --no-replaces --no-enhances "$package" | grep -v '^ ' | sort -u)
undeclared=0
while read -r lib; do
  owner=$(dpkg -S "$lib" 2>/dev/null || dpkg -S "${lib#/usr}" 2>/dev/null ||
    dpkg -S "/usr$lib" 2>/dev/null || true)
  owner=${owner%%:*}
  if [ -z "$owner" ]; then
    echo "no package owns $lib" >&2
    undeclared=$((undeclared + 1))
  elif ! grep -qx "$owner" <<<"$closure"; then
    echo "$lib comes from $owner, which $package does not depend on" >&2
    undeclared=$((undeclared + 1))
  fi
done < <(awk '$6 ~ /\.so/ {print $6}' "/proc/$tray/maps" | sort -u)
[ "$undeclared" -eq 0 ] || die "$undeclared libraries of the tray are not pulled in by $package"
echo "$(awk '$6 ~ /\.so/ {print $6}' "/proc/$tray/maps" | sort -u | wc -l) libraries, all from $package's dependencies"

say "A second launch opens the window"
/usr/bin/backup-bridge-tray >>"$work/second.out" 2>&1 || die "the second launch failed: $(cat "$work/second.out")"
window=
waited=0
until [ -n "$window" ]; do
  window=$(children_running "$tray" /usr/bin/backup-bridge-app)
  [ -n "$window" ] && break
  [ "$waited" -lt "$WINDOW_WAIT_SECS" ] || die "no window process within ${WINDOW_WAIT_SECS}s"
  sleep 1
  waited=$((waited + 1))
done
# Open once it is connected to the tray and built (before that, a quitting
# tray could not tell it to close).
until logged 'main window created'; do
  [ "$waited" -lt "$WINDOW_WAIT_SECS" ] || die "the window was not created within ${WINDOW_WAIT_SECS}s"
  sleep 1
  waited=$((waited + 1))
done
echo "window process $window: $(tr '\0' ' ' <"/proc/$window/cmdline")"

say "SIGTERM ends the tray"
kill -TERM "$tray"
waited=0
while [ ! -s "$work/tray.status" ]; do
  [ "$waited" -lt 20 ] || die "the tray did not end within 20s of SIGTERM"
  sleep 1
  waited=$((waited + 1))
done
[ "$(cat "$work/tray.status")" = 0 ] || die "the tray ended with status $(cat "$work/tray.status")"
# Checked before the display goes away, which would end the window anyway.
waited=0
while running "$window"; do
  [ "$waited" -lt 10 ] || die "the window process outlived the tray by 10s"
  sleep 1
  waited=$((waited + 1))
done
wait "$runner" || true
runner=
echo "the tray ended with status 0, and its window with it"

say "Removing $package"
as_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq "$package" >/dev/null
for exe in "${BINARIES[@]}" "$UNIT"; do
  [ ! -e "$exe" ] || die "apt-get remove left $exe"
done
if [ ! -f "$data/demo.db" ] || ! ls "$data"/logs/backup-bridge.*.log >/dev/null; then
  die "removing the package did not keep the data folder $data"
fi
echo "the executables are gone; the data folder is kept"
