#!/bin/sh
# Fails when the committed reference ($2) differs from the one the generator
# makes from the specs ($1). $3 names the target that rewrites it.
if cmp -s "$1" "$2"; then
    echo "reference $2 is current"
    exit 0
fi
echo "reference $2 is stale: it differs from what rsdkgen generates from the specs." >&2
diff -u "$2" "$1" | head -60 >&2
echo "Regenerate it with: bazel run $3" >&2
exit 1
