#!/usr/bin/env bash
# Runs an example program against a throwaway redis-server (Unix socket in a
# short temporary directory: sun_path holds 107 bytes, $TEST_TMPDIR can be
# longer), once on RESP2 and once on RESP3, and checks its output.
#
#   example_runs.sh EXAMPLE PATTERN...
#
# The example gets REDIS_URL and must exit 0. Every PATTERN (a grep basic
# regular expression; "{proto}" stands for 2 or 3) must match a line of its
# output on both protocols. Skips without a server unless
# RSDK_REQUIRE_SERVER=1.
set -euo pipefail
example="$1"
shift
server="${RSDK_SERVER:-redis-server}"
if ! command -v "$server" >/dev/null 2>&1; then
  if [ "${RSDK_REQUIRE_SERVER:-0}" = "1" ]; then echo "FAIL: $server not found"; exit 1; fi
  echo "SKIP: $server not found"; exit 0
fi
dir=$(mktemp -d /tmp/rsdk-example-XXXXXX)
sock="$dir/redis.sock"
"$server" --port 0 --unixsocket "$sock" --save '' --appendonly no --dir "$dir" \
  --daemonize yes --pidfile "$dir/pid" --logfile "$dir/log"
trap 'kill "$(cat "$dir/pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 100); do [ -S "$sock" ] && [ -s "$dir/pid" ] && break; sleep 0.05; done
for proto in 2 3; do
  out=$(REDIS_URL="unix://$sock?protocol=$proto" "$example")
  echo "$out"
  for pattern in "$@"; do
    if ! grep -q -- "${pattern//\{proto\}/$proto}" <<<"$out"; then
      echo "FAIL: RESP$proto: no line matches: $pattern"
      exit 1
    fi
  done
done
echo "$(basename "$example"): OK on RESP2 and RESP3"
