#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang, ASan and UBSan in
# build-fuzz (through scripts/setup.sh), then runs each for a bounded time,
# starting from a scratch copy of its seed corpus (nothing is written into
# the repository). Exits non-zero on any crash, leak, timeout or broken
# invariant; the input that did it is left in the work folder.
#   FUZZ_SECONDS  run time per target       (default: 60)
#   FUZZ_TARGETS  targets to run            (default: all of them)
#   FUZZ_WORK     scratch folder            (default: $BUILD_DIR/fuzz-work)
#   BUILD_DIR     build folder              (default: build-fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
read -r -a targets <<<"${FUZZ_TARGETS:-http_request_fuzz route_target_fuzz header_scan_fuzz}"
seconds=${FUZZ_SECONDS:-60}
export BUILD_DIR=${BUILD_DIR:-build-fuzz} BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo}
export CC=${FUZZ_CC:-clang} CXX=${FUZZ_CXX:-clang++}
export CMAKE_ARGS="${CMAKE_ARGS:-} -DACTORGATE_FUZZ=ON -DBUILD_TESTING=OFF"
export BUILD_TARGETS="${targets[*]}"
started=$(date +%s)
SETUP=fuzz scripts/setup.sh
echo "fuzz: built in $(($(date +%s) - started)) s"

work=$(mkdir -p "${FUZZ_WORK:-$BUILD_DIR/fuzz-work}" && cd "${FUZZ_WORK:-$BUILD_DIR/fuzz-work}" && pwd)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:suppressions=$PWD/tests/sanitizers/ubsan.supp}
status=0
for t in "${targets[@]}"; do
  corpus=$work/$t-corpus
  rm -rf "$corpus" "$work/$t".log
  mkdir -p "$corpus"
  cp tests/fuzz/corpus/"$t"/* "$corpus"/
  echo "fuzz: $t for $seconds s"
  # The TCP target's server frees a connection's objects just after the
  # input has returned, which makes libFuzzer's per-input leak check re-run
  # nearly every input (3x slower); LeakSanitizer still checks at exit.
  extra=()
  [[ $t == http_request_fuzz ]] && extra+=(-detect_leaks=0)
  rc=0
  "$BUILD_DIR/tests/fuzz/$t" -max_total_time="$seconds" -max_len=8192 -timeout=30 \
    -dict=tests/fuzz/http.dict -artifact_prefix="$work/$t-" -print_final_stats=1 \
    "${extra[@]}" "$corpus" >"$work/$t.log" 2>&1 || rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$work/$t.log" | grep -o '[0-9]*$' || true)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$work/$t.log" | tail -1 || true)
  secs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$work/$t.log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' || true)
  echo "fuzz: $t: ${runs:-?} executions${secs:+ in $secs s (~$((${runs:-0} / (secs > 0 ? secs : 1)))/s)}," \
    "coverage ${cov:-?}, corpus $(find "$corpus" -type f | wc -l) files"
  grep -E '^(http_request_fuzz|route_target_fuzz):' "$work/$t.log" || true
  if ((rc != 0)); then
    echo "fuzz: $t FAILED (exit $rc); the end of its log ($work/$t.log):"
    grep -v -E '^#[0-9]+' "$work/$t.log" | tail -60
    ls "$work/$t"-* 2>/dev/null | grep -v -E -- '-corpus$|\.log$' || true
    status=1
  fi
done
echo "fuzz: $(($(date +%s) - started)) s in all"
exit $status
