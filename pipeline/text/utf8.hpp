// UTF-8 helpers shared by every text stage.
//
// All Briefing text is UTF-8 in std::string. Stages that must reason about
// characters (Han detection, punctuation, lengths) convert to code points with
// these helpers. Positions are byte offsets unless a name says "cp" (code
// points). Functions here are pure and thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace briefing::text {

// Where a byte sequence stops being valid UTF-8.
struct Utf8Error {
    std::size_t byte_offset = 0;  // offset of the first bad byte, 0-based
    std::size_t line = 0;         // 1-based line of that byte
};

// Returns the first invalid position in `bytes`, or nothing when all of it is
// well-formed UTF-8 (overlong forms, surrogates and truncated sequences are
// invalid).
std::optional<Utf8Error> find_invalid_utf8(std::string_view bytes);

// Decodes well-formed UTF-8 into code points. Throws std::invalid_argument on
// invalid input; callers validate first with find_invalid_utf8 when they need
// a located error message.
std::u32string decode(std::string_view utf8);

// Encodes code points as UTF-8. Invalid code points become U+FFFD.
std::string encode(std::u32string_view cps);
void append(std::string& out, char32_t cp);

// Number of code points in well-formed UTF-8.
std::size_t length_cp(std::string_view utf8);

// Character classes used across stages.
bool is_han(char32_t cp);            // CJK unified ideographs (incl. extensions A-G, compat)
bool is_space(char32_t cp);          // ASCII and Unicode white space, incl. U+3000
bool is_ascii_digit(char32_t cp);
bool is_ascii_alpha(char32_t cp);
// Characters that must never reach eSpeak NG: C0/C1 controls (U+0001 starts
// an eSpeak embedded command), zero-width and bidi formatting characters,
// private-use code points and non-characters.
bool is_unspeakable(char32_t cp);

// Removes leading and trailing white space (as is_space).
std::string trim(std::string_view utf8);

// Unicode NFKC (full-width digits and letters fold to ASCII, etc.), via ICU.
std::string nfkc(std::string_view utf8);

}  // namespace briefing::text
