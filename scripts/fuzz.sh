#!/usr/bin/env bash
# Fuzzes every reader of untrusted input with libFuzzer under ASan+UBSan (clang build in build-fuzz/).
# Usage: scripts/fuzz.sh [SECONDS-PER-TARGET] [TARGET...]   (default 120 s; targets: bounce mbox transcript reply)
# Seeds: the project's fixtures, plus ../shared/corpus when it exists. Findings (crash-*, timeout-*, oom-*)
# are written to build-fuzz/findings/; new interesting inputs grow build-fuzz/corpus-TARGET/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-120}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(bounce mbox transcript reply)
build=$root/build-fuzz

"$root/scripts/setup.sh" clang libclang-rt-dev
if [[ ! -f "$build/CMakeCache.txt" ]]; then
    CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DSMTPSCOPE_GUI=OFF -DSMTPSCOPE_SANITIZE=ON -DSMTPSCOPE_FUZZ=ON
fi
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/#/fuzz_}"

shared=$root/../shared/corpus
mkdir -p "$build/findings"
status=0
for t in "${targets[@]}"; do
    seeds=()
    case $t in
        bounce|mbox) seeds=("$root/tests/data/bounces" "$root/tests/data/messages")
                [[ -d $shared/bounces ]] && seeds+=("$shared/bounces") ;;
        transcript|reply) seeds=("$root/tests/data/transcripts")
                [[ -d $shared/transcripts ]] && seeds+=("$shared/transcripts") ;;
        *) echo "fuzz.sh: unknown target $t (bounce, mbox, transcript, reply)" >&2; exit 2 ;;
    esac
    mkdir -p "$build/corpus-$t"
    echo "== fuzz_$t for $seconds s" >&2
    ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 G_SLICE=always-malloc \
        "$build/tests/fuzz/fuzz_$t" "$build/corpus-$t" "${seeds[@]}" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 -max_len=262144 \
        -artifact_prefix="$build/findings/$t-" -print_final_stats=1 || status=1
done
exit $status
