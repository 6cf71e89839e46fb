#!/usr/bin/env bash
# Installs what is missing, builds the examples and runs them against
# $REDIS_URL — or, when REDIS_URL is not set, against a throwaway
# redis-server started here on a Unix socket and stopped afterwards.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
bash tools/deps.sh

examples=(hello)
[ -f examples/typed.c ] && examples+=(typed)
[ -f examples/async_demo.c ] && examples+=(async_demo)
targets=()
for e in "${examples[@]}"; do targets+=("//examples:$e"); done
bazel build "${targets[@]}"

srv_dir=""
cleanup() {
  if [ -n "$srv_dir" ]; then
    [ -f "$srv_dir/pid" ] && kill "$(cat "$srv_dir/pid")" 2>/dev/null || true
    rm -rf "$srv_dir"
  fi
}
trap cleanup EXIT

if [ -z "${REDIS_URL:-}" ]; then
  srv_dir=$(mktemp -d /tmp/rsdk-demo-XXXXXX)
  redis-server --port 0 --unixsocket "$srv_dir/redis.sock" --save '' --appendonly no \
    --daemonize yes --pidfile "$srv_dir/pid" --logfile "$srv_dir/log" --dir "$srv_dir"
  for _ in $(seq 100); do
    redis-cli -s "$srv_dir/redis.sock" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  export REDIS_URL="unix://$srv_dir/redis.sock"
  echo "started a throwaway redis-server at $REDIS_URL"
fi

for e in "${examples[@]}"; do
  echo "== examples/$e"
  "bazel-bin/examples/$e"
done
