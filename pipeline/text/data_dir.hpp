// Where Briefing finds its runtime data (compiled lexicon, normalisation
// tables).
//
// Search order, first existing directory wins:
//   1. $BRIEFING_DATA_DIR
//   2. data/ beside the running executable (the build tree: build/data)
//   3. ../share/briefing relative to the executable (an installed tree)
// Throws std::runtime_error naming every place tried when none exists.
#pragma once

#include <filesystem>

namespace briefing::text {

std::filesystem::path data_dir();

}  // namespace briefing::text
