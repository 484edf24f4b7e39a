#!/bin/sh
# check-coverage.sh SUMMARY CSV LINES BRANCHES EXPR STORE - compare
# gcovr's summary (SUMMARY) and per-file figures (CSV, from --csv) with
# the thresholds in percent: LINES and BRANCHES overall, EXPR for the
# branches of lib/expr_*, STORE for those of lib/store*.  Prints the
# module figures, then gcovr's lines and branches summary last.  Exit 1
# below any threshold.
summary=$1
csv=$2
want_lines=$3
want_branches=$4
want_expr=$5
want_store=$6

# below A B: is A (percent) under B?
below() {
    awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'
}

# module NAME PREFIX WANT: print "NAME branches: P% (C out of T)" for
# the CSV rows whose file name starts with PREFIX (P rounded down, so
# that 99.96% never shows as 100%); fail when C / T is under WANT percent
# or no file matches.
module() {
    awk -F, -v name="$1" -v prefix="$2" -v want="$3" '
        NR > 1 && index($1, prefix) == 1 { total += $5; covered += $6 }
        END {
            if (total == 0) {
                printf "coverage: no files %s* in the report\n", prefix
                exit 1
            }
            printf "%s branches: %.1f%% (%d out of %d)\n", name,
                int(1000 * covered / total) / 10, covered, total
            if (100 * covered < want * total) {
                printf "coverage: %s branches below the threshold of " \
                    "%s%%\n", name, want
                exit 1
            }
        }' "$csv"
}

lines=$(awk '/^lines:/ { sub("%", "", $2); print $2 }' "$summary")
branches=$(awk '/^branches:/ { sub("%", "", $2); print $2 }' "$summary")
if [ -z "$lines" ] || [ -z "$branches" ]; then
    echo "coverage: no summary in $summary"
    exit 1
fi
fail=0

# Per module first, so that the overall summary stays last.
module expr lib/expr_ "$want_expr" || fail=1
module store lib/store "$want_store" || fail=1

if below "$lines" "$want_lines"; then
    echo "coverage: lines $lines% below the threshold of $want_lines%"
    fail=1
fi
if below "$branches" "$want_branches"; then
    echo "coverage: branches $branches% below the threshold of" \
        "$want_branches%"
    fail=1
fi
grep -E '^(lines|branches):' "$summary"
exit $fail
