#!/usr/bin/env bash
# bench/profile.sh — user-space instructions per operation, counted by
# callgrind, for rsdk, hiredis and the floor on the workloads of run.sh; and
# the functions that cost rsdk the most. Deterministic where run.sh's clocks
# are noisy, but blind to the kernel (system calls count as one instruction).
#
#   bash bench/profile.sh [get_sync|get_pipeline100|lrange1000|search_knn_10|async_get_w1000 ...]
#
# Each client runs twice (N and 2N operations) and the difference is divided
# by the extra operations, so start-up and connection cost cancel out.
# Prints "profile <workload> rsdk_ir_op=… hiredis_ir_op=… floor_ir_op=… ratio=…"
# (ratio = rsdk / hiredis) and writes each client's hottest functions, in
# instructions per operation, to bench/out/profile/<workload>-<client>.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
deps=$here/.deps
out=$here/out
bindir=$out/bin-g
BENCH_PIN=${BENCH_PIN:-0}
BENCH_CLIENTS=${BENCH_CLIENTS:-"rsdk hiredis floor"}
BAZEL=${BAZEL:-bazel}
BENCH_DEBUG=1
read -r -a bazel_startup <<<"${BAZEL_STARTUP_OPTS:-}"
mkdir -p "$bindir" "$out/profile"
command -v valgrind >/dev/null || { echo "profile.sh: valgrind is not installed" >&2; exit 1; }

# shellcheck source=bench/lib.sh
source "$here/lib.sh"
bench_lock

workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(get_sync get_pipeline100 lrange1000)

base_ops() {
  case "$1" in
    get_sync) echo 2000 ;;
    get_pipeline100) echo 20000 ;;
    lrange1000) echo 50 ;;
    search_knn_10) echo 40 ;;
    async_get_w1000) echo 20000 ;;
    *) echo "profile.sh: unknown workload $1" >&2; exit 2 ;;
  esac
}

instructions() { # $1 = client, $2 = workload, $3 = ops, $4 = output file
  local drv s=$sock
  drv=$(driver_of "$1" "$2")
  if [ "$2" = search_knn_10 ]; then s=$search_sock; fi
  valgrind --tool=callgrind --callgrind-out-file="$4" "$bindir/$drv" "$2" "$s" "$3" \
    >/dev/null 2>"$4.log" || { cat "$4.log" >&2; exit 1; }
  awk '/^(summary|totals):/ {print $2; exit}' "$4"
}

# Instructions per operation of each function (self cost): run 2 minus run 1
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

build
start_server
case " ${workloads[*]} " in *" search_knn_10 "*) start_search_server || exit 1 ;; esac
declare -A ir
for w in "${workloads[@]}"; do
  n=$(base_ops "$w")
  ir=()
  line="profile $w"
  for c in $BENCH_CLIENTS; do
    f=$out/profile/$w-$c
    i1=$(instructions "$c" "$w" "$n" "$f.1.out")
    i2=$(instructions "$c" "$w" $((2 * n)) "$f.2.out")
    # Each run also does a tenth of its operations as warm-up.
    extra=$((2 * n + 2 * n / 10 - n - n / 10))
    ir[$c]=$(((i2 - i1) / extra))
    line="$line ${c}_ir_op=${ir[$c]}"
    per_function "$f" "$extra" >"$f.txt"
  done
  if [ -n "${ir[rsdk]:-}" ] && [ -n "${ir[hiredis]:-}" ]; then
    line="$line ratio=$(awk -v a="${ir[rsdk]}" -v b="${ir[hiredis]}" 'BEGIN { printf "%.3f", a / b }')"
  fi
  echo "$line"
done
