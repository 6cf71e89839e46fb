#!/bin/sh
# A program depending only on //modules/core carries no symbols of other
# modules (rjson_, rsearch_, rts_, rbloom_, rvset_) and none of Jansson's (json_): modules are
# separate libraries and the generator's JSON parser never reaches run time.
# usage: test_core_link_isolation.sh PROGRAM
set -u
prog=$1
if ! command -v nm >/dev/null 2>&1; then
    echo "SKIP: nm not available"
    exit 0
fi
"$prog" >/dev/null || { echo "FAIL: $prog did not run"; exit 1; }
syms=$(nm "$prog" 2>/dev/null; nm -D "$prog" 2>/dev/null)
bad=$(printf '%s\n' "$syms" | grep -E ' (rjson_|rsearch_|rts_|rbloom_|rvset_|json_)' | head -5)
if [ -n "$bad" ]; then
    echo "FAIL: foreign symbols in $prog:"
    echo "$bad"
    exit 1
fi
if ldd "$prog" 2>/dev/null | grep -q jansson; then
    echo "FAIL: $prog links libjansson"
    exit 1
fi
printf '%s\n' "$syms" | grep -q 'rcore_ping_encode' || { echo "FAIL: rcore_ping_encode missing"; exit 1; }
echo "PASS: only core symbols"
