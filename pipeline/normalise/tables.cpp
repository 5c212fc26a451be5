#include "normalise/tables.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "text/utf8.hpp"

namespace briefing::normalise_detail {
namespace {

struct Line {
    std::size_t number;
    std::vector<std::string> fields;
};

[[noreturn]] void fail(const std::filesystem::path& file, std::size_t line,
                       const std::string& what) {
    throw std::runtime_error(file.string() + ":" + std::to_string(line) + ": " + what);
}

// Reads the non-comment lines of a table, each split on tabs, and checks the
// field count so every later error can name the line.
std::vector<Line> read_table(const std::filesystem::path& file, std::size_t fields) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error(file.string() + ": cannot open");
    std::vector<Line> out;
    std::string raw;
    std::size_t n = 0;
    while (std::getline(in, raw)) {
        ++n;
        if (!raw.empty() && raw.back() == '\r') raw.pop_back();
        if (raw.empty() || raw[0] == '#') continue;
        if (text::find_invalid_utf8(raw)) fail(file, n, "invalid UTF-8");
        Line line{n, {}};
        std::size_t start = 0;
        for (;;) {
            std::size_t tab = raw.find('\t', start);
            line.fields.push_back(raw.substr(start, tab - start));
            if (tab == std::string::npos) break;
            start = tab + 1;
        }
        if (line.fields.size() != fields)
            fail(file, n, "expected " + std::to_string(fields) + " tab-separated field(s), found " +
                              std::to_string(line.fields.size()));
        if (line.fields[0].empty()) fail(file, n, "empty key");
        out.push_back(std::move(line));
    }
    return out;
}

// Rules take the first entry that matches, so the longest must come first
// ("km²" before "km", "US$" before "$").
bool longer(const std::string& a, const std::string& b) { return a.size() > b.size(); }

std::vector<std::string> load_words(const std::filesystem::path& file) {
    std::vector<std::string> out;
    for (auto& l : read_table(file, 1)) out.push_back(l.fields[0]);
    std::stable_sort(out.begin(), out.end(), longer);
    return out;
}

std::vector<Entry> load_pairs(const std::filesystem::path& file) {
    std::vector<Entry> out;
    for (auto& l : read_table(file, 2)) {
        if (l.fields[1].empty()) fail(file, l.number, "empty spoken form");
        out.emplace_back(l.fields[0], l.fields[1]);
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const Entry& a, const Entry& b) { return longer(a.first, b.first); });
    return out;
}

// symbols.tsv and keep.txt are looked up per code point, so each key must be one.
char32_t single_cp(const std::filesystem::path& file, const Line& l) {
    std::u32string cps = text::decode(l.fields[0]);
    if (cps.size() != 1) fail(file, l.number, "expected exactly one character");
    return cps[0];
}

}  // namespace

Tables load_tables(const std::filesystem::path& data_dir) {
    const auto dir = data_dir / "normalise";
    Tables t;
    t.liang = load_words(dir / "liang.txt");
    t.units = load_pairs(dir / "units.tsv");
    t.currency = load_pairs(dir / "currency.tsv");
    for (auto& w : load_words(dir / "latin_words.txt")) t.latin_words.insert(w);

    const auto symbols = dir / "symbols.tsv";
    for (auto& l : read_table(symbols, 2)) {
        const std::string& spoken = l.fields[1];
        if (spoken.empty()) fail(symbols, l.number, "empty spoken form (use \"(drop)\")");
        t.symbols[single_cp(symbols, l)] = spoken == "(drop)" ? "" : spoken;
    }

    const auto context = dir / "context.tsv";
    for (auto& l : read_table(context, 2)) {
        const std::string& kind = l.fields[0];
        if (l.fields[1].empty()) fail(context, l.number, "empty word");
        if (kind == "code")
            t.code_context.push_back(l.fields[1]);
        else if (kind == "code_after")
            t.code_after.push_back(l.fields[1]);
        else if (kind == "score")
            t.score_context.push_back(l.fields[1]);
        else if (kind == "score_adjacent")
            t.score_adjacent.push_back(l.fields[1]);
        else
            fail(context, l.number, "unknown kind \"" + kind + "\" (code, code_after, score, score_adjacent)");
    }
    for (auto* v : {&t.code_context, &t.code_after, &t.score_context, &t.score_adjacent})
        std::stable_sort(v->begin(), v->end(), longer);

    const auto keep = dir / "keep.txt";
    for (auto& l : read_table(keep, 1)) t.keep.push_back(single_cp(keep, l));
    return t;
}

}  // namespace briefing::normalise_detail
