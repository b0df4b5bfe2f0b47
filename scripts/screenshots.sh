#!/bin/sh
# Takes the README's screenshots under Xvfb with the app's own --screenshot option:
#   scripts/screenshots.sh [OUTDIR]   (default docs/screenshots)
# Writes conversation.png, conversation-dark.png, bounce.png, bounce-dark.png, decode.png and reference.png.
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
shot decode.png --palette light --host gmail-smtp-in.l.google.com \
    --decode "550-5.7.26 This mail is unauthenticated, which poses a security risk to the
550-5.7.26 sender and Gmail users, and has been blocked. The sender must
550 5.7.26 authenticate with at least one of SPF or DKIM. - gsmtp"
shot reference.png --palette light --search 5.7.26
