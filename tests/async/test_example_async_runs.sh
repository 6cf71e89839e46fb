#!/usr/bin/env bash
# examples/async_demo against a throwaway redis-server (Unix socket in a
# short temporary directory), on RESP2 and RESP3: exits 0 and prints that
# every INCR reply came in order and the posted PINGs ran. Skips without a
# server unless RSDK_REQUIRE_SERVER=1.
set -euo pipefail
example="$1"
server="${RSDK_SERVER:-redis-server}"
if ! command -v "$server" >/dev/null 2>&1; then
  if [ "${RSDK_REQUIRE_SERVER:-0}" = "1" ]; then echo "FAIL: $server not found"; exit 1; fi
  echo "SKIP: $server not found"; exit 0
fi
dir=$(mktemp -d /tmp/rsdk-async-XXXXXX)
sock="$dir/redis.sock"
"$server" --port 0 --unixsocket "$sock" --save '' --appendonly no --dir "$dir" \
  --daemonize yes --pidfile "$dir/pid" --logfile "$dir/log"
trap 'kill "$(cat "$dir/pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 100); do [ -S "$sock" ] && [ -s "$dir/pid" ] && break; sleep 0.05; done
for proto in 2 3; do
  out=$(REDIS_URL="unix://$sock?protocol=$proto" "$example")
  echo "$out"
  grep -q "^connected, RESP$proto\$" <<<"$out"
  grep -q "^1000 of 1000 INCR replies in order, 10 PINGs posted from another thread\$" <<<"$out"
done
echo "examples/async_demo: OK on RESP2 and RESP3"
