#!/bin/sh
# check-coverage.sh SUMMARY LINES BRANCHES - compare gcovr's summary with
# the thresholds (percent) and print its two lines last.  Exit 1 below.
summary=$1
want_lines=$2
want_branches=$3
lines=$(awk '/^lines:/ { sub("%", "", $2); print $2 }' "$summary")
branches=$(awk '/^branches:/ { sub("%", "", $2); print $2 }' "$summary")
if [ -z "$lines" ] || [ -z "$branches" ]; then
    echo "coverage: no summary in $summary"
    exit 1
fi
fail=0
if awk -v a="$lines" -v b="$want_lines" 'BEGIN { exit !(a < b) }'; then
    echo "coverage: lines $lines% below the threshold of $want_lines%"
    fail=1
fi
if awk -v a="$branches" -v b="$want_branches" 'BEGIN { exit !(a < b) }'
then
    echo "coverage: branches $branches% below the threshold of" \
        "$want_branches%"
    fail=1
fi
grep -E '^(lines|branches):' "$summary"
exit $fail
