#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (bazel --config=fuzz), seeds a
# corpus from tests/data and a list of URLs, and runs the reader and client
# targets for N seconds each (first argument, default 30; 0: no time limit)
# and the URL target for half that. Prints each target's executions. Exits
# non-zero if a target crashes, leaks or fails a check; crash inputs are
# kept in the work directory. See docs/fuzzing.md.
#
#   tests/fuzz/run.sh [seconds]
#
# Environment: RSDK_FUZZ_OUTPUT_BASE (Bazel output base, kept apart from the
# gcc build so the two never invalidate each other; the default is one per
# checkout, so runs from two checkouts never swap each other's binaries),
# RSDK_FUZZ_TARGETS (default: all three), RSDK_FUZZ_WORK (corpus
# and crash directory; default: a fresh temporary directory; an existing
# corpus there is kept and grows), RSDK_FUZZ_RUNS (stop each target after
# this many executions; with seconds 0 that is the only limit).
set -euo pipefail

secs="${1:-30}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
ob="${RSDK_FUZZ_OUTPUT_BASE:-$HOME/.cache/bazel-ob/rsdk-fuzz-$(printf %s "$root" | cksum | cut -d' ' -f1)}"
work="${RSDK_FUZZ_WORK:-$(mktemp -d)}"
read -r -a targets <<< "${RSDK_FUZZ_TARGETS:-fuzz_reader fuzz_client fuzz_url}"
labels=()
for t in "${targets[@]}"; do labels+=("//tests/fuzz:$t"); done

command -v clang-14 >/dev/null || { echo "run.sh: clang-14 is required" >&2; exit 2; }

# No convenience symlinks: they would point the workspace's bazel-* links at
# this separate output base, and the main build's `//...` would then wander
# into them.
bazel --output_base="$ob" build --config=fuzz --jobs=2 --symlink_prefix=/ \
    "${labels[@]}" 2>&1 | grep -v "Cannot export local symbol" || true
bin="$(bazel --output_base="$ob" info --config=fuzz bazel-bin 2>/dev/null)/tests/fuzz"
for t in "${targets[@]}"; do
    [ -x "$bin/$t" ] || { echo "run.sh: $t did not build" >&2; exit 2; }
done

# Reader seeds: every capture behind a few mode bytes (whole, byte by byte,
# chunks of 7, zero-copy chunks of 5, tight limits). The RediSearch
# captures lost their final "\n"; the seed puts it back.
mkdir -p "$work/corpus_reader" "$work/corpus_client" "$work/corpus_url"
for f in tests/data/*.bin tests/data/redisearch/*.bin; do
    name="$(basename "$f" .bin)"
    for mode in 00 01 07 45 83; do
        { printf "\\x$mode"; cat "$f"; case "$f" in */redisearch/*) printf '\n' ;; esac; } \
            > "$work/corpus_reader/$name.$mode"
    done
done

# Client seeds: each capture as raw input (mode 02) for decoders of every
# result kind, and as generator input (modes 00, 01, 05: RESP2, RESP3,
# RESP3 reshaped). A decoder is picked by its index in the metadata table,
# which is its line in the generated list.
list="$bin/core_decoders.inc"
picks="$(grep -nE 'D\(rcore_(get|incr|incrbyfloat|sismember|zscore|hgetall|hello|xread|zrange|acl_getuser|smembers|set|del),' "$list" \
    | cut -d: -f1)"
for f in tests/data/*.bin; do
    name="$(basename "$f" .bin)"
    for line in $picks; do
        i=$((line - 1))
        for mode in 02 00 01 05; do
            { printf "\\x$(printf %02x $((i % 256)))\\x$(printf %02x $((i / 256)))\\x$mode"; cat "$f"; } \
                > "$work/corpus_client/$name.$i.$mode"
        done
    done
done

i=0
while IFS= read -r url; do
    [ -n "$url" ] || continue
    printf '%s' "$url" > "$work/corpus_url/url$i"
    i=$((i + 1))
done <<'URLS'
redis://localhost
redis://127.0.0.1:6380/2
rediss://user:p%40ss@cache.example.com:6390/1?protocol=3&client_name=app
redis://:secret@[::1]:7000?db=3&connect_timeout=250&timeout=1500
redis://[fe80::1%25eth0]:6379
unix:///tmp/redis.sock?db=1
unix://user:pw@/var/run/redis.sock
redis://u:a:b@c/d@h:6380/1
http://example.com
redis://h:99999
redis://h?foo=1
URLS

status=0
for t in "${targets[@]}"; do
    dict="tests/fuzz/resp.dict"
    t_secs="$secs"
    if [ "$t" = fuzz_url ]; then
        dict="tests/fuzz/url.dict"
        t_secs=$(((secs + 1) / 2))
    fi
    corpus="$work/corpus_${t#fuzz_}"
    echo "== $t: up to ${t_secs}s (0: no limit)${RSDK_FUZZ_RUNS:+, $RSDK_FUZZ_RUNS runs}, corpus $corpus"
    ok=1
    "$bin/$t" -max_total_time="$t_secs" -runs="${RSDK_FUZZ_RUNS:--1}" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
        -dict="$dict" -artifact_prefix="$work/$t-" -print_final_stats=1 "$corpus" \
        > "$work/$t.log" 2>&1 || ok=0
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$t.log" | tail -n 1)"
    secs_used="$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$work/$t.log" | tail -n 1)"
    echo "== $t: ${execs:-?} executions in ${secs_used:-?}s, corpus $(find "$corpus" -type f | wc -l) inputs"
    if [ "$ok" = 0 ]; then
        status=1
        echo "== $t FAILED; log: $work/$t.log" >&2
        tail -n 40 "$work/$t.log" >&2
    fi
done
exit "$status"
