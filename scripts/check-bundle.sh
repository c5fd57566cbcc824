#!/usr/bin/env bash
# Builds the Debian package with scripts/bundle.sh and checks that it installs
# both of the app's executables side by side: an installer without the tray
# process would install an app that cannot start.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

command -v dpkg-deb >/dev/null || die "dpkg-deb is missing: this check runs on Debian or Ubuntu"
"$ROOT/scripts/bundle.sh" --bundles deb
deb=$(ls -t "$(target_dir)"/release/bundle/deb/*.deb | head -1)
contents=$(dpkg-deb -c "$deb")
for exe in usr/bin/backup-bridge-app usr/bin/backup-bridge-tray; do
  grep -q " \./$exe\$\| $exe\$" <<<"$contents" || die "$deb lacks $exe"
done
echo "$deb holds backup-bridge-app and backup-bridge-tray"
