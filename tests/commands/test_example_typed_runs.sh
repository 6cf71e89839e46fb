#!/usr/bin/env bash
# examples/typed against a throwaway redis-server (Unix socket in a short
# temporary directory: sun_path holds 107 bytes, $TEST_TMPDIR can be
# longer), on RESP2 and RESP3: exits 0 and prints the WRONGTYPE and
# INVALID_ARG lines it promises. Skips without a server unless
# RSDK_REQUIRE_SERVER=1.
set -euo pipefail
example="$1"
server="${RSDK_SERVER:-redis-server}"
if ! command -v "$server" >/dev/null 2>&1; then
  if [ "${RSDK_REQUIRE_SERVER:-0}" = "1" ]; then echo "FAIL: $server not found"; exit 1; fi
  echo "SKIP: $server not found"; exit 0
fi
dir=$(mktemp -d /tmp/rsdk-typed-XXXXXX)
sock="$dir/redis.sock"
"$server" --port 0 --unixsocket "$sock" --save '' --appendonly no --dir "$dir" \
  --daemonize yes --pidfile "$dir/pid" --logfile "$dir/log"
trap 'kill "$(cat "$dir/pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 100); do [ -S "$sock" ] && [ -s "$dir/pid" ] && break; sleep 0.05; done
for proto in 2 3; do
  out=$(REDIS_URL="unix://$sock?protocol=$proto" "$example")
  echo "$out"
  grep -q "^connected, RESP$proto\$" <<<"$out"
  grep -q "RSDK_ERR_WRONGTYPE" <<<"$out"
  grep -q "RSDK_ERR_INVALID_ARG: ZADD: data\[\].member: NULL pointer with non-zero length" <<<"$out"
  grep -q "HGETALL -> [0-9]* fields" <<<"$out"
  grep -q "^  name = alice$" <<<"$out"
  grep -q "^ZRANGE REV WITHSCORES -> carol=3.5 erin=2.25 dave=1$" <<<"$out"
  grep -q "^DEL -> 4 keys removed\$" <<<"$out"
done
echo "examples/typed: OK on RESP2 and RESP3"
