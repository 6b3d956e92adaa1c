#!/usr/bin/env bash
# Builds CAF 0.17.6 (libcaf_core) with ThreadSanitizer into
# build-caf-tsan/prefix, once. Debian's libcaf_core is not instrumented, so
# against it TSan reports false races inside CAF's own queues; against this
# build a report means a real race. The source is Debian's upstream tarball
# (a deb-src entry is added if none exists).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$PWD/build-caf-tsan
[[ -f $out/prefix/lib/libcaf_core.so ]] && exit 0
mkdir -p "$out/src"
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
if ! grep -rqs "deb-src" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' |
    $sudo tee /etc/apt/sources.list.d/actorgate-src.sources >/dev/null
  $sudo apt-get update -qq
fi
# Only the upstream tarball is needed; a missing Debian patch set is fine.
(cd "$out/src" && apt-get source -qq --download-only actor-framework >/dev/null 2>&1 || true)
tarball=$(ls "$out"/src/actor-framework_0.17.6*.orig.tar.gz 2>/dev/null | head -n 1 || true)
[[ -n $tarball ]] || { echo "caf-tsan: could not download the CAF 0.17.6 source" >&2; exit 1; }
tar xzf "$tarball" -C "$out/src"
flags="-fsanitize=thread"
cmake -S "$out/src/actor-framework-0.17.6" -B "$out/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="$flags" -DCMAKE_SHARED_LINKER_FLAGS="$flags" -DCMAKE_EXE_LINKER_FLAGS="$flags" \
  -DCAF_NO_EXAMPLES=yes -DCAF_NO_UNIT_TESTS=yes -DCAF_NO_TOOLS=yes -DCAF_NO_OPENSSL=yes \
  -DCAF_NO_OPENCL=yes -DCAF_NO_PYTHON=yes -DCAF_NO_IO=yes -DCMAKE_INSTALL_PREFIX="$out/prefix" >/dev/null
cmake --build "$out/build" -j "$(nproc)" >/dev/null
cmake --install "$out/build" >/dev/null
echo "caf-tsan: instrumented CAF in $out/prefix"
