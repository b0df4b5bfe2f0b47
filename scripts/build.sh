#!/usr/bin/env bash
# Configures and builds Smtpscope. Usage: scripts/build.sh [BUILD_DIR] [extra cmake options...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
shift || true
"$root/scripts/setup.sh"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
    cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
elif [[ $# -gt 0 ]]; then
    cmake "$build" "$@"
fi
cmake --build "$build" -j"$(nproc)"
