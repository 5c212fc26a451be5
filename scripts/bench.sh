#!/usr/bin/env bash
# Benchmarks Briefing against eSpeak NG's own CLI and prints a Markdown table.
# Builds a Release binary first, in its own folder, so it never disturbs
# build/. Run scripts/setup.sh once before (it installs espeak-ng too).
#
#   scripts/bench.sh            # 5 repetitions, medians
#   REPS=9 scripts/bench.sh     # more repetitions on a noisy machine
#
# Environment: BENCH_BUILD_DIR (default build-bench), BENCH_WORK (default a
# temporary folder, removed at the end), REPS.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BENCH_BUILD_DIR:-build-bench}
REPS=${REPS:-5}

for tool in espeak-ng python3 cmake; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (run scripts/setup.sh)" >&2; exit 1; }
done

echo "bench: building a Release binary in $BUILD_DIR" >&2
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release -DBRIEFING_BUILD_TESTS=OFF >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" --target briefing >/dev/null

WORK=${BENCH_WORK:-$(mktemp -d -t briefing-bench.XXXXXX)}
if [ -z "${BENCH_WORK:-}" ]; then trap 'rm -rf "$WORK"' EXIT; fi
echo "bench: measuring in $WORK" >&2
python3 scripts/bench_run.py "$BUILD_DIR/briefing" "$WORK" "$REPS"
