#!/bin/sh
# A program depending on one module (//modules/core, //modules/timeseries, ...) carries none of the other modules'
# symbols (rcore_, rjson_, rsearch_, rts_, rbloom_, rvset_, all but its own)
# and none of Jansson's (json_): modules are separate libraries, picked at
# build time.
# A module built on Jansson (json, vectorset) passes "jansson" as a fourth
# argument: its program may then carry Jansson.
# usage: test_link_isolation.sh PROGRAM OWN_PREFIX SYMBOL_IT_MUST_HAVE [jansson]
set -u
prog=$1 own=$2 want=$3 jansson=${4:-}
if ! command -v nm >/dev/null 2>&1; then
    echo "FAIL: nm not available"
    exit 1
fi
"$prog" >/dev/null || { echo "FAIL: $prog did not run"; exit 1; }
syms=$(nm "$prog" 2>/dev/null; nm -D "$prog" 2>/dev/null)
others=$(printf 'rcore_\nrjson_\nrsearch_\nrts_\nrbloom_\nrvset_\n' | grep -v "^$own\$" | paste -sd'|')
foreign=$others
[ "$jansson" = jansson ] || foreign="$others|json_"
bad=$(printf '%s\n' "$syms" | grep -E " ($foreign)" | head -5)
if [ -n "$bad" ]; then
    echo "FAIL: foreign symbols in $prog:"
    echo "$bad"
    exit 1
fi
if [ "$jansson" != jansson ] && ldd "$prog" 2>/dev/null | grep -q jansson; then
    echo "FAIL: $prog links libjansson"
    exit 1
fi
printf '%s\n' "$syms" | grep -q " $want\$" || { echo "FAIL: $want missing"; exit 1; }
echo "PASS: only $own symbols ($(printf '%s\n' "$syms" | grep -c " $own") of them)"
