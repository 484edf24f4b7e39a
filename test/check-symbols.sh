#!/bin/sh
# check-symbols.sh - the shared library exports lw_ names only.
lib=$1
syms=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }')
if [ -z "$syms" ]; then
    echo "symbols: no exported symbol found in $lib"
    exit 1
fi
bad=$(printf '%s\n' "$syms" | grep -v '^lw_' | grep -v '^lw__' )
internal=$(printf '%s\n' "$syms" | grep '^lw__')
if [ -n "$bad$internal" ]; then
    echo "symbols: $lib exports names outside the public lw_ prefix:"
    printf '%s\n' $bad $internal
    exit 1
fi
soname=$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')
case "$soname" in
    libworkers.so.[0-9]*) ;;
    *) echo "symbols: unexpected soname '$soname'"; exit 1 ;;
esac
echo "symbols: $(printf '%s\n' "$syms" | wc -l) exported, all lw_;" \
    "soname $soname"
