// The data tables behind the normalisation rules, loaded from
// <data_dir>/normalise/ (copied there at build time from
// pipeline/normalise/data/).
//
// Files (UTF-8; '#' starts a comment line; blank lines are ignored):
//   liang.txt        one measure word per line: 2 before it is read 两
//   units.tsv        symbol<TAB>spoken   unit after a number ("km" → 公里)
//   currency.tsv     sign<TAB>spoken     sign before an amount ("$" → 美元)
//   symbols.tsv      symbol<TAB>spoken   "(drop)" = silent, "，" = pause
//   latin_words.txt  capitalised words said as words (NASA), not spelled
//   context.tsv      kind<TAB>word       code | code_after | score | score_adjacent
//   keep.txt         one character per line, protected from NFKC folding
//
// load_tables throws std::runtime_error "<file>:<line>: <problem>" for a
// malformed line and "<file>: cannot open" for a missing file.
//
// Thread rule: Tables is built once and then only read.
#pragma once

#include <filesystem>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace briefing::normalise_detail {

// A key → spoken pair; lists of these are kept longest key first so the
// first match found is the longest.
using Entry = std::pair<std::string, std::string>;

struct Tables {
    std::vector<std::string> liang;            // longest first
    std::vector<Entry> units;                  // longest first
    std::vector<Entry> currency;               // longest first
    std::unordered_map<char32_t, std::string> symbols;  // "" = drop
    std::unordered_set<std::string> latin_words;
    std::vector<std::string> code_context;
    std::vector<std::string> code_after;
    std::vector<std::string> score_context;
    std::vector<std::string> score_adjacent;
    std::u32string keep;                       // protected from NFKC
};

Tables load_tables(const std::filesystem::path& data_dir);

}  // namespace briefing::normalise_detail
