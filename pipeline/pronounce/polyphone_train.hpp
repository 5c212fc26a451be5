// Training and k-fold measurement of the polyphone model (development tool
// code; not linked into the pipeline).
//
// The model is an averaged perceptron per polyphonic character over the
// string features Pronouncer::polyphone_cases() reports, plus two global
// weights ("candidate is the lexicon word's reading", "candidate is the
// character's default"). It is written as the text file
// pipeline/pronounce/polyphone_model.tsv, compiled at build time into
// polyphone.bin (see lexicon_format.hpp).
#pragma once

namespace briefing::pronounce {

// Dispatches the train/eval modes described in polyphone_tool.cpp. Returns
// the process exit code; throws std::runtime_error naming the file on bad input.
int polyphone_main(int argc, char** argv);

}  // namespace briefing::pronounce
