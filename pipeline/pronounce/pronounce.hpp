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
// How a reading is chosen (pronounce.cpp):
//   1. Each maximal run of Han characters is segmented into words by the
//      maximum-probability path over the lexicon (DAG + dynamic programming,
//      as jieba does; word frequencies from jieba's dictionary).
//   2. A word the lexicon reads gives each character its syllable. A
//      character with more than one reading is decided by the polyphone model
//      (polyphone.bin): an averaged perceptron per character over context
//      features (neighbouring characters and words, the word's reading,
//      part-of-speech tags), which also weighs the lexicon's reading.
//   3. Rules the lexicon cannot know: 一 and 不 tone changes (一定 yi2,
//      一直 yi4, 第一 yi1, 不断 bu2, 不好 bu4, 看一看 yi5, 是不是 bu5),
//      surname readings at the start of a name (单 shan4, 曾 zeng1, 解 xie4,
//      区 ou1, 仇 qiu2 … after 姓, before a title such as 先生, or in a name
//      jieba tags), and written erhua (see below).
//
// Special readings:
//   - Erhua: a written 儿 joined to the syllable before it (这儿, 玩儿) gets
//     pinyin "r". speech_runs() merges it into that syllable ("zhe4" + "r" →
//     "zher4"), the form eSpeak NG reads as one syllable. 儿 inside a word
//     (女儿, 儿童) keeps "er2".
//   - A Han character with no reading at all (very rare characters) gets empty
//     pinyin; speech_runs() leaves it out and han_pinyin() reports "?".
//
// Data (found under the data directory, see text/data_dir.hpp):
//   lexicon.bin    built at build time from terra_pinyin, pinyin_simp, jieba's
//                  dict.txt and pipeline/pronounce/overrides.tsv
//   polyphone.bin  built at build time from pipeline/pronounce/polyphone_model.tsv
// Both are memory-mapped read-only; nothing is parsed at run time, so loading
// takes a few milliseconds and the pages are shared between worker processes.
//
// Throughput: a few MB of text per second per core; work per character is
// bounded (words are at most 16 characters), so any line length is linear.
// Odd input (invalid UTF-8, controls, emoji) never throws: such bytes become
// tokens with empty pinyin and lang, and speech_runs() drops them.
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
    std::string pinyin;  // set for Han characters only, e.g. "shou3", "lv4", "de5";
                         // "r" for an erhua 儿; "" for anything else
    std::string lang;    // "en" for a Latin word to be said by an English voice, else ""
};
// Tokens are: one per Han character; one per Latin word (a maximal run of
// ASCII or accented Latin letters and digits, with inner ' or -), lang "en";
// one per other code point (punctuation, space, symbol), pinyin and lang
// empty. A spelled acronym arrives as "G D P" and so is three "en" tokens
// with two space tokens between them.

// One piece of input for the synthesiser: plain text for one voice. The text
// holds only pinyin syllables, Latin words (ASCII or accented letters),
// spaces and the marks , . ? ! — never a control or formatting character —
// so it can be given to eSpeak NG as it is.
struct SpeechRun {
    std::string text;      // exactly what eSpeak NG is given (already safe: no controls)
    bool english = false;  // true: say with the English voice, else the Mandarin pinyin voice
};

class Pronouncer {
public:
    // Opens (memory-maps) `data_dir`/lexicon.bin and `data_dir`/polyphone.bin.
    // Throws std::runtime_error naming the missing or damaged file. The
    // returned object owns the mappings; it is move-only.
    static Pronouncer load(const std::filesystem::path& data_dir);

    // Tokens for one spoken sentence (see the stage contract above). Never
    // throws on odd input; the texts concatenate to `spoken` byte for byte.
    std::vector<Token> tokens(std::string_view spoken) const;

    // The pinyin of each Han character of `line`, in order (no normalisation;
    // other characters are skipped; "?" for a character with no reading).
    // The readings are the same as tokens() gives (same segmentation, model
    // and rules); backs the `briefing pinyin` command and the accuracy script.
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
// pinyin run ("shou3 du1 , bei3 jing1 ."), English tokens their own runs
// ("G D P", words joined by single spaces).
// Punctuation becomes the ASCII mark eSpeak NG pauses at: ，、；：—…～ → ","
// 。． → "." ？ → "?" ！ → "!" (and their ASCII forms); quotes, brackets,
// spaces and other symbols are dropped. A mark goes to the run before it
// (after an English word: "iPhone ,"); marks never start a run and repeated
// marks collapse to the first. No run is empty or consists of marks only.
// Pure function of its input; thread-safe.
std::vector<SpeechRun> speech_runs(const std::vector<Token>& tokens);

}  // namespace briefing
