#!/usr/bin/env bash
# Prepares the servers of rsdk's compatibility matrix under DIR, from the
# server packages of Debian's newer suites, without installing anything:
#
#   DIR/redis-8.0-trixie   Redis 8.0   (Debian 13)
#   DIR/redis-8.0-sid      Redis 8.0.x (unstable)
#   DIR/valkey-8.1-trixie  Valkey 8.1  (Debian 13)
#   DIR/valkey-9.1-sid     Valkey 9.1  (unstable)
#
# Each gets the .debs (debs/), their extracted files (root/) and two
# wrappers, redis-server and redis-cli, that start the binary with the
# loader and libraries extracted next to it, so they run on Debian 12.
# Point the suite at one with RSDK_SERVER=DIR/valkey-9.1-sid/redis-server.
#
# apt-get runs with a sources list, package lists and cache of its own under
# DIR/apt-<suite>; the system's apt state is only read. Needs apt-get, dpkg,
# the Debian archive keyring (package debian-archive-keyring) and access to
# the archive. Usage: tools/servers.sh DIR [NAME...]   (default: all four)
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 DIR [NAME...]" >&2; exit 2; }
mkdir -p "$1"
dir=$(cd "$1" && pwd)
shift
wanted=("$@")
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || { echo "$keyring missing: apt-get install debian-archive-keyring" >&2; exit 1; }

# name, suite, package holding the server binary, that binary, the cli.
# The server packages ship redis-server/valkey-server as links to the
# *-check-rdb binary of the tools package: the binary acts by its argv[0].
matrix=(
  "redis-8.0-trixie  trixie redis-tools  redis-check-rdb  redis-cli"
  "redis-8.0-sid     sid    redis-tools  redis-check-rdb  redis-cli"
  "valkey-8.1-trixie trixie valkey-tools valkey-check-rdb valkey-cli"
  "valkey-9.1-sid    sid    valkey-tools valkey-check-rdb valkey-cli"
)

# The archive the system already uses (deb822 or one-line sources).
archive() {
  local uri=""
  if [ -r /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '$1 == "URIs:" { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -r /etc/apt/sources.list ]; then
    uri=$(awk '$1 == "deb" && !/security/ { for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) { print $i; exit } }' \
      /etc/apt/sources.list)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

# apt-get/apt-cache options for `suite`: private sources, lists and cache.
# The first call for a suite downloads its package lists.
apt_opts=()
use_suite() {
  local suite=$1 state=$dir/apt-$1
  mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/none"
  echo "deb [signed-by=$keyring] $(archive) $suite main" >"$state/sources.list"
  # No system sources or pinning; root downloads into DIR itself (apt's
  # _apt user may not be able to write there).
  apt_opts=(-o "Dir::Etc::SourceList=$state/sources.list" -o "Dir::Etc::SourceParts=$state/none"
            -o "Dir::Etc::Preferences=$state/none/preferences" -o "Dir::Etc::PreferencesParts=$state/none"
            -o "Dir::State::Lists=$state/lists" -o "Dir::Cache=$state/cache"
            -o "APT::Sandbox::User=root")
  if [ ! -e "$state/lists.done" ]; then
    apt-get "${apt_opts[@]}" -q update >/dev/null
    touch "$state/lists.done"
  fi
}

# The package and the libraries it depends on, recursively through lib*
# packages only: the loader and the shared libraries are all the wrapper
# needs (not adduser and what that would pull in).
closure() {
  local todo=("$1") seen=" " p
  while [ ${#todo[@]} -gt 0 ]; do
    p=${todo[0]}
    todo=("${todo[@]:1}")
    [[ $seen == *" $p "* ]] && continue
    seen+="$p "
    echo "$p"
    # shellcheck disable=SC2207  # package names are single words
    todo+=($(apt-cache "${apt_opts[@]}" depends --no-recommends --no-suggests --no-conflicts \
      --no-breaks --no-replaces --no-enhances "$p" |
      awk '$1 ~ /Depends:$/ && $2 ~ /^lib/ { print $2 }'))
  done
}

# A wrapper `name` in `out` that runs root/usr/bin/`bin` with its own loader.
wrap() {
  local out=$1 name=$2 bin=$3 loader libs
  loader=$(find "$out/root" -name 'ld-linux*.so*' -type f | head -n 1)
  [ -n "$loader" ] || { echo "$out: no loader in the extracted libc6" >&2; return 1; }
  libs="$out/root/usr/lib/$(basename "$(dirname "$loader")"):$out/root/lib/$(basename "$(dirname "$loader")")"
  cat >"$out/$name" <<EOF
#!/bin/sh
exec "$loader" --library-path "$libs" --argv0 $name "$out/root/usr/bin/$bin" "\$@"
EOF
  chmod +x "$out/$name"
}

prepare() {
  local name=$1 suite=$2 pkg=$3 bin=$4 cli=$5 out=$dir/$1
  if [ ! -x "$out/redis-server" ] || ! "$out/redis-server" --version >/dev/null 2>&1; then
    use_suite "$suite"
    rm -rf "$out"
    mkdir -p "$out/debs" "$out/root"
    local pkgs
    pkgs=$(closure "$pkg")
    # shellcheck disable=SC2086  # one word per package
    (cd "$out/debs" && apt-get "${apt_opts[@]}" -q download $pkgs >/dev/null)
    for deb in "$out"/debs/*.deb; do dpkg -x "$deb" "$out/root"; done
    wrap "$out" redis-server "$bin"
    wrap "$out" redis-cli "$cli"
  fi
  printf '%-18s %s\n' "$name" "$("$out/redis-server" --version | cut -d' ' -f1-3)"
}

for row in "${matrix[@]}"; do
  # shellcheck disable=SC2086  # the row's words are its fields
  set -- $row
  if [ ${#wanted[@]} -eq 0 ] || [[ " ${wanted[*]} " == *" $1 "* ]]; then
    prepare "$@"
  fi
done
