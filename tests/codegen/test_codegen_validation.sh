#!/bin/sh
# A malformed spec stops the generator: for each bad/<case>.json, rsdkgen
# must exit 1, print exactly bad/<case>.expect on stderr, and write no file.
# usage: test_codegen_validation.sh RSDKGEN SPEC.json...
set -u
gen=$1
shift
out=${TEST_TMPDIR:-/tmp}/validation
fail=0
n=0
for spec in "$@"; do
    n=$((n + 1))
    rm -rf "$out"
    mkdir -p "$out/gen"
    "$gen" --module bad --prefix rbad_ --header rsdk/bad.h --out-header "$out/gen/bad.h" \
        --out-meta "$out/gen/meta.c" --out-doc "$out/gen/bad.md" --out-src "$out/gen/part0.c" \
        "$spec" 2>"$out/stderr" >"$out/stdout"
    rc=$?
    if [ "$rc" -ne 1 ]; then
        echo "FAIL $spec: exit status $rc, want 1"
        fail=1
    fi
    if ! diff -u "${spec%.json}.expect" "$out/stderr"; then
        echo "FAIL $spec: stderr differs from ${spec%.json}.expect"
        fail=1
    fi
    if [ -n "$(ls -A "$out/gen")" ] || [ -s "$out/stdout" ]; then
        echo "FAIL $spec: output written despite the error: $(ls -A "$out/gen")"
        fail=1
    fi
done
[ "$fail" -eq 0 ] && echo "PASS: $n malformed specs rejected with the expected messages"
exit "$fail"
