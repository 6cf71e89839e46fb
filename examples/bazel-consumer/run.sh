#!/usr/bin/env bash
# Analyses every library of @rsdk from this workspace, builds this
# workspace's programs (rsdk as @rsdk) and runs them against $REDIS_URL; then
# builds the runtime without TLS (--define=rsdk_tls=off) and checks that the
# program carries no OpenSSL and refuses rediss://.
set -euo pipefail
cd "$(dirname "$0")"
trap 'bazel shutdown >/dev/null 2>&1 || true' EXIT

openssl_refs() { nm "$1" | grep -c ' [TU] SSL_' || true; }

# Every rsdk library resolves and analyses from here (labels, loads, visibility).
bazel build --nobuild @rsdk//runtime/... @rsdk//modules/... @rsdk//codegen/...
bazel build //:app //:entra_link
bin=$(bazel info bazel-bin 2>/dev/null)
"$bin/app"
"$bin/entra_link"
n=$(openssl_refs "$bin/app")
echo "app (TLS on): $n OpenSSL symbols"
[ "$n" -gt 0 ]

bazel build --define=rsdk_tls=off //:no_tls
bin=$(bazel info --define=rsdk_tls=off bazel-bin 2>/dev/null)
"$bin/no_tls"
n=$(openssl_refs "$bin/no_tls")
echo "no_tls (rsdk_tls=off): $n OpenSSL symbols"
[ "$n" -eq 0 ]
