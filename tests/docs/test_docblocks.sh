#!/bin/sh
# tools/docblocks.py: a good page becomes C with #line directives pointing
# at the page (fragments wrapped into functions, excerpts checked and left
# out, other languages ignored); an unknown fence and an excerpt that drifted
# from its header are errors naming the page and line. (That a C block that
# does not compile fails the build is //docs:test_doc_blocks itself.)
# usage: test_docblocks.sh DOCBLOCKS.py PAGES_DIR HEADERS_DIR
set -eu
py=$1
pages=$2
headers=$3
tmp=${TEST_TMPDIR:-/tmp}/docblocks
mkdir -p "$tmp"
fail() {
    echo "FAIL: $*"
    exit 1
}
python3 "$py" --headers "$headers" --out "$tmp/good.c" "$pages/good.md" || fail "good page refused"
grep -q "^#line 4 \"$pages/good.md\"$" "$tmp/good.c" || fail "no #line for the first block"
grep -q "^int good_calls(int n, int (\*cb)(int, int)) {$" "$tmp/good.c" || fail "fragment not wrapped"
grep -q "^    (void)cb;$" "$tmp/good.c" || fail "function-pointer parameter not named"
grep -q "^const int rsdk_doc_blocks_good = 2;$" "$tmp/good.c" || fail "block count"
if grep -q "typedef struct sample" "$tmp/good.c"; then fail "excerpt compiled"; fi
if grep -q "not C" "$tmp/good.c"; then fail "python block taken"; fi
if python3 "$py" --headers "$headers" --out "$tmp/bad.c" "$pages/unknown_fence.md" 2>"$tmp/err"; then
    fail "unknown fence accepted"
fi
grep -q "unknown_fence.md:3: unknown fence \`\`\`c snippet" "$tmp/err" || fail "message: $(cat "$tmp/err")"
if python3 "$py" --headers "$headers" --out "$tmp/bad.c" "$pages/drifted.md" 2>"$tmp/err"; then
    fail "drifted excerpt accepted"
fi
grep -q "drifted.md:3: excerpt line not in .*sample.h: int a; /\* the first one \*/" "$tmp/err" ||
    fail "message: $(cat "$tmp/err")"
echo "PASS: blocks extracted, wrapped and checked; bad fences and drifted excerpts refused"
