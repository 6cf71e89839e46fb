#!/usr/bin/env bash
# Installs, from Debian's packages, whatever rsdk's build, tests, demo and fuzz
# runs need and this machine lacks. Idempotent; must run as root (or via sudo).
set -euo pipefail

pkgs=(
  bazel-bootstrap build-essential clang-14 libclang-rt-14-dev
  libjansson-dev libssl-dev libcurl4-openssl-dev libcmocka-dev
  libevent-dev libuv1-dev redis-server redis-tools openssl ca-certificates
  python3 debian-archive-keyring
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
# The packaged server starts a system instance; tests start their own.
if command -v systemctl >/dev/null 2>&1; then
  $SUDO systemctl stop redis-server >/dev/null 2>&1 || true
fi
