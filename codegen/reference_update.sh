#!/bin/sh
# bazel run target: copies the generated reference ($1) over the committed
# file ($2, a workspace-relative path) in the source tree.
set -eu
if [ -z "${BUILD_WORKSPACE_DIRECTORY:-}" ]; then
    echo "run this with 'bazel run'" >&2
    exit 1
fi
cp "$1" "$BUILD_WORKSPACE_DIRECTORY/$2"
chmod 644 "$BUILD_WORKSPACE_DIRECTORY/$2"
echo "updated $2"
