#!/bin/sh
# A program depending on one module links that module's symbols and no
# other module's: modules are separate libraries picked at build time.
# usage: test_module_link_isolation.sh PROGRAM EXPECTED_SYMBOL FORBIDDEN_PREFIX...
set -u
prog=$1
want=$2
shift 2
if ! command -v nm >/dev/null 2>&1; then
    echo "SKIP: nm not available"
    exit 0
fi
"$prog" >/dev/null || { echo "FAIL: $prog did not run"; exit 1; }
syms=$(nm "$prog" 2>/dev/null; nm -D "$prog" 2>/dev/null)
for prefix in "$@"; do
    bad=$(printf '%s\n' "$syms" | grep -E " $prefix" | head -5)
    if [ -n "$bad" ]; then
        echo "FAIL: $prefix symbols in $prog:"
        echo "$bad"
        exit 1
    fi
done
printf '%s\n' "$syms" | grep -q " $want\$" || { echo "FAIL: $want missing"; exit 1; }
echo "PASS: $want present; none of: $*"
