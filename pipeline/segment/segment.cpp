#include "segment/segment.hpp"

#include <string_view>

#include "text/utf8.hpp"

namespace briefing {

namespace {

bool is_end_mark(char32_t c) {
    return c == U'。' || c == U'！' || c == U'？' || c == U'；' || c == U'!' || c == U'?' || c == U';' ||
           c == U'…' || c == U'．';
}

bool is_closer(char32_t c) {
    return c == U'”' || c == U'’' || c == U'」' || c == U'』' || c == U'）' || c == U'》' || c == U'〉' ||
           c == U'】' || c == U')' || c == U']' || c == U'"' || c == U'\'';
}

bool is_clause_mark(char32_t c) {
    return c == U'，' || c == U'、' || c == U'：' || c == U',' || c == U':';
}

// Characters that take speaking time; what the length limit counts.
bool counts(char32_t c) { return text::is_han(c) || text::is_ascii_alpha(c) || text::is_ascii_digit(c); }

bool has_speakable(std::u32string_view s) {
    for (char32_t c : s)
        if (counts(c) || (c >= 0xC0 && c < 0x2000)) return true;
    return false;
}

void push_unit(std::vector<std::string>& out, std::u32string_view s) {
    if (!has_speakable(s)) return;
    std::string t = text::trim(text::encode(s));
    if (!t.empty()) out.push_back(std::move(t));
}

// Where to cut an over-long piece: after the clause mark nearest the middle
// of its spoken length, else after the space nearest the middle, else at the
// character where the count reaches `max`.
std::size_t cut_point(std::u32string_view s, std::size_t max) {
    std::vector<std::size_t> weight(s.size() + 1, 0);  // spoken chars before position i
    for (std::size_t i = 0; i < s.size(); ++i) weight[i + 1] = weight[i] + (counts(s[i]) ? 1 : 0);
    const std::size_t half = weight[s.size()] / 2;
    auto nearest = [&](auto pred) {
        std::size_t best = 0, best_dist = SIZE_MAX;
        for (std::size_t i = 0; i + 1 < s.size(); ++i) {
            if (!pred(s[i])) continue;
            const std::size_t w = weight[i + 1];
            if (w == 0 || w >= weight[s.size()]) continue;  // a cut must leave speech on both sides
            const std::size_t d = w > half ? w - half : half - w;
            if (d < best_dist) best = i + 1, best_dist = d;
        }
        return best;
    };
    if (std::size_t at = nearest(is_clause_mark)) return at;
    if (std::size_t at = nearest([](char32_t c) { return c == U' '; })) return at;
    for (std::size_t i = 0; i < s.size(); ++i)
        if (weight[i + 1] >= max) return i + 1;
    return s.size();
}

std::size_t spoken_length(std::u32string_view s) {
    std::size_t n = 0;
    for (char32_t c : s) n += counts(c) ? 1 : 0;
    return n;
}

// Splits `s` until every piece is within `max`. Iterative, so an endless
// line costs a bounded stack.
void push_within_limit(std::vector<std::string>& out, std::u32string_view s, std::size_t max) {
    std::vector<std::u32string_view> todo{s};
    while (!todo.empty()) {
        std::u32string_view piece = todo.back();
        todo.pop_back();
        if (spoken_length(piece) <= max) {
            push_unit(out, piece);
            continue;
        }
        std::size_t at = cut_point(piece, max);
        todo.push_back(piece.substr(at));  // pushed first, so the head is emitted first
        todo.push_back(piece.substr(0, at));
    }
}

}  // namespace

std::vector<std::string> split_sentences(const std::string& paragraph, std::size_t max_han) {
    if (max_han == 0) max_han = 1;
    const std::u32string cps = text::decode(paragraph);
    std::vector<std::string> out;
    std::size_t start = 0, i = 0;
    while (i < cps.size()) {
        if (!is_end_mark(cps[i])) {
            ++i;
            continue;
        }
        while (i < cps.size() && is_end_mark(cps[i])) ++i;
        while (i < cps.size() && is_closer(cps[i])) ++i;
        push_within_limit(out, std::u32string_view(cps).substr(start, i - start), max_han);
        start = i;
    }
    push_within_limit(out, std::u32string_view(cps).substr(start), max_han);
    return out;
}

std::vector<SentenceUnit> segment(const Article& article, const SegmentOptions& options) {
    std::vector<SentenceUnit> units;
    for (std::size_t s = 0; s < article.sections.size(); ++s) {
        std::size_t index = 0;
        if (s == 0 && options.read_title)
            for (auto& text : split_sentences(article.title, options.max_han))
                units.push_back({s, 0, index++, std::move(text)});
        const auto& paragraphs = article.sections[s].paragraphs;
        for (std::size_t p = 0; p < paragraphs.size(); ++p)
            for (auto& text : split_sentences(paragraphs[p], options.max_han))
                units.push_back({s, p + 1, index++, std::move(text)});
    }
    return units;
}

}  // namespace briefing
