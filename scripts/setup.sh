#!/usr/bin/env bash
# Installs what Briefing needs from Debian's packages, non-interactively.
# Safe to run again: packages already installed are skipped, and apt-get runs
# (with an update first) only when something is missing.
set -euo pipefail

PACKAGES=(
  # build
  cmake g++ make pkg-config
  # speech and audio
  libespeak-ng-dev espeak-ng-data espeak-ng libsndfile1-dev libebur128-dev libsamplerate0-dev
  # tests: ffprobe checks the chapters players see; clang runs the fuzzers
  ffmpeg clang libclang-rt-14-dev
  # libraries
  libspdlog-dev catch2 libcli11-dev nlohmann-json3-dev libtomlplusplus-dev
  libicu-dev libopencc-dev libopencc-data libssl-dev
  # pronunciation data, compiled into the lexicon at build time
  rime-data-terra-pinyin rime-data-pinyin-simp python3-jieba
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
