#!/usr/bin/env bash
# rsdk as its users get it, outside this tree:
#   1. CMake build (warnings are errors) and install into a temp prefix;
#   2. the generated modules are byte for byte what Bazel generates;
#   3. every exported symbol of each shared library is declared RSDK_API
#      (counted per library), and each has a versioned SONAME;
#   4. examples/ built with pkg-config (examples/Makefile) and with
#      find_package (examples/CMakeLists.txt), run against a real server;
#   5. a core-only program needs no Jansson or libcurl;
#   6. the C blocks of README.md and docs/ compile against the installed
#      headers alone;
#   7. the Bazel consumer (examples/bazel-consumer) built and run.
# Prints one line per check and "N passed, N failed" last.
set -uo pipefail
export LC_ALL=C # sort and comm agree
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1

work=$(mktemp -d /tmp/rsdk-consumers-XXXXXX)
prefix=$work/prefix
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

pass=0
fail=0
check() { # $1 = name, rest = command; its output goes to $work/<n>.log
  local name=$1 log=$work/check-$((pass + fail)).log t0=$SECONDS
  shift
  if "$@" >"$log" 2>&1; then
    echo "ok   $name ($((SECONDS - t0)) s)"
    pass=$((pass + 1))
  else
    echo "FAIL $name ($((SECONDS - t0)) s)"
    tail -n 30 "$log" | sed 's/^/     /'
    fail=$((fail + 1))
  fi
}

cmake_build() {
  cmake -S "$root" -B "$work/build" -DRSDK_WERROR=ON \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib &&
    cmake --build "$work/build" -j "$(nproc)" &&
    cmake --install "$work/build"
}

# The modules generated from spec/: what rsdkgen wrote under CMake against
# what the rsdk_module macro wrote under Bazel.
same_as_bazel() {
  local mods=() targets=() m
  for m in $(ls "$work/build/gen"); do
    mods+=("$m")
    targets+=("//modules/$m:${m}_gen")
  done
  [ ${#mods[@]} -gt 0 ] || { echo "nothing generated"; return 1; }
  bazel build "${targets[@]}" || return 1
  local bin
  bin=$(bazel info bazel-bin) || return 1
  for m in "${mods[@]}"; do
    diff -r "$bin/modules/$m/include" "$work/build/gen/$m/include" || return 1
    diff -r "$bin/modules/$m/_${m}_gen" "$work/build/gen/$m/_${m}_gen" || return 1
    echo "$m: $(ls "$work/build/gen/$m/_${m}_gen" | wc -l) sources and its header identical"
  done
}

# Every defined dynamic symbol of each library is a name some installed
# header declares with RSDK_API (plus runtime/src/base/alloc.h, which exports the
# allocation hooks to rsdk's own modules).
exports_declared() {
  local declared=$work/declared lib soname exported undeclared bad=0
  { find "$prefix/include/rsdk" -name "*.h" && find runtime/src -name alloc.h; } | xargs cat |
    tr '\n' ' ' | grep -o 'RSDK_API[^;{]*' |
    sed -E 's/\(.*//; s/\[.*//; s/.*[^A-Za-z0-9_]//' | sort -u >"$declared"
  for lib in "$prefix"/lib/*.so; do
    soname=$(readelf -d "$lib" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
    [[ $soname =~ \.so\.[0-9]+$ ]] || { echo "$lib: SONAME '$soname' has no major"; bad=1; }
    exported=$work/exported.$(basename "$lib")
    nm -D --defined-only "$lib" | awk '{print $3}' | sort -u >"$exported"
    undeclared=$(comm -23 "$exported" "$declared")
    [ -z "$undeclared" ] || { echo "$lib exports undeclared:" $undeclared; bad=1; }
    echo "$(basename "$lib") ($soname): $(wc -l <"$exported") exported symbols"
  done
  return $bad
}

start_server() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "${RSDK_SERVER:-redis-server}" --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$work" >"$work/server.log" 2>&1 &
  server_pid=$!
  export REDIS_URL="redis://127.0.0.1:$port"
  for _ in $(seq 100); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "server did not start"; cat "$work/server.log"; return 1
}

run_all() { # $1 = dir, rest = programs
  local dir=$1 p
  shift
  for p in "$@"; do
    echo "== $p"
    "$dir/$p" || return 1
  done
}

with_pkg_config() {
  local libs
  mkdir -p "$work/pc" &&
    PKG_CONFIG_PATH=$prefix/lib/pkgconfig make -C examples O="$work/pc" \
      LDFLAGS="-Wl,-rpath,$prefix/lib" &&
    run_all "$work/pc" hello typed &&
    libs=$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --libs rsdk-core) &&
    echo "pkg-config --libs rsdk-core: $libs" &&
    [ "$(echo $libs)" = "-L$prefix/lib -lrsdk-core -lrsdk" ]
}

with_find_package() {
  cmake -S examples -B "$work/fp" -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_BUILD_RPATH="$prefix/lib" &&
    cmake --build "$work/fp" &&
    run_all "$work/fp" hello typed typed_static
}

# A program of the core module alone, shared or static, carries neither
# Jansson nor libcurl: no such library needed, no such symbol in it.
core_only_is_lean() {
  local exe
  for exe in "$work/pc/typed" "$work/fp/typed" "$work/fp/typed_static"; do
    if LD_LIBRARY_PATH=$prefix/lib ldd "$exe" | grep -E 'jansson|curl'; then
      echo "$exe loads Jansson or libcurl"; return 1
    fi
    if nm "$exe" 2>/dev/null | grep -E ' (json_|curl_)'; then
      echo "$exe has Jansson or libcurl symbols"; return 1
    fi
    echo "$exe: no Jansson, no libcurl"
  done
  # ... while the Entra ID module does link them (the check can fail).
  readelf -d "$prefix/lib/librsdk-auth-entra.so" | grep -q "NEEDED.*libcurl"
}

# Every page's C blocks (tools/docblocks.py, as //docs:test_doc_blocks
# extracts them), compiled against the installed headers alone, and the
# excerpts checked against the installed headers.
doc_blocks() {
  local dir=$work/docs f c n=0
  mkdir -p "$dir"
  for f in README.md docs/*.md; do
    c=$dir/$(basename "$f" .md).c
    python3 tools/docblocks.py --headers "$prefix/include" --out "$c" "$f" || return 1
    cc -std=c11 -Wall -Wextra -Werror -Wno-unused-function -Wno-unused-variable \
      -Wno-unused-but-set-variable -D_POSIX_C_SOURCE=200809L -pthread \
      -I"$prefix/include" -c -o "${c%.c}.o" "$c" || return 1
    n=$((n + 1))
  done
  echo "$n pages' C blocks compile against the installed headers"
}

start=$SECONDS
check "cmake build and install" cmake_build
check "generated modules identical to Bazel's" same_as_bazel
check "exports are RSDK_API only, SONAMEs versioned" exports_declared
check "doc blocks compile against the installed headers" doc_blocks
if check "server" start_server; then
  check "examples via pkg-config" with_pkg_config
  check "examples via find_package" with_find_package
  check "core-only program links no Jansson/libcurl" core_only_is_lean
  if [ -x examples/bazel-consumer/run.sh ]; then
    check "Bazel consumer" bash examples/bazel-consumer/run.sh
  fi
fi
echo "installed files:"
(cd "$prefix" && find . -type f -o -type l | sed 's|^\./|  |' | sort)
grep -h "exported symbols" "$work"/check-*.log | sed 's/^/  /'
echo "consumers took $((SECONDS - start)) s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
