#include "pronounce/pronounce.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "pronounce/lexicon_format.hpp"
#include "pronounce/table_file.hpp"
#include "text/utf8.hpp"

namespace briefing {

using pronounce::MappedTable;

namespace {

// Longest word tried by segmentation, in characters. Bounds the work per
// character whatever the lexicon holds.
constexpr std::size_t kMaxWord = 16;

// Extra score for the reading the lexicon alone would give (the word's
// reading, else the character's most frequent one). The model is trained on
// CPP, which over-samples rare readings, so one or two context features seen
// once could otherwise overturn it in ordinary news text (好 read hao4 at the
// start of a line).
constexpr float kDefaultMargin = 1.5f;

// One code point of the input with its byte span. Invalid bytes become one
// "character" each (cp U+FFFD) so odd input never throws and texts still
// concatenate to the input.
struct Char {
    char32_t cp;
    std::size_t begin, end;
};

std::vector<Char> lenient_decode(std::string_view s) {
    std::vector<Char> out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        auto b = static_cast<unsigned char>(s[i]);
        std::size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
        char32_t cp = 0xFFFD;
        if (n == 1) {
            cp = b;
        } else if (n > 1 && i + n <= s.size()) {
            try {
                auto d = text::decode(s.substr(i, n));
                if (d.size() == 1) cp = d[0];
                else n = 1;
            } catch (const std::exception&) {
                n = 1;
            }
        } else {
            n = 1;
        }
        out.push_back({cp, i, i + n});
        i += n;
    }
    return out;
}

// Letters of a Latin word: ASCII letters and digits, and accented Latin
// letters (café, Zürich), which the English voice can say.
bool is_latin(char32_t c) {
    if (c < 0x80) return std::isalnum(static_cast<int>(c)) != 0;
    return c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7;
}

std::vector<std::string_view> split_spaces(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        auto j = s.find(' ', i);
        if (j == std::string_view::npos) j = s.size();
        if (j > i) out.push_back(s.substr(i, j - i));
        i = j + 1;
    }
    return out;
}

int tone_of(const std::string& syl) {
    return syl.empty() || !std::isdigit(static_cast<unsigned char>(syl.back())) ? 0 : syl.back() - '0';
}

float read_f32(const char* p) {
    float f;
    std::memcpy(&f, p, 4);
    return f;
}

// Characters that act as surname markers and readings are data in spirit,
// but tiny and tied to the rule below; kept here beside it.
struct Surname {
    const char* ch;
    const char* reading;
};
constexpr Surname kSurnames[] = {{"单", "shan4"}, {"曾", "zeng1"}, {"解", "xie4"}, {"区", "ou1"},
                                 {"仇", "qiu2"},  {"查", "zha1"},  {"盖", "ge3"},   {"葛", "ge3"},
                                 {"召", "shao4"}, {"尉", "yu4"}};
constexpr const char* kTitles[] = {"先生", "女士", "老师", "教授", "医生", "主任", "局长", "部长",
                                   "市长", "省长", "经理", "总", "书记", "院士", "同志", "小姐",
                                   "博士", "师傅", "大夫", "委员", "队长", "校长", "主席", "县长"};
// Characters of written-out numbers (normalise writes digits this way).
const std::string kNumerals = "〇零一二三四五六七八九两十百千万亿第";
constexpr const char* kSpeechVerbs[] = {"说", "表示", "指出", "认为", "称", "介绍", "透露", "强调", "告诉"};

}  // namespace

struct Pronouncer::Impl {
    MappedTable lexicon;
    MappedTable model;
    float lex_weight = 1, default_weight = 0.5, overlap_weight = 0;

    // A Han run being pronounced: its characters, segmentation and readings.
    struct Run {
        std::string_view src;            // the whole input
        std::vector<Char> chars;         // the run's characters
        std::vector<std::size_t> word;   // word index of each character
        std::vector<std::pair<std::size_t, std::size_t>> words;  // [begin, end) in chars
        std::vector<std::string> pos;    // part-of-speech tag of each word, "?" if unknown
        std::vector<std::string> lex;    // reading from the lexicon word, "" if none
        std::vector<std::string> out;    // final readings ("" = unknown)
        std::string_view text(std::size_t b, std::size_t e) const {
            return src.substr(chars[b].begin, chars[e - 1].end - chars[b].begin);
        }
    };

