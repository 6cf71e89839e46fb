#!/usr/bin/env bash
# bench/cluster.sh — cluster_get_pipeline100: 100 GETs per batch through the
# cluster client across the 3 primaries of a throwaway cluster, against the
# same batches through one sync client on one throwaway server (TCP on
# 127.0.0.1 for both). Target: the cluster client's CPU per operation at
# most 1.15 times the single-node client's. Also measured: the floor of the
# cluster case (one plain client per primary, its GETs grouped before the
# clock starts), which pays the per-node round trips and no routing; the
# single-node case through an rsdk_pipeline (which, unlike
# rsdk_client_send_encoded, does not walk its commands before sending); the
# cluster case through the cluster's rsdk_pipeline (rsdk_cluster_pipeline_new,
# queued as the single-node pipeline is), compared with that one; and
# hiredis doing the same (bench_hiredis_cluster.c: one context on the one
# server, and one context per primary with the keys grouped by hand).
#
# Each case is reported as total CPU (CLOCK_PROCESS_CPUTIME_ID) and user
# CPU (getrusage ru_utime) per operation: three primaries cost three writes
# and three reads a batch where one server costs one of each, kernel time
# that any client pays; the user-CPU ratio isolates what the client itself
# adds (routing, grouping, reassembly).
#
#   bash bench/cluster.sh          # RUNS=5 runs each, alternating, best kept
#   CLUSTER_PROFILE=1 bash bench/cluster.sh
#       # instead: callgrind's user-space instructions per operation of each
#       # case (20k and 40k operations, the difference), and each one's
#       # hottest functions in bench/out/cluster/profile-<case>.txt; two more
#       # cases there: pipeline_typed and cluster_pipeline_typed, the same
#       # queued with the generated rcore_get_queue
#
# Environment: RUNS, OPS (GETs per run, default 1000000), RSDK_SERVER (server binary), REDIS_CLI, BAZEL,
# BENCH_STRICT=1 (exit 1 when the target is missed).
# Prints one "bench cluster_get_pipeline100 ..." line: ratio (cluster /
# single, the target), user_ratio, the split floor, hiredis's own 3-node /
# 1-node ratios and rsdk's cluster client against hiredis's 3 contexts.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
RUNS=${RUNS:-5}
BAZEL=${BAZEL:-bazel}
server=${RSDK_SERVER:-redis-server}
cli=${REDIS_CLI:-redis-cli}
out=$here/out/cluster
deps=$here/.deps
bindir=$out
BENCH_PIN=0 BENCH_CLIENTS=hiredis bazel_startup=()
mkdir -p "$out"
# shellcheck source=bench/lib.sh
source "$here/lib.sh" # fetch_hiredis, hiredis_cc (its trap is replaced below)
work=$(mktemp -d /tmp/rsdk-bench-cluster.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

bflags=()
if [ "${CLUSTER_PROFILE:-0}" = 1 ]; then BENCH_DEBUG=1 bflags=(--copt=-g --strip=never); fi
(cd "$root" && "$BAZEL" build -c opt "${bflags[@]}" --symlink_prefix=/ //bench:bench_cluster) >"$out/build.log" 2>&1 ||
  { tail -n 40 "$out/build.log" >&2; exit 1; }
bin=$(cd "$root" && "$BAZEL" info -c opt "${bflags[@]}" bazel-bin 2>/dev/null)/bench/bench_cluster
fetch_hiredis
hiredis_cc "$out/bench_hiredis_cluster" "" "$here/bench_hiredis_cluster.c" "$here/bench_common.c"
# A million GETs a run: getrusage's user/system split is sampled at the
# scheduler's tick, so a run needs a second or so for it to settle.
ops_arg=${OPS:-1000000}
hbin=$out/bench_hiredis_cluster

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

port=0
start() { # $1 = name, rest = extra args; sets $port
  local name=$1; shift
  port=$(free_port)
  mkdir -p "$work/$name"
  "$server" --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work/$name" \
    --logfile "$work/$name/log" "$@" >/dev/null 2>&1 </dev/null &
  pids+=($!)
  for _ in $(seq 100); do "$cli" -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
}

nodes=()
for i in 1 2 3; do
  start "n$i" --cluster-enabled yes --cluster-config-file nodes.conf --cluster-port "$(free_port)"
  nodes+=("127.0.0.1:$port")
done
start single
single=$port
"$cli" --cluster create "${nodes[@]}" --cluster-yes >"$out/create.log" 2>&1 || { cat "$out/create.log" >&2; exit 1; }
for _ in $(seq 200); do
  "$cli" -p "${nodes[0]#*:}" cluster info | grep -q cluster_state:ok && break
  sleep 0.05
done

modes=(cluster single pipeline cluster_pipeline split hiredis_single hiredis_split)
run_mode() { # $1 = mode, rest: a wrapper and its arguments (may be none)
  local mode=$1 addr=${nodes[0]}
  shift
  case $mode in *single | pipeline | pipeline_typed) addr=127.0.0.1:$single ;; esac
  case $mode in
    hiredis_*) "$@" "$hbin" "${mode#hiredis_}" "$addr" ${ops_arg:+"$ops_arg"} ;;
    *) "$@" "$bin" "$mode" "$addr" ${ops_arg:+"$ops_arg"} ;;
  esac
}

