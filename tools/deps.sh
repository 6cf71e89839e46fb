#!/usr/bin/env bash
# Installs, from Debian's packages, whatever rsdk's build, tests, demo and fuzz
# runs need and this machine lacks, then the npm package the auth_entra tests
# run (tests/auth_entra/package-lock.json, into tests/auth_entra/node_modules,
# which git ignores). Idempotent; the apt part must run as root (or via sudo).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

pkgs=(
  bazel-bootstrap build-essential clang-14 libclang-rt-14-dev
  libjansson-dev libssl-dev libcurl4-openssl-dev libcmocka-dev
  libevent-dev libuv1-dev redis-server redis-tools openssl ca-certificates
  python3 debian-archive-keyring libevent-2.1-7 libevent-pthreads-2.1-7
  cmake pkg-config
)
# Node and npm for the auth_entra tests' OAuth2 server, unless this machine
# already has them from elsewhere (Debian 12's nodejs is Node 18; 20 works too).
command -v node >/dev/null 2>&1 || pkgs+=(nodejs)
command -v npm >/dev/null 2>&1 || pkgs+=(npm)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
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
fi

# oauth2-mock-server, exactly as locked; again only when the lock changed.
entra=$root/tests/auth_entra
if ! cmp -s "$entra/package-lock.json" "$entra/node_modules/.rsdk-installed-lock"; then
  echo "installing: npm packages of tests/auth_entra"
  npm ci --prefix "$entra" --no-audit --no-fund
  cp "$entra/package-lock.json" "$entra/node_modules/.rsdk-installed-lock"
fi