    std::vector<std::string> candidates(std::string_view ch) const {
        std::vector<std::string> out;
        std::string key = "C";
        key += ch;
        if (auto v = lexicon.find(key))
            for (auto s : split_spaces(*v)) out.emplace_back(s);
        key[0] = 'K';
        if (auto v = model.find(key))
            for (auto s : split_spaces(*v))
                if (std::find(out.begin(), out.end(), s) == out.end()) out.emplace_back(s);
        return out;
    }

    // Maximum-probability segmentation over the lexicon (DAG + dynamic
    // programming from the right, as jieba does).
    void segment(Run& r) const {
        const std::size_t n = r.chars.size();
        std::vector<float> best(n + 1, 0);
        std::vector<std::size_t> next(n + 1, n);
        std::string key;
        for (std::size_t i = n; i-- > 0;) {
            best[i] = -std::numeric_limits<float>::infinity();
            for (std::size_t e = i + 1; e <= n && e - i <= kMaxWord; ++e) {
                key.assign("W");
                key += r.text(i, e);
                auto v = lexicon.find(key);
                if (!v || v->size() < 6) {
                    if (e == i + 1) consider(best, next, i, e, -30.0f);  // unknown character
                    break;
                }
                auto flags = static_cast<std::uint8_t>((*v)[4]);
                if (flags & pronounce::kWordIsWord) consider(best, next, i, e, read_f32(v->data()));
                else if (e == i + 1) consider(best, next, i, e, -30.0f);
                if (!(flags & pronounce::kWordIsPrefix)) break;
            }
        }
        r.word.assign(n, 0);
        r.lex.assign(n, "");
        for (std::size_t i = 0; i < n; i = next[i]) {
            std::size_t e = next[i];
            r.words.push_back({i, e});
            for (std::size_t k = i; k < e; ++k) r.word[k] = r.words.size() - 1;
            key.assign("W");
            key += r.text(i, e);
            auto v = lexicon.find(key);
            std::string_view pos, pinyin;
            if (v && v->size() >= 6) {
                auto n_pos = std::min<std::size_t>(static_cast<unsigned char>((*v)[5]), v->size() - 6);
                pos = v->substr(6, n_pos);
                pinyin = v->substr(6 + n_pos);
            }
            r.pos.emplace_back(pos.empty() ? "?" : pos);
            if (e - i < 2) continue;
            auto sylls = split_spaces(pinyin);
            if (sylls.size() == e - i)
                for (std::size_t k = i; k < e; ++k)
                    if (sylls[k - i] != "*") r.lex[k] = std::string(sylls[k - i]);
        }
    }

    static void consider(std::vector<float>& best, std::vector<std::size_t>& next, std::size_t i,
                         std::size_t e, float logp) {
        if (logp + best[e] > best[i]) {
            best[i] = logp + best[e];
            next[i] = e;
        }
    }

