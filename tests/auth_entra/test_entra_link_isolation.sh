#!/bin/sh
# Only programs that depend on //modules/auth_entra link libcurl: a program
# on //runtime:rsdk and //modules/core carries no curl_ symbol and no
# libcurl in ldd, while examples/entra (the control) has both.
# usage: test_entra_link_isolation.sh CORE_ONLY_PROGRAM ENTRA_PROGRAM
set -u
core=$1
entra=$2
if ! command -v nm >/dev/null 2>&1 || ! command -v ldd >/dev/null 2>&1; then
    echo "SKIP: nm or ldd not available"
    exit 0
fi
"$core" >/dev/null || { echo "FAIL: $core did not run"; exit 1; }
uses_curl() { # $1 = program
    { nm "$1" 2>/dev/null; nm -D "$1" 2>/dev/null; } | grep -q ' [UTt] curl_' && return 0
    ldd "$1" 2>/dev/null | grep -q 'libcurl'
}
if uses_curl "$core"; then
    echo "FAIL: $core links libcurl:"
    ldd "$core" | grep libcurl
    nm -D "$core" | grep ' curl_' | head -5
    exit 1
fi
uses_curl "$entra" || { echo "FAIL: the control $entra shows no libcurl: the check is blind"; exit 1; }
echo "PASS: no libcurl without modules/auth_entra"
