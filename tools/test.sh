#!/usr/bin/env bash
# Installs what is missing, prepares the matrix servers, then runs the whole test suite with Bazel.
# Extra arguments go to `bazel test` (e.g. --config=asan).
# Prints the failing tests' output and a last line "N passed, N failed".
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash tools/deps.sh || exit 1
# The module tests run their servers from the compatibility matrix.
export RSDK_SERVERS_DIR=${RSDK_SERVERS_DIR:-/tmp/rsdk-servers}
bash tools/servers.sh "$RSDK_SERVERS_DIR" >/dev/null ||
  echo "tools/servers.sh failed: the module tests will fail or skip" >&2

log=$(mktemp)
bazel test //... --test_output=errors "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
bash tools/count-results.sh "$log"
rm -f "$log"
exit "$rc"
