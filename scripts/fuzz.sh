#!/usr/bin/env bash
# Fuzzes one pure stage with libFuzzer under ASan + UBSan.
#   scripts/fuzz.sh TARGET SECONDS     TARGET: ingest, segment, normalise, pronounce, or all
# Builds with clang into build-fuzz/. The working corpus grows in
# build-fuzz/corpus/TARGET, seeded from tests/fuzz/corpus/TARGET. A crash
# input is saved as build-fuzz/crashes/TARGET-*: fix the bug, then copy the
# input to tests/fuzz/regressions/TARGET/ so the normal test suite replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/fuzz.sh TARGET SECONDS}
seconds=${2:?usage: scripts/fuzz.sh TARGET SECONDS}
build=${FUZZ_BUILD_DIR:-build-fuzz}
targets=(ingest segment normalise pronounce)
[ "$target" = all ] || targets=("$target")

CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBRIEFING_FUZZ=ON \
  -DBRIEFING_SANITIZE_ADDRESS=ON -DBRIEFING_SANITIZE_UNDEFINED=ON >/dev/null
for t in "${targets[@]}"; do
  cmake --build "$build" --target "fuzz_$t" -j"$(nproc)" >/dev/null
done

mkdir -p "$build/crashes"
status=0
for t in "${targets[@]}"; do
  mkdir -p "$build/corpus/$t"
  echo "fuzz: $t for ${seconds}s"
  # Stage data (lexicon, tables) from the fuzz build; no leak checks for the
  # process-lifetime tables the entry points load once.
  if ! BRIEFING_DATA_DIR="$build/data" ASAN_OPTIONS=detect_leaks=0 \
      "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=8192 -timeout=20 \
      -rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$build/crashes/$t-" \
      "$build/corpus/$t" "tests/fuzz/corpus/$t" 2> "$build/fuzz-$t.log"; then
    echo "fuzz: $t FAILED; see $build/fuzz-$t.log and $build/crashes/" >&2
    tail -30 "$build/fuzz-$t.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$build/fuzz-$t.log" | tail -2
  fi
done
exit $status
