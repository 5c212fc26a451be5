#include "text/utf8.hpp"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace briefing::text {

std::optional<Utf8Error> find_invalid_utf8(std::string_view bytes) {
    const auto* s = reinterpret_cast<const uint8_t*>(bytes.data());
    const int32_t n = static_cast<int32_t>(bytes.size());
    std::size_t line = 1;
    int32_t i = 0;
    while (i < n) {
        const int32_t start = i;
        UChar32 c = 0;
        // ICU's U8_NEXT rejects overlong forms, surrogates and truncation.
        U8_NEXT(s, i, n, c);
        if (c < 0) return Utf8Error{static_cast<std::size_t>(start), line};
        if (c == '\n') ++line;
    }
    return std::nullopt;
}

std::u32string decode(std::string_view utf8) {
    const auto* s = reinterpret_cast<const uint8_t*>(utf8.data());
    const int32_t n = static_cast<int32_t>(utf8.size());
    std::u32string out;
    out.reserve(utf8.size());
    int32_t i = 0;
    while (i < n) {
        UChar32 c = 0;
        U8_NEXT(s, i, n, c);
        if (c < 0) throw std::invalid_argument("invalid UTF-8");
        out.push_back(static_cast<char32_t>(c));
    }
    return out;
}

void append(std::string& out, char32_t cp) {
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string encode(std::u32string_view cps) {
    std::string out;
    out.reserve(cps.size() * 3);
    for (char32_t cp : cps) append(out, cp);
    return out;
}

std::size_t length_cp(std::string_view utf8) {
    std::size_t n = 0;
    for (unsigned char c : utf8)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

bool is_han(char32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x323AF) || (cp >= 0xF900 && cp <= 0xFAFF) || cp == 0x3007;
}

bool is_space(char32_t cp) {
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\v' || cp == '\f' ||
           cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

bool is_ascii_digit(char32_t cp) { return cp >= '0' && cp <= '9'; }
bool is_ascii_alpha(char32_t cp) { return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'); }

bool is_unspeakable(char32_t cp) {
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return true;        // C0, DEL, C1
    if (cp >= 0x200B && cp <= 0x200F) return true;                     // zero-width, LRM/RLM
    if (cp >= 0x202A && cp <= 0x202E) return true;                     // bidi embeddings
    if (cp >= 0x2060 && cp <= 0x206F) return true;                     // word joiner, bidi isolates
    if (cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF) return true;     // BOM, non-characters
    if (cp >= 0xFDD0 && cp <= 0xFDEF) return true;
    if (cp >= 0xE000 && cp <= 0xF8FF) return true;                     // private use
    if (cp >= 0xF0000) return true;                                    // supplementary PUA
    return false;
}

std::string trim(std::string_view utf8) {
    std::u32string cps = decode(utf8);
    std::size_t b = 0, e = cps.size();
    while (b < e && is_space(cps[b])) ++b;
    while (e > b && is_space(cps[e - 1])) --e;
    return encode(std::u32string_view(cps).substr(b, e - b));
}

std::string nfkc(std::string_view utf8) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* norm = icu::Normalizer2::getNFKCInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU NFKC normaliser unavailable");
    icu::UnicodeString src = icu::UnicodeString::fromUTF8(
        icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
    icu::UnicodeString dst = norm->normalize(src, status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU NFKC normalisation failed");
    std::string out;
    dst.toUTF8String(out);
    return out;
}

}  // namespace briefing::text
