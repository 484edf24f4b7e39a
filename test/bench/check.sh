#!/bin/sh
# check.sh - the performance guard: count the instructions of a fixed
# workload under callgrind (repeatable, unlike a clock on a shared
# machine) and compare them with the committed baseline.
#
#   sh test/bench/check.sh BENCH_FIXED BASELINE [--update]
set -eu
bin=$1
baseline=$2
out=build/bench/callgrind.out

command -v valgrind >/dev/null ||
    { echo "bench-check: valgrind is required (apt-get install valgrind)";
      exit 2; }
valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" \
    > build/bench/callgrind.log 2>&1 ||
    { tail -20 build/bench/callgrind.log; exit 1; }
now=$(awk '/^(summary|totals):/ { print $2; exit }' "$out")
[ -n "$now" ] || { echo "bench-check: no instruction count in $out"; exit 1; }

if [ "${3:-}" = "--update" ]; then
    echo "instructions: $now" > "$baseline"
    echo "bench-check: baseline set to $now instructions"
    exit 0
fi
base=$(awk '/^instructions:/ { print $2 }' "$baseline")
awk -v now="$now" -v base="$base" 'BEGIN {
    change = (now - base) * 100.0 / base
    printf "bench-check: %d instructions, baseline %d (%+.1f%%)\n",
        now, base, change
    if (change > 10) {
        print "bench-check: more than 10% above the baseline"
        exit 1
    }
    if (change < -10)
        print "bench-check: well below the baseline: " \
              "run make bench-baseline to lock the gain in"
}'
