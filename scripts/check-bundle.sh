#!/usr/bin/env bash
# Builds the Debian package with scripts/bundle.sh and checks that it installs
# the app's three executables side by side: an installer without the tray
# process would install an app that cannot start, and one without the command
# line would leave the system service (which runs /usr/bin/backup-bridge)
# without its program. scripts/check-deb-install.sh then installs it.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

command -v dpkg-deb >/dev/null || die "dpkg-deb is missing: this check runs on Debian or Ubuntu"
"$ROOT/scripts/bundle.sh" --bundles deb
deb=$(ls -t "$(target_dir)"/release/bundle/deb/*.deb | head -1)
contents=$(dpkg-deb -c "$deb")
for exe in usr/bin/backup-bridge-app usr/bin/backup-bridge-tray usr/bin/backup-bridge; do
  grep -q " \./$exe\$\| $exe\$" <<<"$contents" || die "$deb lacks $exe"
done
unit=usr/lib/systemd/system/backup-bridge.service
grep -q " \./$unit\$\| $unit\$" <<<"$contents" || die "$deb lacks the service unit $unit"
cmp -s <(dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards "*$unit") packaging/systemd/backup-bridge.service ||
  die "$deb's $unit differs from packaging/systemd/backup-bridge.service"
echo "$deb holds backup-bridge-app, backup-bridge-tray, backup-bridge and the service unit"
