#!/usr/bin/env bash
# The whole test suite built with AddressSanitizer and UndefinedBehaviorSanitizer
# (into build-asan/). Any sanitizer report fails the test that triggered it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
BUILD_DIR=build-asan BUILD_TYPE=RelWithDebInfo scripts/build.sh \
  -DBRIEFING_SANITIZE_ADDRESS=ON -DBRIEFING_SANITIZE_UNDEFINED=ON
# halt_on_error: the first report ends the process, so the test fails.
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=0:detect_leaks=1
export LSAN_OPTIONS=suppressions=$PWD/tests/sanitizer/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
ctest --test-dir build-asan -j"$(nproc)" --output-on-failure --timeout 600
