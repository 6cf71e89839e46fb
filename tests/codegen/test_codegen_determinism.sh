#!/bin/sh
# The generator's output depends only on the specs: two runs, with the spec
# files given in opposite orders, produce identical bytes; a clean run prints
# nothing on stderr.
# usage: test_codegen_determinism.sh RSDKGEN SPEC.json...
set -eu
gen=$1
shift
tmp=${TEST_TMPDIR:-/tmp}/determinism
rm -rf "$tmp"
mkdir -p "$tmp/a" "$tmp/b"
reversed=""
for f in "$@"; do reversed="$f $reversed"; done
run() {
    dir=$1
    shift
    "$gen" --module core --prefix rcore_ --header rsdk/core.h --spec-label spec/core \
        --out-header "$dir/core.h" --out-meta "$dir/meta.c" --out-doc "$dir/core.md" \
        --out-src "$dir/p0.c" --out-src "$dir/p1.c" --out-src "$dir/p2.c" "$@" 2>"$dir/stderr"
}
run "$tmp/a" "$@"
# shellcheck disable=SC2086
run "$tmp/b" $reversed
for f in core.h meta.c core.md p0.c p1.c p2.c; do
    if ! cmp -s "$tmp/a/$f" "$tmp/b/$f"; then
        echo "FAIL: $f differs between runs"
        diff -u "$tmp/a/$f" "$tmp/b/$f" | head -20
        exit 1
    fi
done
if [ -s "$tmp/a/stderr" ]; then
    echo "FAIL: stderr on a clean run:"
    cat "$tmp/a/stderr"
    exit 1
fi
grep -q "generated from spec/core by rsdkgen — do not edit" "$tmp/a/core.h"
echo "PASS: $# specs, identical output in both orders"