if [ "${CLUSTER_PROFILE:-0}" = 1 ]; then
  command -v valgrind >/dev/null || { echo "cluster.sh: valgrind is not installed" >&2; exit 1; }
  n=20000 line="profile cluster_get_pipeline100"
  for mode in "${modes[@]}" pipeline_typed cluster_pipeline_typed; do
    f=$out/profile-$mode
    for k in 1 2; do
      ops_arg=$((k * n))
      run_mode "$mode" valgrind --tool=callgrind --callgrind-out-file="$f.$k.out" >/dev/null 2>"$f.$k.log" ||
        { cat "$f.$k.log" >&2; exit 1; }
    done
    ir=$(( $(awk '/^(summary|totals):/ {print $2; exit}' "$f.2.out") - $(awk '/^(summary|totals):/ {print $2; exit}' "$f.1.out") ))
    line="$line ${mode}_ir_op=$((ir / n))"
    per_function "$f" "$n" >"$f.txt"
  done
  echo "$line"
  exit 0
fi

best() { sort -n | head -n 1; }
: >"$out/raw.txt"
for r in $(seq "$RUNS"); do
  for mode in "${modes[@]}"; do
    echo "$mode $r $(run_mode "$mode")" >>"$out/raw.txt"
  done
done
per_op() { # $1 = mode, $2 = field (cpu_ns, user_ns): best ns per op
  awk -v m="$1" -v f="$2" '$1 == m { for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                           printf "%.1f\n", v[f] / v["ops"] }' "$out/raw.txt" | best
}
ops() {
  awk -v m="$1" '$1 == m { for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
                           printf "%.0f\n", v["ops"] / (v["wall_ns"] / 1e9) }' "$out/raw.txt" | sort -n | tail -n 1
}
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
c=$(per_op cluster cpu_ns); s=$(per_op single cpu_ns); f=$(per_op split cpu_ns)
hs=$(per_op hiredis_single cpu_ns); h3=$(per_op hiredis_split cpu_ns)
p=$(per_op pipeline cpu_ns); pu=$(per_op pipeline user_ns)
cp=$(per_op cluster_pipeline cpu_ns); cpu_=$(per_op cluster_pipeline user_ns)
cu=$(per_op cluster user_ns); su=$(per_op single user_ns); fu=$(per_op split user_ns)
hsu=$(per_op hiredis_single user_ns); h3u=$(per_op hiredis_split user_ns)
ratio=$(div "$c" "$s")
verdict=$(awk -v r="$ratio" 'BEGIN { print (r <= 1.15 ? "ok" : "MISSED") }')
echo "bench cluster_get_pipeline100 cluster_cpu_ns_op=$c single_cpu_ns_op=$s ratio=$ratio target<=1.15 $verdict" \
  "cluster_user_ns_op=$cu single_user_ns_op=$su user_ratio=$(div "$cu" "$su")" \
  "pipeline_cpu_ns_op=$p pipeline_user_ns_op=$pu cluster_vs_pipeline=$(div "$c" "$p") cluster_vs_pipeline_user=$(div "$cu" "$pu")" \
  "cluster_pipeline_cpu_ns_op=$cp cluster_pipeline_user_ns_op=$cpu_ cluster_pipeline_vs_pipeline=$(div "$cp" "$p")" \
  "cluster_pipeline_vs_pipeline_user=$(div "$cpu_" "$pu")" \
  "split_floor_cpu_ns_op=$f cluster_vs_floor=$(div "$c" "$f") split_floor_user_ns_op=$fu cluster_vs_floor_user=$(div "$cu" "$fu")" \
  "hiredis_single_cpu_ns_op=$hs hiredis_3ctx_cpu_ns_op=$h3 hiredis_ratio=$(div "$h3" "$hs")" \
  "hiredis_single_user_ns_op=$hsu hiredis_3ctx_user_ns_op=$h3u hiredis_user_ratio=$(div "$h3u" "$hsu")" \
  "cluster_vs_hiredis_3ctx=$(div "$c" "$h3") cluster_vs_hiredis_3ctx_user=$(div "$cu" "$h3u")" \
  "cluster_ops_s=$(ops cluster) single_ops_s=$(ops single) runs=$RUNS primaries=3"
[ "${BENCH_STRICT:-0}" = 1 ] && [ "$verdict" != ok ] && exit 1
exit 0
