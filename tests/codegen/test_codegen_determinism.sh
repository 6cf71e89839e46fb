#!/bin/sh
# The generator's output depends only on the specs: two runs, with the spec
# files given in opposite orders, produce identical bytes; a clean run prints
# nothing on stderr. With --group, one header per command group; no generated
# header line is wider than 100 columns.
# usage: test_codegen_determinism.sh RSDKGEN SPEC.json...
set -eu
gen=$1
shift
tmp=${TEST_TMPDIR:-/tmp}/determinism
rm -rf "$tmp"
mkdir -p "$tmp/a" "$tmp/b"
reversed=""
for f in "$@"; do reversed="$f $reversed"; done
mkdir -p "$tmp/one"
"$gen" --module core --prefix rcore_ --header rsdk/core.h --out-header "$tmp/one/core.h" \
    --out-doc "$tmp/one/core.md" "$@"
run() {
    dir=$1
    shift
    set -- --out-base "$dir/base.h" "$@"
    for g in $groups; do set -- --group "$g=$dir/$g.h" "$@"; done
    "$gen" --module core --prefix rcore_ --header rsdk/core.h --spec-label spec/core \
        --out-header "$dir/core.h" --out-meta "$dir/meta.c" --out-doc "$dir/core.md" \
        --out-src "$dir/p0.c" --out-src "$dir/p1.c" --out-src "$dir/p2.c" "$@" 2>"$dir/stderr"
}
# Only two groups listed: the generator names a command whose group has no header.
groups="hash string"
if run "$tmp/a" "$@"; then
    echo "FAIL: commands outside the listed groups were accepted"
    exit 1
fi
grep -q "group .* has no header: add it to the module's groups" "$tmp/a/stderr"
# the groups of the generated commands, from the reference's headings
groups=$(sed -n 's/^## Group //p' "$tmp/one/core.md")
run "$tmp/a" "$@"
# shellcheck disable=SC2086
run "$tmp/b" $reversed
for f in core.h meta.c core.md p0.c p1.c p2.c base.h $(for g in $groups; do echo "$g.h"; done); do
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
for g in $groups; do grep -q "#include \"rsdk/core/$g.h\"" "$tmp/a/core.h"; done
# 100 columns (characters, not bytes: the banners hold a dash of three)
if LC_ALL=C.UTF-8 grep -n '.\{101,\}' "$tmp/a"/*.h "$tmp/one/core.h"; then
    echo "FAIL: generated header lines wider than 100 columns (above)"
    exit 1
fi
echo "PASS: $# specs, identical output in both orders"
