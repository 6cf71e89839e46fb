#!/usr/bin/env bash
# Builds the libFuzzer targets with clang-14 (bazel --config=fuzz), seeds a
# corpus from tests/data and a list of URLs, and runs each target for N
# seconds (first argument, default 30). Exits non-zero if a target crashes,
# leaks or fails a check; crash inputs are kept in the work directory.
#
#   tests/fuzz/run.sh [seconds]
#
# Environment: RSDK_FUZZ_OUTPUT_BASE (Bazel output base, kept apart from the
# gcc build so the two never invalidate each other), RSDK_FUZZ_WORK (corpus
# and crash directory; default: a fresh temporary directory).
set -euo pipefail

secs="${1:-30}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
ob="${RSDK_FUZZ_OUTPUT_BASE:-$HOME/.cache/bazel-ob/rsdk-fuzz}"
work="${RSDK_FUZZ_WORK:-$(mktemp -d)}"
targets=(fuzz_reader fuzz_url)

command -v clang-14 >/dev/null || { echo "run.sh: clang-14 is required" >&2; exit 2; }

# No convenience symlinks: they would point the workspace's bazel-* links at
# this separate output base, and the main build's `//...` would then wander
# into them.
bazel --output_base="$ob" build --config=fuzz --jobs=2 --symlink_prefix=/ \
    //tests/fuzz:fuzz_reader //tests/fuzz:fuzz_url 2>&1 | grep -v "Cannot export local symbol" || true
bin="$(bazel --output_base="$ob" info --config=fuzz bazel-bin 2>/dev/null)/tests/fuzz"
for t in "${targets[@]}"; do
    [ -x "$bin/$t" ] || { echo "run.sh: $t did not build" >&2; exit 2; }
done

# Reader seeds: every capture behind a few mode bytes (whole, byte by byte,
# chunks of 7, zero-copy chunks of 5, tight limits). The RediSearch
# captures lost their final "\n"; the seed puts it back.
mkdir -p "$work/corpus_reader" "$work/corpus_url"
for f in tests/data/*.bin tests/data/redisearch/*.bin; do
    name="$(basename "$f" .bin)"
    for mode in 00 01 07 45 83; do
        { printf "\\x$mode"; cat "$f"; case "$f" in */redisearch/*) printf '\n' ;; esac; } \
            > "$work/corpus_reader/$name.$mode"
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
    [ "$t" = fuzz_url ] && dict="tests/fuzz/url.dict"
    corpus="$work/corpus_${t#fuzz_}"
    echo "== $t: ${secs}s, corpus $corpus"
    if ! "$bin/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
            -dict="$dict" -artifact_prefix="$work/$t-" -print_final_stats=1 "$corpus" \
            > "$work/$t.log" 2>&1; then
        status=1
        echo "== $t FAILED; log: $work/$t.log" >&2
        tail -n 40 "$work/$t.log" >&2
    else
        grep -E "^(stat::number_of_executed_units|Done)" "$work/$t.log" || true
    fi
done
exit "$status"
