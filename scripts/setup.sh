#!/usr/bin/env bash
# Installs the Debian 12 packages Smtpscope needs to build, test and run, when any is missing.
# Quick when everything is there: it only asks dpkg. Uses sudo when not run as root.
# Usage: scripts/setup.sh [EXTRA-PACKAGE...]   (other scripts add what only they need, e.g. clang for fuzzing)
set -euo pipefail

packages=(
    cmake ninja-build g++ pkg-config git python3
    qt6-base-dev qt6-base-dev-tools qt6-qpa-plugins libqt6sql6-sqlite qt6-svg-dev
    qt6-charts-dev libqt6opengl6-dev
    libgmime-3.0-dev libpsl-dev publicsuffix libre2-dev libmimalloc-dev
    clang-format xvfb xauth poppler-utils fonts-dejavu-core
    "$@"
)

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "smtpscope setup: installing ${missing[*]}" >&2
sudo=()
if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null || { echo "smtpscope setup: run as root or install sudo" >&2; exit 1; }
    sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