    std::vector<std::string> features(const Run& r, std::size_t i) const {
        auto ch = [&](long k) -> std::string {
            if (k < 0) return "^";
            if (static_cast<std::size_t>(k) >= r.chars.size()) return "$";
            return std::string(r.text(static_cast<std::size_t>(k), static_cast<std::size_t>(k) + 1));
        };
        auto wpos = [&](long w) -> std::string {
            if (w < 0) return "^";
            if (static_cast<std::size_t>(w) >= r.words.size()) return "$";
            return r.pos[static_cast<std::size_t>(w)];
        };
        auto wtext = [&](long w) -> std::string {
            if (w < 0) return "^";
            if (static_cast<std::size_t>(w) >= r.words.size()) return "$";
            auto [b, e] = r.words[static_cast<std::size_t>(w)];
            return std::string(r.text(b, e));
        };
        const long k = static_cast<long>(i);
        const long w = static_cast<long>(r.word[i]);
        auto [wb, we] = r.words[r.word[i]];
        std::string pos = we - wb == 1 ? "S" : i == wb ? "B" : i + 1 == we ? "E" : "M";
        std::vector<std::string> out = {"bias",
                "W=" + wtext(w),
                "p1=" + ch(k - 1),
                "n1=" + ch(k + 1),
                "p2=" + ch(k - 2) + ch(k - 1),
                "n2=" + ch(k + 1) + ch(k + 2),
                "pn=" + ch(k - 1) + ch(k + 1),
                "pw=" + wtext(w - 1),
                "nw=" + wtext(w + 1),
                "L=" + (r.lex[i].empty() ? std::string("-") : r.lex[i]),
                "pos=" + pos + (r.lex[i].empty() ? "" : "L"),
                "t=" + wpos(w),
                "pt=" + wpos(w - 1) + "_" + wpos(w),
                "nt=" + wpos(w) + "_" + wpos(w + 1)};
        for (auto& a : overlapping_readings(r, i)) out.push_back("A=" + a);
        // At a run's edge p1/p2/pw (or n1/n2/nw) would all say the same
        // thing; keep one so the edge does not count three times.
        auto drop = [&](const std::string& f) { out.erase(std::remove(out.begin(), out.end(), f), out.end()); };
        if (k == 0) drop("p2=^^"), drop("pw=^");
        if (i + 1 == r.chars.size()) drop("n2=$$"), drop("nw=$");
        return out;
    }

    // Readings of character i in every lexicon word that covers it, whether
    // or not segmentation chose that word: evidence from the other paths.
    std::vector<std::string> overlapping_readings(const Run& r, std::size_t i) const {
        std::vector<std::string> out;
        std::string key;
        const std::size_t first = i >= kMaxWord ? i - kMaxWord + 1 : 0;
        for (std::size_t b = first; b <= i; ++b) {
            for (std::size_t e = b + 1; e <= r.chars.size() && e - b <= kMaxWord; ++e) {
                key.assign("W");
                key += r.text(b, e);
                auto v = lexicon.find(key);
                if (!v || v->size() < 6) break;
                auto flags = static_cast<std::uint8_t>((*v)[4]);
                if (e > i && e - b >= 2 && (flags & pronounce::kWordIsWord)) {
                    auto n_pos = std::min<std::size_t>(static_cast<unsigned char>((*v)[5]), v->size() - 6);
                    auto sylls = split_spaces(v->substr(6 + n_pos));
                    if (sylls.size() == e - b && sylls[i - b] != "*") {
                        std::string syl(sylls[i - b]);
                        if (std::find(out.begin(), out.end(), syl) == out.end()) out.push_back(syl);
                    }
                }
                if (!(flags & pronounce::kWordIsPrefix)) break;
            }
        }
        return out;
    }

    // Scores each candidate: global weights for "is the lexicon word's
    // reading" and "is the default", plus the per-character context weights.
    std::string choose(const Run& r, std::size_t i, const std::vector<std::string>& cands) const {
        std::vector<float> score(cands.size(), 0);
        for (std::size_t c = 0; c < cands.size(); ++c) {
            if (cands[c] == r.lex[i]) score[c] += lex_weight;
            if (c == 0) score[c] += default_weight;
        }
        const auto feats = features(r, i);
        for (std::size_t c = 0; c < cands.size(); ++c)
            if (std::find(feats.begin(), feats.end(), "A=" + cands[c]) != feats.end()) score[c] += overlap_weight;
        std::string key = "M";
        key += r.text(i, i + 1);
        key += '\t';
        const auto stem = key.size();
        for (const auto& f : feats) {
            key.resize(stem);
            key += f;
            auto v = model.find(key);
            if (!v) continue;
            std::size_t p = 0;
            while (p < v->size()) {
                auto len = static_cast<unsigned char>((*v)[p]);
                if (p + 1 + len + 4 > v->size()) break;
                auto cls = v->substr(p + 1, len);
                float wgt = read_f32(v->data() + p + 1 + len);
                for (std::size_t c = 0; c < cands.size(); ++c)
                    if (cands[c] == cls) score[c] += wgt;
                p += 1 + len + 4;
            }
        }
        const auto prior = std::find(cands.begin(), cands.end(), r.lex[i]);
        score[prior == cands.end() ? 0 : static_cast<std::size_t>(prior - cands.begin())] += kDefaultMargin;
        auto best = std::max_element(score.begin(), score.end()) - score.begin();
        return cands[static_cast<std::size_t>(best)];
    }

