# bench/scale.sh — sourced by run.sh: the scale sections (threads, mem,
# connect, poolops), rsdk against hiredis 1.2.0, RUNS_SCALE runs each, the
# best kept. The threads workloads run BENCH_THREADS_OPS (10000) GETs in all. Each driver prints one "result" line of key=value pairs; the
# whole line goes to bench/out/scale_raw.txt, prefixed by client and run.
# shellcheck shell=bash disable=SC2154

scale_workloads() { # $1 = section; prints "client workload" pairs
  local t
  case "$1" in
    threads)
      for t in 1 2 4 8; do
        echo "hiredis threads${t}_client"
        echo "rsdk threads${t}_client"
        echo "rsdk threads${t}_pool"
        echo "rsdk threads${t}_halfpool"
      done
      echo "rsdk threads8_pool1000"
      ;;
    mem) echo "hiredis mem"; echo "rsdk mem" ;;
    connect)
      for t in unix_resp2 unix_resp3 tcp_resp2 tcp_resp3; do
        echo "hiredis connect_$t"; echo "rsdk connect_$t"
      done
      ;;
    poolops) for t in 1 100 1000; do echo "rsdk poolops$t"; done ;;
    *) echo "run.sh: unknown section $1" >&2; exit 2 ;;
  esac
}

measure_scale() { # $1 = section
  local r c w line
  for r in $(seq "${RUNS_SCALE:-3}"); do
    while read -r c w; do
      local ops=()
      case "$w" in threads*) ops=("${BENCH_THREADS_OPS:-10000}") ;; esac
      line=$("${pin_client[@]}" "$bindir/bench_$c" "$w" "$sock" "${ops[@]}" | grep '^result ') ||
        { echo "run.sh: bench_$c $w failed" >&2; exit 1; }
      echo "$c $r $line" >>"$out/scale_raw.txt"
    done < <(scale_workloads "$1")
  done
}

# System calls per TCP and Unix connect (+ handshake + close, RESP2), from
# strace -c: a run of 100 and one of 200 connects, the difference over the
# extra 110 (each run does a tenth more as warm-up), so setup cancels out.
connect_syscalls() {
  command -v strace >/dev/null || { echo "# strace not installed: no connect_syscalls line" >&2; return 0; }
  local c t n line="bench connect_syscalls"
  for t in tcp unix; do
    for c in rsdk hiredis; do
      local calls=()
      for n in 100 200; do
        strace -f -c -o "$out/strace.txt" "$bindir/bench_$c" "connect_${t}_resp2" "$sock" "$n" >/dev/null
        calls+=("$(awk '$NF == "total" {print $(NF-2)}' "$out/strace.txt")")
      done
      line="$line ${t}_${c}=$(awk -v a="${calls[0]}" -v b="${calls[1]}" 'BEGIN { printf "%.1f", (b - a) / 110 }')"
    done
  done
  echo "$line"
}

report_scale() {
  awk '
    { c = $1; w = $4; sub(/^workload=/, "", w)
      for (i = 4; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
      k = w SUBSEP c
      ops = v["ops"] / (v["wall_ns"] / 1e9); cpu = v["cpu_ns"] / v["ops"]; csw = v["csw"] / v["ops"]
      if (!(k in OPS) || ops > OPS[k]) OPS[k] = ops
      if (!(k in CPU) || cpu < CPU[k]) CPU[k] = cpu
      if (!(k in CSW) || csw < CSW[k]) CSW[k] = csw
      if ("rss_b" in v) { rss = v["rss_b"] / v["ops"]; heap = v["heap_b"] / v["ops"]
        if (!(k in RSS) || rss < RSS[k]) RSS[k] = rss
        if (!(k in HEAP) || heap < HEAP[k]) HEAP[k] = heap }
      delete v
      if (!(w in seen)) { seen[w] = 1; order[++nw] = w } }
    function has(w, c) { return (w SUBSEP c) in OPS }
    END {
      for (i = 1; i <= nw; i++) {
        w = order[i]; r = w SUBSEP "rsdk"; h = w SUBSEP "hiredis"
        if (w == "mem") {
          printf "bench mem rsdk_rss_b_conn=%.0f hiredis_rss_b_conn=%.0f ratio=%.2f rsdk_heap_b_conn=%.0f hiredis_heap_b_conn=%.0f heap_ratio=%.2f\n",
            RSS[r], RSS[h], RSS[h] ? RSS[r] / RSS[h] : 0, HEAP[r], HEAP[h], HEAP[h] ? HEAP[r] / HEAP[h] : 0
        } else if (w ~ /^connect_/) {
          printf "bench %s rsdk_us=%.1f hiredis_us=%.1f ratio=%.2f rsdk_cpu_us=%.1f hiredis_cpu_us=%.1f cpu_ratio=%.2f\n", w,
            1e6 / OPS[r], 1e6 / OPS[h], OPS[h] / OPS[r], CPU[r] / 1e3, CPU[h] / 1e3, CPU[r] / CPU[h]
        } else if (w ~ /^poolops/) {
          if (w == "poolops1") base = r
          printf "bench %s rsdk_ns_op=%.0f hiredis=na rsdk_cpu_ns_op=%.0f ratio_to_pool1=%s\n", w,
            1e9 / OPS[r], CPU[r], (base != "") ? sprintf("%.2f", CPU[r] / CPU[base]) : "na"
        } else if (w ~ /^threads/) {
          t = w; sub(/_.*/, "", t); hw = t "_client" SUBSEP "hiredis"
          if (!(hw in OPS)) { printf "bench %s rsdk_ops_s=%.0f hiredis_ops_s=na\n", w, OPS[r]; continue }
          printf "bench %s rsdk_ops_s=%.0f hiredis_ops_s=%.0f ratio=%.3f rsdk_cpu_ns_op=%.0f hiredis_cpu_ns_op=%.0f rsdk_csw_op=%.2f hiredis_csw_op=%.2f\n",
            w, OPS[r], OPS[hw], OPS[r] / OPS[hw], CPU[r], CPU[hw], CSW[r], CSW[hw]
        }
      }
    }' "$out/scale_raw.txt"
}
