#!/usr/bin/env bash
# Sets up and builds (scripts/setup.sh), then runs every test with CTest.
# The tests start their own backends and gateways on 127.0.0.1, ephemeral ports.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j "$(nproc)"
