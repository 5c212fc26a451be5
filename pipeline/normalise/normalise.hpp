// Stage `normalise`: written Mandarin → the words a news reader says.
//
// Input is one sentence unit as written (UTF-8). Output is the spoken form:
// digits, dates, times, money, units and symbols written out in Han
// characters ("3.5%" → "百分之三点五"), full-width forms folded (NFKC).
// Latin words that are to be spoken stay Latin in the output (the pronounce
// stage decides how to voice them). Punctuation that marks a pause stays.
//
// The rules are an ordered list, most specific first; each rule is a pure
// string → string function that returns its input unchanged when nothing
// matches. The rules and their order are described in normalise/rules.hpp.
// Tables (measure words, units, currency, symbols, context words) are data
// files in <data_dir>/normalise/, described in normalise/tables.hpp, copied
// there from pipeline/normalise/data/ by the build and loaded once by
// Normaliser::load.
//
// What the output looks like (the pronounce stage relies on it):
//   - no ASCII digit ever: every number is Han ("2021年" → 二零二一年,
//     "2个" → 两个, "13812345678" → 幺三八幺二三四五六七八);
//   - Latin stays Latin; an acronym to be spelled is its capitals separated
//     by single spaces ("GDP" → "G D P"), other words are unchanged ("iPhone");
//   - pause marks stay as the full-width ，。、：；！？…, one at a time; a
//     middle dot between names and brackets become "，"; unknown symbols and
//     control characters are dropped, never passed through;
//   - traditional characters are simplified (OpenCC t2s), full-width forms
//     folded (NFKC).
// The result is "" only when the input has nothing speakable in it.
//
// Speed: linear in the input; about 6 MB/s of dense news text in an
// optimised build (measured), no std::regex. Input
// need not be valid UTF-8 (invalid bytes are dropped) and may be of any
// length.
//
// Thread rule: a loaded Normaliser is immutable; operator() may be called
// from any number of threads at once.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace briefing {

class Normaliser {
public:
    // Loads the rule tables from `data_dir`. Throws std::runtime_error naming
    // the file and line of any problem.
    static Normaliser load(const std::filesystem::path& data_dir);

    // Spoken form of one written sentence. Never returns "" for input that
    // contains speakable characters.
    std::string operator()(std::string_view written) const;

    // Names of the steps in the order operator() applies them: "forms"
    // (controls dropped, NFKC, traditional → simplified) and then the rules
    // described in normalise/rules.hpp ("digit_strings", "dates", ...).
    static std::vector<std::string> rule_names();

    // Applies one named step alone, for tests and debugging: no other step
    // runs before or after it. Throws std::invalid_argument for an unknown
    // name.
    std::string apply_rule(std::string_view name, std::string_view text) const;

    ~Normaliser();
    Normaliser(Normaliser&&) noexcept;
    Normaliser& operator=(Normaliser&&) noexcept;

private:
    struct Tables;
    explicit Normaliser(std::unique_ptr<const Tables> tables);
    std::unique_ptr<const Tables> tables_;
};

}  // namespace briefing
