# bench/lib.sh — sourced by run.sh and profile.sh: fetch hiredis, build the
# drivers, start and stop the throwaway server. Expects here, root, deps, out,
# bindir, BENCH_CLIENTS, BAZEL, bazel_startup and BENCH_PIN to be set.
# shellcheck shell=bash disable=SC2154

# ---- hiredis 1.2.0 from Debian trixie, extracted into bench/.deps ---------
# The .debs are fetched with apt through a sources list of our own and
# unpacked with dpkg -x: nothing is installed into the system, and the
# system's apt lists and cache are not touched.
HIREDIS_VERSION_PREFIX=1.2.0
hiredis_root=$deps/hiredis/usr

debian_mirror() {
  # The host this machine's apt already uses for Debian (one-line or deb822).
  local m
  m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    grep -v '^[[:space:]]*#' | grep -oE 'https?://[^[:space:]]+/debian/?([[:space:]]|$)' |
    head -n 1 | tr -d '[:space:]' || true)
  echo "${m:-http://deb.debian.org/debian}"
}

fetch_hiredis() {
  if [ -f "$hiredis_root/include/hiredis/hiredis.h" ] &&
    [ -n "$(find "$hiredis_root/lib" -name libhiredis.a 2>/dev/null)" ]; then
    return
  fi
  local a=$deps/apt
  mkdir -p "$a/lists/partial" "$a/cache/archives/partial" "$a/debs"
  echo "deb $(debian_mirror) trixie main" >"$a/sources.list"
  local opts=(-o "Dir::Etc::sourcelist=$a/sources.list" -o Dir::Etc::sourceparts=-
    -o "Dir::State::Lists=$a/lists" -o "Dir::Cache=$a/cache" -o APT::Get::List-Cleanup=0)
  # apt's download sandbox user cannot write into a root-owned work tree.
  [ "$(id -u)" = 0 ] && opts+=(-o APT::Sandbox::User=root)
  echo "# fetching hiredis ${HIREDIS_VERSION_PREFIX} (Debian trixie) into bench/.deps" >&2
  apt-get "${opts[@]}" update >"$out/apt.log" 2>&1 || { cat "$out/apt.log" >&2; exit 1; }
  local ver
  ver=$(apt-cache "${opts[@]}" policy libhiredis-dev | awk '/Candidate:/ {print $2}')
  case "$ver" in
    "$HIREDIS_VERSION_PREFIX"-*) ;;
    *) echo "run.sh: trixie offers libhiredis-dev '$ver', want $HIREDIS_VERSION_PREFIX" >&2; exit 1 ;;
  esac
  rm -f "$a"/debs/*.deb
  (cd "$a/debs" && apt-get "${opts[@]}" download "libhiredis1.1.0=$ver" "libhiredis-dev=$ver") \
    >>"$out/apt.log" 2>&1 || { cat "$out/apt.log" >&2; exit 1; }
  rm -rf "$deps/hiredis"
  for f in "$a"/debs/*.deb; do dpkg -x "$f" "$deps/hiredis"; done
}

# ---- build ---------------------------------------------------------------
# rsdk (runtime and driver) and the floor: Bazel -c opt (gcc -O2 -DNDEBUG).
# hiredis driver: the same compiler and -O2 -DNDEBUG against Debian's static
# libhiredis.a (Debian's own -O2 build), so both sides link statically.
# BENCH_DEBUG=1 adds -g on both sides (profile.sh), nothing else changes.
build() {
  local targets=(//bench:bench_floor) bflags=()
  if [ "${BENCH_DEBUG:-0}" = 1 ]; then bflags=(--copt=-g --strip=never); fi
  case " $BENCH_CLIENTS " in *" rsdk "*) targets+=(//bench:bench_rsdk //bench:bench_search_rsdk //bench:bench_rsdk_async) ;; esac
  (cd "$root" && "$BAZEL" "${bazel_startup[@]}" build -c opt "${bflags[@]}" --symlink_prefix=/ "${targets[@]}" 9>&-) \
    >"$out/build.log" 2>&1 || { tail -n 40 "$out/build.log" >&2; exit 1; }
  local bin
  bin=$(cd "$root" && "$BAZEL" "${bazel_startup[@]}" info -c opt "${bflags[@]}" bazel-bin 2>/dev/null 9>&-)
  for t in "${targets[@]}"; do cp -f "$bin/bench/${t##*:}" "$bindir/"; done

  case " $BENCH_CLIENTS " in
    *" hiredis "*)
      fetch_hiredis
      hiredis_cc "$bindir/bench_hiredis" "-ljansson -lpthread" \
        "$here/bench_hiredis.c" "$here/bench_hiredis_scale.c" "$here/bench_common.c"
      hiredis_cc "$bindir/bench_search_hiredis" "" \
        "$here/bench_search_hiredis.c" "$here/bench_search_common.c" "$here/bench_common.c"
      # The async workloads: hiredis's async API on libevent through its own
      # header-only adapter (hiredis/adapters/libevent.h, in the same package).
      hiredis_cc "$bindir/bench_hiredis_async" "-levent" "$here/bench_hiredis_async.c" "$here/bench_common.c"
      ;;
  esac
}

# A hiredis driver: $1 = output, $2 = libraries after hiredis (one string),
# the rest its sources; the same compiler and -O2 -DNDEBUG as rsdk's -c opt,
# against Debian's static libhiredis.a (fetch_hiredis first).
hiredis_cc() {
  local o=$1 libs=$2 lib cflags=()
  shift 2
  if [ "${BENCH_DEBUG:-0}" = 1 ]; then cflags=(-g); fi
  lib=$(find "$hiredis_root/lib" -name libhiredis.a | head -n 1)
  # shellcheck disable=SC2086 # $libs is a list of -l flags
  "${CC:-gcc}" -std=c11 -O2 -DNDEBUG "${cflags[@]}" -Wall -Wextra -Werror \
    -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I"$hiredis_root/include" "$@" "$lib" $libs -o "$o"
}

# ---- callgrind ---------------------------------------------------------------
# Instructions per operation of each function (self cost), from callgrind
# outputs $1.1.out (N operations) and $1.2.out (more): run 2 minus run 1
# over the extra operations, so start-up (the dynamic loader, connect) drops
# out. Top 15, with each one's share of the per-operation total.
per_function() { # $1 = file prefix, $2 = extra operations
  local k
  for k in 1 2; do
    callgrind_annotate --inclusive=no --threshold=100 --auto=no "$1.$k.out" 2>/dev/null |
      awk -v k="$k" '/file:function/ { table = 1; next }
        table && /^ *[0-9,]+ +\( *[0-9.]+%\)/ { ir = $1; gsub(",", "", ir)
          sub(/^ *[0-9,]+ +\( *[0-9.]+%\) +/, ""); sub(/ \[.*\]$/, ""); print k "\t" ir "\t" $0 }'
  done | awk -F'\t' -v extra="$2" '
    { cost[$3] += ($1 == 2 ? $2 : -$2) }
    END { for (f in cost) if (cost[f] > 0) total += cost[f]
          for (f in cost) if (cost[f] > 0) printf "%10.1f %5.1f%%  %s\n", cost[f] / extra, 100 * cost[f] / total, f }' |
    sort -rn | awk 'NR <= 15' | sed 's#/proc/self/cwd/##'
}

# The driver binary of client $1 for workload $2: async workloads have their
# own (bench_<client>_async), the floor one for all.
driver_of() {
  case "$1:$2" in
    floor:*) echo bench_floor ;;
    *:async_*) echo "bench_$1_async" ;;
    *:search_knn_10) echo "bench_search_$1" ;;
    *) echo "bench_$1" ;;
  esac
}

# ---- one run at a time -------------------------------------------------------
# Two runs at once would share bench/out and, worse, the two cores: each
# would measure the other. The second one waits.
bench_lock() {
  command -v flock >/dev/null || return 0
  exec 9>"$out/.lock"
  if ! flock -n 9; then
    echo "# another bench run holds bench/out/.lock; waiting for it" >&2
    flock 9
  fi
}

# ---- server ----------------------------------------------------------------
# Pinning keeps server and client off each other's core; a raised priority
# (when allowed: root) keeps other work on the machine from landing in the
# middle of a measurement. Both apply to every client alike.
pin_server=() pin_client=()
if [ "$BENCH_PIN" = 1 ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  pin_server=(taskset -c 0) pin_client=(taskset -c 1)
fi
BENCH_NICE=${BENCH_NICE:--10}
if [ "$BENCH_NICE" != 0 ] && nice -n "$BENCH_NICE" true 2>/dev/null &&
  [ "$(nice -n "$BENCH_NICE" nice)" -lt "$(nice)" ]; then
  pin_server=(nice -n "$BENCH_NICE" "${pin_server[@]}")
  pin_client=(nice -n "$BENCH_NICE" "${pin_client[@]}")
fi
tmp=
server_pid=
json_pid=
search_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$json_pid" ]; then kill "$json_pid" 2>/dev/null || true; wait "$json_pid" 2>/dev/null || true; fi
  if [ -n "$search_pid" ]; then kill "$search_pid" 2>/dev/null || true; wait "$search_pid" 2>/dev/null || true; fi
  if [ -n "$tmp" ]; then rm -rf "$tmp"; fi
}
trap cleanup EXIT

start_server() {
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/rsdk-bench.XXXXXX")
  sock=$tmp/redis.sock
  # A TCP port too, on loopback only, for the connect section: one the
  # kernel just handed out (free a moment ago).
  BENCH_TCP_PORT=${BENCH_TCP_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
  export BENCH_TCP_PORT
  "${pin_server[@]}" "${RSDK_SERVER:-redis-server}" --port "$BENCH_TCP_PORT" --bind 127.0.0.1 \
    --unixsocket "$sock" --unixsocketperm 700 --save '' --appendonly no --dir "$tmp" \
    --maxclients 4000 --logfile "$tmp/redis.log" &
  server_pid=$!
  for _ in $(seq 100); do
    if [ -S "$sock" ] && "$bindir/bench_floor" setup "$sock" 2>/dev/null; then return; fi
    sleep 0.1
  done
  echo "run.sh: redis-server did not come up" >&2
  cat "$tmp/redis.log" >&2 || true
  exit 1
}


# The json_set_get workload needs a JSON module: a second throwaway server
# (Valkey with valkey-json from third_party/server_modules), same placement.
start_json_server() {
  local srv=${BENCH_JSON_SERVER:-${RSDK_SERVERS_DIR:-/tmp/rsdk-servers}/valkey-9.1-sid/redis-server}
  local mod=$root/third_party/server_modules/valkey-json/libjson.so
  [ -x "$srv" ] || { echo "run.sh: json_set_get needs $srv (tools/servers.sh) or BENCH_JSON_SERVER" >&2; exit 1; }
  jsock=$tmp/json.sock
  "${pin_server[@]}" "$srv" --port 0 --unixsocket "$jsock" --unixsocketperm 700 --save '' \
    --appendonly no --dir "$tmp" --logfile "$tmp/json.log" --loadmodule "$mod" &
  json_pid=$!
  for _ in $(seq 100); do
    if [ -S "$jsock" ] && "$bindir/bench_floor" setup "$jsock" 2>/dev/null; then return; fi
    sleep 0.1
  done
  echo "run.sh: the JSON server did not come up" >&2
  cat "$tmp/json.log" >&2 || true
  exit 1
}

# ---- search server -----------------------------------------------------------
# search_knn_10 needs RediSearch, which Debian's redis-server cannot load
# (it needs 7.1+): the matrix's Redis 8.0 (tools/servers.sh) with the module
# build in third_party/server_modules, on a socket of its own, filled once
# by `bench_search_rsdk setup`. SEARCH_SERVER overrides the binary.
search_server=${SEARCH_SERVER:-${RSDK_SERVERS_DIR:-/tmp/rsdk-servers}/redis-8.0-trixie/redis-server}
search_module=$root/third_party/server_modules/redisearch/redisearch.so

start_search_server() {
  if [ ! -x "$search_server" ] || [ ! -f "$search_module" ]; then
    echo "run.sh: search_knn_10 needs $search_server (tools/servers.sh) and $search_module" >&2
    return 1
  fi
  search_sock=$tmp/search.sock
  "${pin_server[@]}" "$search_server" --port 0 --unixsocket "$search_sock" \
    --unixsocketperm 700 --save '' --appendonly no --dir "$tmp" \
    --logfile "$tmp/search.log" --loadmodule "$search_module" &
  search_pid=$!
  for _ in $(seq 100); do
    if [ -S "$search_sock" ] && "$bindir/bench_floor" setup "$search_sock" 2>/dev/null; then
      "$bindir/bench_search_rsdk" setup "$search_sock" || { cat "$tmp/search.log" >&2; return 1; }
      return 0
    fi
    sleep 0.1
  done
  echo "run.sh: the search server did not come up" >&2
  cat "$tmp/search.log" >&2 || true
  return 1
}
