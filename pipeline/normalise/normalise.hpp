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
// matches. Tables (measure words, units, symbols) are data files under the
// data directory (see text/data_dir.hpp), loaded once by Normaliser::load.
//
// Thread rule: a loaded Normaliser is immutable; operator() may be called
// from any number of threads at once.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace briefing {

class Normaliser {
public:
    // Loads the rule tables from `data_dir`. Throws std::runtime_error naming
    // the file and line of any problem.
    static Normaliser load(const std::filesystem::path& data_dir);

    // Spoken form of one written sentence. Never returns "" for input that
    // contains speakable characters.
    std::string operator()(std::string_view written) const;

    ~Normaliser();
    Normaliser(Normaliser&&) noexcept;
    Normaliser& operator=(Normaliser&&) noexcept;

private:
    struct Tables;
    explicit Normaliser(std::unique_ptr<const Tables> tables);
    std::unique_ptr<const Tables> tables_;
};

}  // namespace briefing
