#!/usr/bin/env bash
# Sets up and builds (scripts/setup.sh), then runs every test with CTest.
# The tests start their own backends and gateways on 127.0.0.1, ephemeral ports.
#   SANITIZE=asan   build in build-asan with AddressSanitizer + UBSan and run
#                   the same tests there (child processes inherit the options)
#   SANITIZE=tsan   build in build-tsan with ThreadSanitizer, against a CAF
#                   built with TSan too (scripts/caf-tsan.sh, once)
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
  tsan)
    export BUILD_DIR=${BUILD_DIR:-build-tsan} BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
    export CMAKE_ARGS="${CMAKE_ARGS:-} -DACTORGATE_SANITIZE=thread -DCMAKE_PREFIX_PATH=$PWD/build-caf-tsan/prefix"
    export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1 suppressions=$PWD/tests/sanitizers/tsan.supp}
    NEED_CAF_TSAN=1
    ;;
  *) echo "test: SANITIZE must be empty, asan or tsan" >&2; exit 2 ;;
esac
if [[ -n ${NEED_CAF_TSAN:-} ]]; then
  SETUP=test SKIP_BUILD=1 scripts/setup.sh  # the packages first: the CAF build needs them
  scripts/caf-tsan.sh
fi
SETUP=test scripts/setup.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"
