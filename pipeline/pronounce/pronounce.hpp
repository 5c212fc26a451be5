// Stage `pronounce`: spoken Han text → tokens with readings → what eSpeak NG
// is given.
//
// Input is the output of `normalise` (Han characters, punctuation, Latin
// words). Output is a token list in which every Han character is its own
// token carrying its pinyin syllable exactly as sent to eSpeak NG's
// `cmn-latn-pinyin` voice: lower-case letters, ü written `v`, tone digit 1-5
// (5 = neutral), after word segmentation, polyphone choice, neutral tones and
// the 一/不 tone changes (third-tone sandhi is left to eSpeak NG).
// Concatenating every token's `text` gives back the input exactly.
//
// Thread rule: a loaded Pronouncer is immutable; calls may run concurrently.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace briefing {

struct Token {
    std::string text;    // the characters this token covers (one Han character, or a run)
    std::string pinyin;  // set for Han characters only, e.g. "shou3", "lv4", "de5"
    std::string lang;    // "en" for a Latin word to be said by an English voice, else ""
};

// One piece of input for the synthesiser: plain text for one voice.
struct SpeechRun {
    std::string text;      // exactly what eSpeak NG is given (already safe: no controls)
    bool english = false;  // true: say with the English voice, else the Mandarin pinyin voice
};

class Pronouncer {
public:
    // Opens the compiled lexicon and polyphone model under `data_dir`.
    // Throws std::runtime_error naming the missing or damaged file.
    static Pronouncer load(const std::filesystem::path& data_dir);

    // Tokens for one spoken sentence (see the stage contract above).
    std::vector<Token> tokens(std::string_view spoken) const;

    // The pinyin of each Han character of `line`, in order (no normalisation;
    // other characters are skipped; "?" for a character with no reading).
    std::vector<std::string> han_pinyin(std::string_view line) const;

    // For training and measuring the polyphone model (scripts/polyphone_*):
    // what the model sees for every Han character of `line`, in order.
    struct PolyphoneCase {
        std::string character;                // the Han character (UTF-8)
        std::vector<std::string> candidates;  // its readings, lexicon default first
        std::string lexicon_reading;          // reading from the segmented word, "" if none
        std::vector<std::string> features;    // context features (strings), see pronounce.cpp
    };
    std::vector<PolyphoneCase> polyphone_cases(std::string_view line) const;

    ~Pronouncer();
    Pronouncer(Pronouncer&&) noexcept;
    Pronouncer& operator=(Pronouncer&&) noexcept;

private:
    struct Impl;
    explicit Pronouncer(std::unique_ptr<const Impl> impl);
    std::unique_ptr<const Impl> impl_;
};

// Groups tokens into synthesiser runs: consecutive Mandarin tokens become one
// pinyin run ("shou3 du1 , bei3 jing1 ."), English tokens their own runs.
// Punctuation becomes the ASCII mark eSpeak NG pauses at.
std::vector<SpeechRun> speech_runs(const std::vector<Token>& tokens);

}  // namespace briefing
