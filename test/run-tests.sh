#!/bin/sh
# run-tests.sh - run cmocka test programs one after the other from the
# repository root; exit non-zero when any of them fails.
fail=0
for t in "$@"; do
    echo "== $t"
    "$t" || { echo "FAILED: $t"; fail=1; }
done
exit $fail
