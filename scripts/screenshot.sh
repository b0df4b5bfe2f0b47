#!/bin/sh
# Takes a screenshot of the GUI under Xvfb: scripts/screenshot.sh OUT.png [smtpscope options...]
# Needs xvfb-run, xwininfo (x11-utils) and ImageMagick's import. Settings go to a temporary
# directory, so the shot shows the default layout and the user's settings stay untouched.
# Examples:
#   scripts/screenshot.sh docs/screenshots/decode.png --decode "$(printf '550 5.1.1 User unknown')"
#   scripts/screenshot.sh docs/screenshots/reference.png --search 5.7.26
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 OUT.png [smtpscope options...]" >&2
    exit 2
fi
out=$1
shift
here=$(cd "$(dirname "$0")/.." && pwd)
app=${SMTPSCOPE_GUI:-$here/build/app/gui/smtpscope}
# /usr/local/bin may shadow ImageMagick with a stand-in; use the real tools.
import=/usr/bin/import
[ -x "$import" ] || import=import

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

cat > "$tmp/run.sh" <<EOS
#!/bin/sh
XDG_CONFIG_HOME="$tmp/config" "\$@" &
pid=\$!
# Wait for the window to be mapped, then give it a moment to lay out and paint.
i=0
while [ \$i -lt 100 ]; do
    id=\$(xwininfo -root -tree 2>/dev/null | awk '/Smtpscope": \("/ { print \$1; exit }')
    [ -n "\$id" ] && break
    sleep 0.1
    i=\$((i + 1))
done
sleep 1.5
if [ -n "\$id" ]; then
    "$import" -window "\$id" "$out"
else
    echo "screenshot: the Smtpscope window did not appear" >&2
fi
kill \$pid
wait \$pid 2>/dev/null || true
[ -n "\$id" ]
EOS
chmod +x "$tmp/run.sh"
xvfb-run -a -s "-screen 0 1400x900x24" "$tmp/run.sh" "$app" "$@"
echo "wrote $out"