    void read_characters(Run& r) const {
        r.out.assign(r.chars.size(), "");
        for (std::size_t i = 0; i < r.chars.size(); ++i) {
            auto cands = candidates(r.text(i, i + 1));
            if (!r.lex[i].empty() && std::find(cands.begin(), cands.end(), r.lex[i]) == cands.end())
                cands.push_back(r.lex[i]);  // e.g. a tone change the word entry records
            // A character standing alone has no context for the model to use.
            if (cands.size() > 1 && r.chars.size() > 1)
                r.out[i] = choose(r, i, cands);
            else if (!r.lex[i].empty())
                r.out[i] = r.lex[i];
            else if (!cands.empty())
                r.out[i] = cands.front();
        }
    }

    bool single(const Run& r, std::size_t i) const {
        auto [b, e] = r.words[r.word[i]];
        return e - b == 1;
    }

    bool is(const Run& r, long i, std::string_view s) const {
        return i >= 0 && static_cast<std::size_t>(i) < r.chars.size() && r.text(i, i + 1) == s;
    }

    bool starts_with_any(const Run& r, std::size_t i, const char* const* list, std::size_t n) const {
        for (std::size_t k = 0; k < n; ++k) {
            std::string_view w = list[k];
            std::size_t len = text::length_cp(w);
            if (i + len <= r.chars.size() && r.text(i, i + len) == w) return true;
        }
        return false;
    }

    // 一 and 不 change tone before the next syllable; eSpeak NG does not do it.
    void tone_changes(Run& r) const {
        for (std::size_t i = 0; i < r.chars.size(); ++i) {
            bool yi = is(r, i, "一"), bu = is(r, i, "不");
            if (!yi && !bu) continue;
            const long k = static_cast<long>(i);
            const bool a_not_a = k > 0 && i + 1 < r.chars.size() && r.text(i - 1, i) == r.text(i + 1, i + 2);
            const bool in_number = yi && k > 0 && kNumerals.find(std::string(r.text(i - 1, i))) != std::string::npos;
            if (!r.lex[i].empty() && !a_not_a && !in_number) continue;  // lexicon words carry their own
            const bool last = i + 1 == r.chars.size();
            const int next_tone = last ? 0 : tone_of(r.out[i + 1]);
            if (a_not_a) {
                r.out[i] = yi ? "yi5" : "bu5";  // 看一看, 是不是
            } else if (bu) {
                r.out[i] = next_tone == 4 ? "bu2" : "bu4";
            } else {
                auto prev = k > 0 ? std::string(r.text(i - 1, i)) : std::string();
                auto nxt = last ? std::string() : std::string(r.text(i + 1, i + 2));
                bool ordinal = prev == "第" || (!prev.empty() && kNumerals.find(prev) != std::string::npos);
                bool counting = !nxt.empty() && nxt != "十" && nxt != "百" && nxt != "千" && nxt != "万" &&
                                nxt != "亿" && kNumerals.find(nxt) != std::string::npos;
                if (last || ordinal || counting) r.out[i] = "yi1";
                else r.out[i] = next_tone == 4 || next_tone == 5 ? "yi2" : "yi4";
            }
        }
    }

