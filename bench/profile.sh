#!/usr/bin/env bash
# bench/profile.sh — user-space instructions per operation, counted by
# callgrind, for rsdk, hiredis and the floor on the workloads of run.sh; and
# the functions that cost rsdk the most. Deterministic where run.sh's clocks
# are noisy, but blind to the kernel (system calls count as one instruction).
#
#   bash bench/profile.sh [get_sync|get_pipeline100|lrange1000|search_knn_10|async_get_w1000 ...]
#   BENCH_CLIENTS=rsdk bash bench/profile.sh lrange1000 lrange1000_typed hgetall100 hgetall100_typed
#
# The _typed workloads and hgetall100 are rsdk's alone (the typed call
# against the raw-tree walk of the same reply): run them with
# BENCH_CLIENTS=rsdk; a "typed" line then gives typed over raw.
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
    lrange1000 | lrange1000_typed) echo 50 ;;
    hgetall100 | hgetall100_typed) echo 1000 ;;
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

build
start_server
case " ${workloads[*]} " in *" search_knn_10 "*) start_search_server || exit 1 ;; esac
declare -A ir typed raw
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
  case "$w" in *_typed) typed[${w%_typed}]=${ir[rsdk]:-} ;; *) raw[$w]=${ir[rsdk]:-} ;; esac
done
for w in "${!typed[@]}"; do
  [ -n "${raw[$w]:-}" ] && [ -n "${typed[$w]}" ] || continue
  echo "typed $w raw_ir_op=${raw[$w]} typed_ir_op=${typed[$w]} ratio=$(awk -v a="${typed[$w]}" -v b="${raw[$w]}" 'BEGIN { printf "%.3f", a / b }')"
done
