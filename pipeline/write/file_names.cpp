#include "write/file_names.hpp"

#include <algorithm>
#include <cctype>

#include "text/utf8.hpp"

namespace briefing {

namespace {

bool keep(char32_t cp) {
    if (text::is_han(cp) || text::is_ascii_alpha(cp) || text::is_ascii_digit(cp)) return true;
    if (cp == '_' || cp == '.') return true;
    // Other letters (accented Latin, kana, hangul) are fine on every filesystem.
    return cp >= 0xC0 && !text::is_unspeakable(cp) && !text::is_space(cp) && (cp < 0x2000 || cp > 0x2BFF) &&
           (cp < 0x3000 || cp > 0x303F) && (cp < 0xFF00 || cp > 0xFF65);
}

bool is_device_name(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    const std::size_t dot = s.find('.');
    if (dot != std::string::npos) s.resize(dot);
    if (s == "CON" || s == "PRN" || s == "AUX" || s == "NUL") return true;
    return s.size() == 4 && (s.rfind("COM", 0) == 0 || s.rfind("LPT", 0) == 0) && s[3] >= '1' && s[3] <= '9';
}

std::u32string strip_edges(std::u32string s) {
    auto edge = [](char32_t c) { return c == '.' || c == '-' || c == ' '; };
    while (!s.empty() && edge(s.front())) s.erase(s.begin());
    while (!s.empty() && edge(s.back())) s.pop_back();
    return s;
}

std::string cap_bytes(const std::u32string& cps, std::size_t max_bytes) {
    std::string out;
    for (char32_t cp : cps) {
        std::string one;
        text::append(one, cp);
        if (out.size() + one.size() > max_bytes) break;
        out += one;
    }
    return out;
}

}  // namespace

std::string safe_name(std::string_view title, std::string_view fallback, std::size_t max_bytes) {
    std::u32string kept;
    bool gap = false;
    std::u32string cps;
    try {
        cps = text::decode(title);
    } catch (const std::invalid_argument&) {
        cps.clear();
    }
    for (char32_t cp : cps) {
        if (text::is_unspeakable(cp) && cp != '\t' && cp != '\n' && cp != '\r') continue;  // invisible: no gap
        if (keep(cp)) {
            if (gap && !kept.empty()) kept.push_back('-');
            kept.push_back(cp);
            gap = false;
        } else {
            gap = true;
        }
    }
    std::u32string s = strip_edges(std::move(kept));
    std::string out = text::encode(strip_edges(text::decode(cap_bytes(s, max_bytes))));
    if (out.empty() || out.find_first_not_of('.') == std::string::npos) out = std::string(fallback);
    if (is_device_name(out)) out += "_";
    return out;
}

std::string unique_name(const std::string& name, std::set<std::string>& taken) {
    std::string candidate = name;
    for (int n = 2; taken.count(candidate); ++n) candidate = name + "-" + std::to_string(n);
    taken.insert(candidate);
    return candidate;
}

}  // namespace briefing