    // Surname readings when the character starts a name: after 姓, or before
    // a title, or starting a clause before a speech verb.
    void surnames(Run& r) const {
        for (std::size_t i = 0; i < r.chars.size(); ++i) {
            const auto w = r.word[i];
            const bool name_word = r.words[w].first == i && r.pos[w] == "nr";  // jieba: person name
            if (!single(r, i) && !name_word) continue;
            for (const auto& s : kSurnames) {
                if (!is(r, static_cast<long>(i), s.ch)) continue;
                bool name = name_word || is(r, static_cast<long>(i) - 1, "姓");
                for (std::size_t g = 1; g <= 3 && !name; ++g)
                    name = starts_with_any(r, i + g, kTitles, std::size(kTitles));
                bool clause_start = i == 0 || is(r, static_cast<long>(i) - 1, "和") ||
                                    is(r, static_cast<long>(i) - 1, "与") || is(r, static_cast<long>(i) - 1, "记者");
                for (std::size_t g = 2; g <= 3 && !name && clause_start; ++g)
                    name = starts_with_any(r, i + g, kSpeechVerbs, std::size(kSpeechVerbs));
                if (name) r.out[i] = s.reading;
            }
        }
    }

    // 地 after an adverbial (慢慢地, 认真地, 预见性地) and before more text is
    // the particle de5; the model rarely sees enough of these to learn it.
    void adverbial_de(Run& r) const {
        for (std::size_t i = 1; i + 1 < r.chars.size(); ++i) {
            if (!is(r, static_cast<long>(i), "地") || !single(r, i)) continue;
            const auto prev = r.word[i] - 1;
            const auto [pb, pe] = r.words[prev];
            const std::string& tag = r.pos[prev];
            const bool doubled = pe - pb == 2 && r.text(pb, pb + 1) == r.text(pb + 1, pe);
            const bool adverbial = !tag.empty() && (tag[0] == 'a' || tag[0] == 'b' || tag[0] == 'd' || tag[0] == 'z' || tag == "i" || tag == "l");
            if ((doubled || adverbial) && pe - pb >= 2) r.out[i] = "de5";
        }
    }

    // A written 儿 after a syllable, not part of a word (女儿, 儿童), is erhua:
    // it becomes "r", joined to the syllable before by speech_runs.
    void erhua(Run& r) const {
        for (std::size_t i = 1; i < r.chars.size(); ++i) {
            if (!is(r, static_cast<long>(i), "儿") || r.out[i - 1].empty()) continue;
            if (r.out[i] == "r5" || r.lex[i] == "r5" || (single(r, i) && r.lex[i].empty())) r.out[i] = "r";
        }
    }

    Run pronounce_run(std::string_view src, std::vector<Char> chars) const {
        Run r;
        r.src = src;
        r.chars = std::move(chars);
        segment(r);
        read_characters(r);
        tone_changes(r);
        adverbial_de(r);
        surnames(r);
        erhua(r);
        return r;
    }

    // Calls fn(run) for each maximal Han run and fn_other(char) otherwise.
    template <typename FnRun, typename FnOther>
    void walk(std::string_view s, FnRun fn_run, FnOther fn_other) const {
        auto chars = lenient_decode(s);
        std::size_t i = 0;
        while (i < chars.size()) {
            if (!text::is_han(chars[i].cp)) {
                fn_other(chars, i);
                continue;
            }
            std::size_t j = i;
            while (j < chars.size() && text::is_han(chars[j].cp)) ++j;
            fn_run(pronounce_run(s, {chars.begin() + static_cast<long>(i), chars.begin() + static_cast<long>(j)}));
            i = j;
        }
    }
};

Pronouncer::Pronouncer(std::unique_ptr<const Impl> impl) : impl_(std::move(impl)) {}
Pronouncer::~Pronouncer() = default;
Pronouncer::Pronouncer(Pronouncer&&) noexcept = default;
Pronouncer& Pronouncer::operator=(Pronouncer&&) noexcept = default;

Pronouncer Pronouncer::load(const std::filesystem::path& data_dir) {
    auto impl = std::make_unique<Impl>();
    impl->lexicon = MappedTable::open(data_dir / "lexicon.bin");
    impl->model = MappedTable::open(data_dir / "polyphone.bin");
    auto g = impl->model.find("G");
    if (!g || g->size() != 8)
        throw std::runtime_error("polyphone model " + (data_dir / "polyphone.bin").string() +
                                 ": missing global weights");
    impl->lex_weight = read_f32(g->data());
    impl->default_weight = read_f32(g->data() + 4);
    if (auto a = impl->model.find("A"); a && a->size() == 8) impl->overlap_weight = read_f32(a->data());
    return Pronouncer(std::move(impl));
}

