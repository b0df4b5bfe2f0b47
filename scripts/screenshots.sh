#!/bin/sh
# Takes the README's screenshots under Xvfb with the app's own --screenshot option:
#   scripts/screenshots.sh [OUTDIR]   (default docs/screenshots)
# Writes conversation.png, conversation-dark.png, bounce.png, bounce-dark.png and reference.png.
# Needs xvfb-run. Settings go to a temporary directory, so the shots show the default layout.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$here/docs/screenshots}
app=${SMTPSCOPE_GUI:-$here/build/app/gui/smtpscope}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

shot() {
    name=$1
    shift
    XDG_CONFIG_HOME="$tmp/config" XDG_RUNTIME_DIR="$tmp" QT_QPA_PLATFORM=xcb \
        xvfb-run -a -s "-screen 0 1400x900x24" "$app" --screenshot "$out/$name" "$@"
    echo "wrote $out/$name"
}

transcript=$here/tests/data/transcripts/swaks-starttls.txt
bounce=$here/tests/data/gui/two-recipients.eml
shot conversation.png --palette light "$transcript"
shot conversation-dark.png --palette dark "$transcript"
shot bounce.png --palette light "$bounce"
shot bounce-dark.png --palette dark "$bounce"
shot reference.png --palette light --search 5.7.26
