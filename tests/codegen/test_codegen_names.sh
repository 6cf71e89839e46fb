#!/bin/sh
# The naming rule for nested types (docs/codegen.md, "Names"): a oneof or
# block is <function>_<argument>, whatever blocks enclose it; two of one
# command with the same argument name keep the path through their enclosing
# types. usage: test_codegen_names.sh RSDKGEN nested.json twin.json
set -eu
gen=$1
tmp=${TEST_TMPDIR:-/tmp}/names
mkdir -p "$tmp"
"$gen" --module t --prefix rt_ --header rsdk/t.h --out-header "$tmp/nested.h" "$2"
"$gen" --module t --prefix rt_ --header rsdk/t.h --out-header "$tmp/twin.h" "$3"
expect() {
    if ! grep -q "$2" "$1"; then
        echo "FAIL: $1 lacks $2"
        exit 1
    fi
}
# BLK range -> unit: the block's name is left out
expect "$tmp/nested.h" "^typedef enum rt_blk_unit {"
expect "$tmp/nested.h" "^    RT_BLK_UNIT_BYTE,"
if grep -q "rt_blk_range_unit" "$tmp/nested.h"; then
    echo "FAIL: rt_blk_range_unit still generated"
    exit 1
fi
# TWIN first -> unit and second -> unit share a name: both keep the path;
# second -> mode does not
expect "$tmp/twin.h" "^typedef enum rt_twin_first_unit {"
expect "$tmp/twin.h" "^typedef enum rt_twin_second_unit {"
expect "$tmp/twin.h" "^    RT_TWIN_SECOND_UNIT_BIT,"
expect "$tmp/twin.h" "^typedef enum rt_twin_mode {"
echo "PASS: nested types named by their argument, shared names by their path"
