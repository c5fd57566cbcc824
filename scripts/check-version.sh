#!/usr/bin/env bash
# Checks that a release tag (vX.Y.Z) names the version the app is built with:
# the workspace's version in Cargo.toml, and src-tauri/tauri.conf.json's own
# `version` when it sets one (without one, Tauri takes the Cargo version).
#   scripts/check-version.sh v0.1.0
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

tag=${1:?usage: scripts/check-version.sh TAG}
cargo_version=$(sed -n '/^\[workspace\.package\]/,/^\[/ s/^version *= *"\([^"]*\)".*/\1/p' Cargo.toml)
[ -n "$cargo_version" ] || die "Cargo.toml's [workspace.package] has no version"
conf_version=$(node -p 'require("./src-tauri/tauri.conf.json").version ?? ""')

[ "$tag" = "v$cargo_version" ] ||
  die "the tag $tag does not match the version in Cargo.toml: tag v$cargo_version, or change the version"
[ -z "$conf_version" ] || [ "$conf_version" = "$cargo_version" ] ||
  die "src-tauri/tauri.conf.json says version $conf_version, Cargo.toml $cargo_version"
echo "version $cargo_version matches the tag $tag"
