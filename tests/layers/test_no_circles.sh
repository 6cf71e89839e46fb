#!/bin/sh
# No import circles in runtime/src (tools/circles.py: includes and, from the
# layer libraries, symbol references between the source files), and no layer
# using one above it. Circles listed in known_circles.txt are still to be
# broken; any other fails the test. The fixture (two files that include each
# other) must be reported, or the check is blind.
# usage: test_no_circles.sh CIRCLES_PY KNOWN_CIRCLES FIXTURE_FILE
set -u
script=$1
known=$2
fixture=$(dirname "$3")
command -v python3 >/dev/null 2>&1 || { echo "FAIL: python3 is missing"; exit 1; }
command -v nm >/dev/null 2>&1 || { echo "FAIL: nm is missing"; exit 1; }
src=runtime/src
[ -d "$src" ] || { echo "FAIL: no $src in the runfiles"; exit 1; }

out=$(python3 "$script" --src "$fixture" --lib "$fixture" 2>&1)
case $out in
  *"circles: 1"*) ;;
  *) echo "FAIL: the fixture's circle was not found:"; echo "$out"; exit 1 ;;
esac

out=$(python3 "$script" --src "$src" --lib "$src" --allow "$known" 2>&1)
rc=$?
echo "$out"
case $out in
  *"libraries read: 10"*) ;;
  *) echo "FAIL: expected the 10 layer libraries"; exit 1 ;;
esac
[ "$rc" -eq 0 ] || { echo "FAIL: a new import circle or an upward use (above)"; exit 1; }
echo "PASS"
