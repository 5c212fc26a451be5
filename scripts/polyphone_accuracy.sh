#!/usr/bin/env bash
# Polyphone accuracy of the pronounce stage on the CPP development set
# (kakaobrain/g2pM, Apache-2.0), measured through the real C++ code path:
# Pronouncer::han_pinyin on each sentence, compared at the annotated character.
#
# Because the polyphone model is trained on this same data, the figure printed
# is from k-fold cross-validation: for each fold, a model is trained on the
# other folds, compiled into polyphone.bin exactly as the build does, loaded
# by Pronouncer, and scored on the held-out fold only.
#
# usage: scripts/polyphone_accuracy.sh [--write-model]
#   --write-model  also train on all of the data and write the committed
#                  model pipeline/pronounce/polyphone_model.tsv
# env:   POLYPHONE_TSV (default ../shared/data/polyphone/cpp_dev.tsv beside the repo)
#        POLYPHONE_FOLDS (default 5), BRIEFING_BUILD_DIR (default build-pronounce)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tsv=${POLYPHONE_TSV:-$root/../shared/data/polyphone/cpp_dev.tsv}
folds=${POLYPHONE_FOLDS:-5}
build=${BRIEFING_BUILD_DIR:-$root/build-pronounce}

[[ -r $tsv ]] || { echo "polyphone_accuracy: cannot read $tsv" >&2; exit 2; }

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target briefing_polyphone briefing_pronounce_compile briefing_pronounce_data -j2 >/dev/null
tool=$build/pipeline/pronounce/briefing_polyphone
compile=$build/pipeline/pronounce/briefing_pronounce_compile
lexicon=$build/data/lexicon.bin

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A data directory holding the lexicon and the model compiled from $1.
make_dir() {
  mkdir -p "$2"
  ln -sf "$lexicon" "$2/lexicon.bin"
  "$compile" model "$1" "$2/polyphone.bin"
}

# Lexicon only (no context model): where the model starts from.
printf '*\tG\t1\t0.5\n' >"$work/base.tsv"
make_dir "$work/base.tsv" "$work/base"
read -r c t < <("$tool" eval "$work/base" "$tsv")
awk -v c="$c" -v t="$t" 'BEGIN { printf "lexicon only (no model, nothing trained): %.2f%% (%d/%d)\n", 100*c/t, c, t }'

correct=0; total=0
for ((k = 0; k < folds; k++)); do
  "$tool" train "$work/base" "$tsv" "$work/model$k.tsv" --exclude-fold "$k" --folds "$folds" 2>/dev/null
  make_dir "$work/model$k.tsv" "$work/fold$k"
  read -r c t < <("$tool" eval "$work/fold$k" "$tsv" --fold "$k" --folds "$folds" 2>>"${POLYPHONE_ERRORS:-/dev/null}")
  correct=$((correct + c)); total=$((total + t))
done
awk -v c="$correct" -v t="$total" -v k="$folds" 'BEGIN {
  printf "polyphone accuracy, %d-fold cross-validation (each fold scored by a model that never saw it): %.2f%% (%d/%d)\n", k, 100*c/t, c, t }'

if [[ ${1:-} == --write-model ]]; then
  "$tool" train "$work/base" "$tsv" "$root/pipeline/pronounce/polyphone_model.tsv"
  echo "wrote pipeline/pronounce/polyphone_model.tsv (trained on all of $(basename "$tsv"))"
fi
