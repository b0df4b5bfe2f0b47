#!/usr/bin/env bash
# Installs what is missing, builds (Release) and launches the Smtpscope window. Arguments go to the app.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" "$root/build" >&2
exec "$root/build/app/gui/smtpscope" "$@"
