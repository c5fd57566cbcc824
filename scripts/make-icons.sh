#!/usr/bin/env bash
# Draws BackupBridge's app and tray icons with ImageMagick, then lets the Tauri CLI
# derive the platform icon set (png sizes, .ico, .icns) from the 1024 px master.
# The outputs are committed; run this only when the artwork changes.
set -euo pipefail
cd "$(dirname "$0")/.."

CONVERT=/usr/bin/convert # the real ImageMagick, whatever else is on PATH
OUT=icons
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

BLUE='#1d5fd6'
AMBER='#f59e0b'
RED='#dc2626'

# The bridge glyph: an arch over a deck, with hangers, on a rounded square.
bridge() { # $1 = output, then extra drawing arguments (badges)
  local out=$1
  shift
  "$CONVERT" -size 1024x1024 xc:none \
    -fill "$BLUE" -draw "roundrectangle 48,48 976,976 190,190" \
    -fill none -stroke white -strokewidth 64 -draw "arc 170,330 854,1010 180,360" \
    -stroke none -fill white -draw "roundrectangle 130,600 894,670 20,20" \
    -stroke white -strokewidth 34 \
    -draw "line 320,440 320,600" -draw "line 512,370 512,600" -draw "line 704,440 704,600" \
    -stroke none -fill white -draw "rectangle 200,670 250,830" -draw "rectangle 774,670 824,830" \
    "$@" "$out"
}

bridge "$OUT/app-icon.png"

# Tray states: normal (idle) is the plain glyph; syncing and error carry a badge.
bridge "$TMP/normal.png"
bridge "$TMP/syncing.png" \
  -stroke white -strokewidth 36 -fill "$AMBER" -draw "circle 760,760 760,990" \
  -fill none -stroke white -strokewidth 34 -draw "circle 760,760 860,760" \
  -stroke none -fill "$AMBER" -draw "polygon 760,760 890,680 890,760" -draw "polygon 760,760 630,840 630,760" \
  -fill white -draw "polygon 865,775 905,690 820,710" -draw "polygon 655,745 615,830 700,810"
bridge "$TMP/error.png" \
  -stroke white -strokewidth 36 -fill "$RED" -draw "circle 760,760 760,990" \
  -stroke none -fill white -draw "roundrectangle 735,625 785,800 20,20" -draw "circle 760,860 760,890"

for state in normal syncing error; do
  "$CONVERT" "$TMP/$state.png" -resize 64x64 "$OUT/tray/$state.png"
done

# Platform icon set for tauri.conf.json's bundle.icon.
npx --no-install tauri icon "$OUT/app-icon.png" --output "$OUT" >/dev/null 2>&1
# Mobile targets are out of scope for a desktop tray app.
rm -rf "$OUT/android" "$OUT/ios"
echo "icons written to $OUT/"
