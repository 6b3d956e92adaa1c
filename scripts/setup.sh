#!/usr/bin/env bash
# Installs the Debian packages actorgate needs (only those missing, as root or
# via sudo), then configures and builds. Safe to run again: it only rebuilds
# what changed.
#   SETUP       which packages: run (default: building and running the
#               gateway and backend), test (adds the test suite's tools:
#               doctest, curl, python3-thrift, python3-websockets, a Prometheus server, a
#               browser, Node.js and the OpenAPI validator from npm in
#               tests/openapi), fuzz (adds clang and libFuzzer)
#   BUILD_DIR   build folder               (default: build)
#   BUILD_TYPE  CMake build type           (default: RelWithDebInfo)
#   CMAKE_ARGS  extra arguments for cmake  (default: -DBUILD_TESTING=OFF with
#               SETUP=run, ON otherwise)
#   BUILD_TARGETS  targets to build        (default: all)
#   CC, CXX     the compiler, read by CMake when BUILD_DIR is first configured
#               (default: CMake's choice, g++); scripts/fuzz.sh uses clang
#   SKIP_BUILD  set: install the packages only
set -euo pipefail
cd "$(dirname "$0")/.."

setup=${SETUP:-run}
packages=(g++ cmake ninja-build pkg-config libcaf-dev libboost-dev libthrift-dev
          thrift-compiler nlohmann-json3-dev libspdlog-dev libpugixml-dev
          libgoogle-perftools-dev  # tcmalloc for actorgate-server (CMake: ACTORGATE_TCMALLOC)
          libc-ares-dev  # the pools' DNS discovery (endpoints="dns:NAME:PORT")
          libssl-dev)  # TLS on the listener ([http] tls-cert, tls-key)
case $setup in
  run) CMAKE_ARGS="-DBUILD_TESTING=OFF ${CMAKE_ARGS:-}" ;;
  test|fuzz)
    CMAKE_ARGS="-DBUILD_TESTING=ON ${CMAKE_ARGS:-}"  # a build set up by run.sh had it off
    packages+=(doctest-dev curl python3
               python3-thrift  # tests/idl/py_backend.py: a Thrift backend actorgate did not write
               python3-yaml  # tests/deploy/check_manifests.py reads deploy/k8s/*.yaml
               python3-websockets  # tests/ws/ws_test.py: a real WebSocket client
               prometheus chromium  # the metrics tests: promtool, a Prometheus server, a browser
               haproxy  # the rolling-restart test: a load balancer in front of two gateways
               dnsmasq-base  # the DNS discovery test: a DNS server serving a hosts file
               openssl)  # the TLS tests: test certificates, openssl s_client
    # The OpenAPI validator (tests/openapi) runs on Node.js. A node and npm
    # from elsewhere (e.g. NodeSource's nodejs, which bundles npm) will do;
    # only without them are Debian's taken.
    if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
      packages+=(nodejs npm)
    fi
    [[ $setup == fuzz ]] && packages+=(clang libclang-rt-14-dev)  # libFuzzer
    ;;
  *) echo "setup: SETUP must be run, test or fuzz" >&2; exit 2 ;;
esac
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The validator's npm packages, exactly as package-lock.json pins them: when
# tests/openapi/node_modules is missing or older than the lock file.
if [[ $setup != run && ! tests/openapi/node_modules/.package-lock.json -nt tests/openapi/package-lock.json ]]; then
  echo "setup: npm ci in tests/openapi"
  npm ci --prefix tests/openapi --no-audit --no-fund
fi

[[ -n ${SKIP_BUILD:-} ]] && exit 0
BUILD_DIR=${BUILD_DIR:-build}
BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
# shellcheck disable=SC2086
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" ${CMAKE_ARGS:-} >/dev/null
# shellcheck disable=SC2086
cmake --build "$BUILD_DIR" -j "$(nproc)" ${BUILD_TARGETS:+--target $BUILD_TARGETS}
