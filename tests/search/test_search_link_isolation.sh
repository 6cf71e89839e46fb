#!/bin/sh
# A program depending only on //modules/search carries no symbols of other
# modules (rcore_, rjson_, rts_, rbloom_, rvset_) and none of Jansson's
# (json_): modules are separate libraries.
# usage: test_search_link_isolation.sh PROGRAM
set -u
prog=$1
if ! command -v nm >/dev/null 2>&1; then
    echo "SKIP: nm not available"
    exit 0
fi
"$prog" >/dev/null || { echo "FAIL: $prog did not run"; exit 1; }
syms=$(nm "$prog" 2>/dev/null; nm -D "$prog" 2>/dev/null)
bad=$(printf '%s\n' "$syms" | grep -E ' (rcore_|rjson_|rts_|rbloom_|rvset_|json_)' | head -5)
if [ -n "$bad" ]; then
    echo "FAIL: foreign symbols in $prog:"
    echo "$bad"
    exit 1
fi
if ldd "$prog" 2>/dev/null | grep -q jansson; then
    echo "FAIL: $prog links libjansson"
    exit 1
fi
printf '%s\n' "$syms" | grep -q 'rsearch_list_encode' || { echo "FAIL: rsearch_list_encode missing"; exit 1; }
echo "PASS: only search symbols"
