#!/usr/bin/env bash
# Classification benchmark: builds a large mbox by repeating the bounce corpus, then runs
# `smtpscope-cli classify --format jsonl --stats` on it with one and two jobs and prints messages/s,
# MB/s and peak RSS.
#
# Usage: scripts/bench-classify.sh [--repeat N] [--vary] [--jobs "1 2"] [--cli PATH] [--keep] [SOURCE_DIR]
#   SOURCE_DIR  messages to repeat (files and mboxes, recursively); default ../shared/corpus/bounces
#               next to the checkout, else tests/data/bounces and tests/data/messages
#   --repeat N  copies of the messages in the mbox (default 100)
#   --vary      make each copy's addresses unique (a.b@c becomes a.b.c7@c in copy 7), so that no diagnostic
#               text repeats exactly: what a real batch of different bounces looks like to the caches
#   --jobs "…"  the --jobs values to run (default "1 2")
#   --cli PATH  the smtpscope-cli to run (default build/app/cli/smtpscope-cli)
#   --keep      keep the generated mbox (/tmp/smtpscope-bench-<N>.mbox) for later runs
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

repeat=100
jobs_list="1 2"
cli="$root/build/app/cli/smtpscope-cli"
keep=0
vary=0
sources=()
while [[ $# -gt 0 ]]; do
    case "$1" in
    --repeat) repeat=$2; shift 2 ;;
    --jobs) jobs_list=$2; shift 2 ;;
    --cli) cli=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --vary) vary=1; shift ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) sources+=("$1"); shift ;;
    esac
done
if [[ ${#sources[@]} -eq 0 ]]; then
    if [[ -d "$root/../shared/corpus/bounces" ]]; then
        sources=("$root/../shared/corpus/bounces")
    else
        sources=("$root/tests/data/bounces" "$root/tests/data/messages")
    fi
fi
[[ -x "$cli" ]] || { echo "bench-classify: $cli not built (run scripts/build.sh)" >&2; exit 1; }

mbox=/tmp/smtpscope-bench-$repeat.mbox
[[ $vary -eq 1 ]] && mbox=/tmp/smtpscope-bench-$repeat-vary.mbox
if [[ ! -s "$mbox" ]]; then
    echo "building $mbox: ${sources[*]} repeated $repeat times" >&2
    python3 - "$mbox" "$repeat" "$vary" "${sources[@]}" <<'EOF'
import os, re, sys

out_path, repeat, vary, roots = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1", sys.argv[4:]
ADDRESS_LOCAL = re.compile(rb"([A-Za-z0-9][A-Za-z0-9._+-]*)@")
# A real From_ line: "From " sender, then an asctime date.
FROM_LINE = re.compile(rb"^From \S+ +\w{3} \w{3} +\d{1,2} \d\d:\d\d(:\d\d)? .*\d{4}")
ESCAPE = re.compile(rb"^(>*From )", re.M)
SEPARATOR = b"From bench@example.invalid Mon Nov 23 00:00:00 2026\n"

def files(root):
    if os.path.isfile(root):
        yield root
        return
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            if name.endswith((".tsv", ".md", ".py")) or name in ("LICENSE", "README"):
                continue
            yield os.path.join(folder, name)

one = bytearray()
count = 0
for root in roots:
    for path in files(root):
        data = open(path, "rb").read()
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        if len(data) < 4:
            continue
        if FROM_LINE.match(data):
            chunk = data  # already an mbox (one or more messages with their From_ lines)
        else:
            chunk = SEPARATOR + ESCAPE.sub(rb">\1", data)
        if not chunk.endswith(b"\n"):
            chunk += b"\n"
        one += chunk + b"\n"
        count += 1
with open(out_path + ".part", "wb") as f:
    for copy in range(repeat):
        f.write(ADDRESS_LOCAL.sub(lambda m: m.group(1) + b".c%d@" % copy, one) if vary else one)
os.rename(out_path + ".part", out_path)
print(f"{count} files, {len(one) * repeat / 1e6:.0f} MB", file=sys.stderr)
EOF
fi
size=$(stat -c %s "$mbox")
echo "input: $mbox, $((size / 1000000)) MB; machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

time_cmd=()
if [[ -x /usr/bin/time ]]; then
    time_cmd=(/usr/bin/time -f 'time: peak RSS %M kB, wall %e s, user %U s, sys %S s')
fi
log=$(mktemp)
for jobs in $jobs_list; do
    echo "--- classify --jobs $jobs"
    "${time_cmd[@]}" "$cli" classify --format jsonl --stats --jobs "$jobs" "$mbox" >/dev/null 2>"$log" || true
    cat "$log"
    # On a shared machine wall time depends on the other load; CPU time much less so.
    awk '/^messages:/ { m = $2 } /^time:/ { cpu = $10 + $13 }
         END { if (m && cpu) printf "%.0f messages per CPU second (user+sys %.2f s)\n", m / cpu, cpu }' "$log"
done
rm -f "$log"
[[ $keep -eq 1 ]] || rm -f "$mbox"
