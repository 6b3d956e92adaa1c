#!/usr/bin/env bash
# Sets up and builds (scripts/setup.sh), then runs every test with CTest.
# The tests start their own backends and gateways on 127.0.0.1, ephemeral ports.
#   SANITIZE=asan   build in build-asan with AddressSanitizer + UBSan and run
#                   the same tests there (child processes inherit the options)
set -euo pipefail
cd "$(dirname "$0")/.."
case "${SANITIZE:-}" in
  "") ;;
  asan)
    export BUILD_DIR=${BUILD_DIR:-build-asan} BUILD_TYPE=${BUILD_TYPE:-Debug}
    export CMAKE_ARGS="${CMAKE_ARGS:-} -DACTORGATE_SANITIZE=address,undefined"
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:suppressions=$PWD/tests/sanitizers/ubsan.supp}
    ;;
  *) echo "test: SANITIZE must be empty or asan" >&2; exit 2 ;;
esac
scripts/setup.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"
