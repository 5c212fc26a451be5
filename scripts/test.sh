#!/usr/bin/env bash
# README command 2: set up, build, and run every test (Catch2 through CTest).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
# A hung test fails after 300 s instead of stalling the run.
ctest --test-dir "${BUILD_DIR:-build}" -j"$(nproc)" --output-on-failure --timeout 300
