#!/usr/bin/env bash
# README command 1: set up, build, and render a sample article into output/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
build/briefing render tests/data/sample_article.txt -o output/
echo "demo: listen to output/*/ (open the .m3u8 playlist in any player)"