std::vector<Token> Pronouncer::tokens(std::string_view spoken) const {
    std::vector<Token> out;
    impl_->walk(
        spoken,
        [&](const Impl::Run& r) {
            for (std::size_t k = 0; k < r.chars.size(); ++k)
                out.push_back({std::string(r.text(k, k + 1)), r.out[k], ""});
        },
        [&](const std::vector<Char>& cs, std::size_t& i) {
            std::size_t j = i;
            while (j < cs.size() && (is_latin(cs[j].cp) ||
                                     (j > i && (cs[j].cp == '\'' || cs[j].cp == '-') && j + 1 < cs.size() &&
                                      is_latin(cs[j + 1].cp))))
                ++j;
            if (j > i) {
                out.push_back({std::string(spoken.substr(cs[i].begin, cs[j - 1].end - cs[i].begin)), "", "en"});
                i = j;
            } else {
                out.push_back({std::string(spoken.substr(cs[i].begin, cs[i].end - cs[i].begin)), "", ""});
                ++i;
            }
        });
    return out;
}

std::vector<std::string> Pronouncer::han_pinyin(std::string_view line) const {
    std::vector<std::string> out;
    impl_->walk(
        line,
        [&](const Impl::Run& r) {
            for (const auto& p : r.out) out.push_back(p.empty() ? "?" : p);
        },
        [](const std::vector<Char>&, std::size_t& i) { ++i; });
    return out;
}

std::vector<Pronouncer::PolyphoneCase> Pronouncer::polyphone_cases(std::string_view line) const {
    std::vector<PolyphoneCase> out;
    impl_->walk(
        line,
        [&](const Impl::Run& r) {
            for (std::size_t k = 0; k < r.chars.size(); ++k) {
                auto ch = std::string(r.text(k, k + 1));
                auto cands = impl_->candidates(ch);
                out.push_back({ch, cands, r.lex[k], impl_->features(r, k)});
            }
        },
        [](const std::vector<Char>&, std::size_t& i) { ++i; });
    return out;
}

namespace {

// The ASCII mark eSpeak NG pauses at for a punctuation token, or "" to drop.
std::string pause_mark(std::string_view t) {
    static const std::pair<const char*, const char*> marks[] = {
        {"，", ","}, {"、", ","}, {"；", ","}, {"：", ","}, {",", ","}, {";", ","}, {":", ","},
        {"—", ","},  {"…", ","}, {"～", ","}, {"。", "."}, {".", "."}, {"．", "."}, {"？", "?"},
        {"?", "?"},  {"！", "!"}, {"!", "!"}};
    for (auto& [from, to] : marks)
        if (t == from) return to;
    return "";
}

}  // namespace

std::vector<SpeechRun> speech_runs(const std::vector<Token>& tokens) {
    std::vector<SpeechRun> runs;
    bool last_was_mark = true;
    auto add = [&](const std::string& piece, bool english, bool is_mark) {
        if (is_mark && (runs.empty() || last_was_mark)) return;  // no leading or doubled pauses
        if (!is_mark && (runs.empty() || runs.back().english != english)) runs.push_back({"", english});
        auto& t = runs.back().text;
        if (!t.empty()) t += ' ';
        t += piece;
        last_was_mark = is_mark;
    };
    for (const auto& tok : tokens) {
        if (tok.lang == "en") {
            add(tok.text, true, false);
        } else if (tok.pinyin == "r" && !runs.empty() && !runs.back().english && !last_was_mark) {
            // Erhua: "na3" + "r" → "nar3", the form eSpeak NG reads as one syllable.
            auto& t = runs.back().text;
            char tone = t.back();
            t.back() = 'r';
            t += tone;
        } else if (!tok.pinyin.empty()) {
            add(tok.pinyin == "r" ? "er5" : tok.pinyin, false, false);
        } else {
            auto mark = pause_mark(tok.text);
            if (!mark.empty()) add(mark, false, true);
        }
    }
    return runs;
}

}  // namespace briefing
