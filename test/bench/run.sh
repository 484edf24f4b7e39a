#!/bin/sh
# run.sh - "make bench": the expression scan inside the shared peer
# harness (C and the JavaScript engines timed in the same rounds), the
# same at 10,000 and 100,000 workers, the store operations at each size,
# then one table.  JSON lines are kept in build/bench/.
#
#   sh test/bench/run.sh SHARED_BENCH_DIR
#
# BENCH_ROUNDS (default 5) and BENCH_SCALE (default "10000 100000")
# shorten or lengthen the run.
set -eu
shared=$1
out=build/bench
peers=$out/peers
rounds=${BENCH_ROUNDS:-5}
scale=${BENCH_SCALE:-10000 100000}
scan=$(pwd)/$out/bench_scan

command -v node >/dev/null || { echo "bench: node is required"; exit 2; }
[ -f "$shared/peers.mjs" ] || { echo "bench: no $shared/peers.mjs"; exit 2; }

# The shared folder is read-only in CI: work on a copy.
mkdir -p "$peers"
for f in "$shared"/*; do
    case "$f" in */node_modules) continue ;; esac
    cp -p "$f" "$peers/"
done
chmod -R u+w "$peers"

echo "bench: expressions at 1000 workers, $rounds rounds, all engines" >&2
(cd "$peers" && ./run-peers.sh --rounds "$rounds" \
    --external "libworkers=$scan") > "$out/expr.jsonl" 2> "$out/expr.log" ||
    { tail -20 "$out/expr.log"; exit 1; }

: > "$out/scale.jsonl"
for n in $scale; do
    echo "bench: expressions at $n workers (js and libworkers)" >&2
    (cd "$peers" && ./run-peers.sh --count "$n" --rounds 3 \
        --engines js --external "libworkers=$scan") \
        > "$out/scale-$n.jsonl" 2> "$out/scale-$n.log" ||
        { tail -20 "$out/scale-$n.log"; exit 1; }
    cat "$out/scale-$n.jsonl" >> "$out/scale.jsonl"
done

: > "$out/store.jsonl"
for n in 1000 $scale; do
    echo "bench: store operations at $n workers" >&2
    "$out/bench_store" "$peers/workers-$n.json" >> "$out/store.jsonl"
done

node test/bench/report.mjs "$out/expr.jsonl" "$out/scale.jsonl" \
    "$out/store.jsonl"
