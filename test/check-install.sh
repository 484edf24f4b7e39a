#!/bin/sh
# check-install.sh - stage "make install" into a temporary DESTDIR, check
# the layout, build a program against it with pkg-config alone, run it,
# then check that "make uninstall" removes everything.
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=/usr
make -s install DESTDIR="$tmp" PREFIX=$prefix >/dev/null
lib=$tmp$prefix/lib
for f in include/libworkers.h include/libworkers/common.h \
         lib/libworkers.a lib/libworkers.so lib/pkgconfig/libworkers.pc; do
    [ -e "$tmp$prefix/$f" ] || { echo "install: missing $f"; exit 1; }
done
ls "$lib"/libworkers.so.*.*.* >/dev/null
cat > "$tmp/hello.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <libworkers.h>
int main(void)
{
    if (strcmp(lw_version(), LW_VERSION_STRING) != 0)
        return 1;
    if (lw_result_http_status(LW_ERR_NOT_FOUND) != 404)
        return 1;
    printf("installed libworkers %s\n", lw_version());
    return 0;
}
C
export PKG_CONFIG_SYSROOT_DIR="$tmp"
export PKG_CONFIG_LIBDIR="$lib/pkgconfig:/usr/lib/x86_64-linux-gnu/pkgconfig:/usr/share/pkgconfig:/usr/lib/pkgconfig"
flags=$(pkg-config --cflags --libs libworkers)
${CC:-cc} -o "$tmp/hello" "$tmp/hello.c" $flags
LD_LIBRARY_PATH="$lib" "$tmp/hello"
make -s uninstall DESTDIR="$tmp" PREFIX=$prefix >/dev/null
left=$(find "$tmp$prefix" -name '*libworkers*' | head -1)
[ -z "$left" ] || { echo "uninstall: left $left"; exit 1; }
echo "install: ok (headers, libworkers.so*, libworkers.a, libworkers.pc)"
