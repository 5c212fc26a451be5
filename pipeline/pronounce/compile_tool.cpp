// briefing_pronounce_compile: build-time tool that turns the Debian-packaged
// pronunciation sources into the memory-mapped tables the runtime reads.
//
//   briefing_pronounce_compile lexicon TERRA JIEBA PINYIN_SIMP OVERRIDES OPENCC_T2S OUT
//   briefing_pronounce_compile model MODEL_TSV OUT
//
// Every failure prints one message naming the file and exits non-zero.
#include <opencc/opencc.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <tuple>
#include <string>
#include <unordered_map>
#include <vector>

#include "pronounce/lexicon_format.hpp"
#include "pronounce/table_file.hpp"
#include "text/utf8.hpp"

namespace bp = briefing::pronounce;
namespace bt = briefing::text;

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    std::istringstream in(s);
    while (std::getline(in, cur, sep)) out.push_back(cur);
    return out;
}

std::ifstream open_in(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + ": cannot open");
    return in;
}

class Converter {
public:
    explicit Converter(const std::string& config) : od_(opencc_open(config.c_str())) {
        if (od_ == reinterpret_cast<opencc_t>(-1))
            throw std::runtime_error(config + ": cannot open OpenCC config");
    }
    ~Converter() { opencc_close(od_); }
    std::string operator()(const std::string& s) const {
        char* r = opencc_convert_utf8(od_, s.c_str(), s.size());
        if (!r) throw std::runtime_error("OpenCC conversion failed for " + s);
        std::string out(r);
        opencc_convert_utf8_free(r);
        return out;
    }

private:
    opencc_t od_;
};

bool valid_syllable(const std::string& s) {
    static const std::regex re("[a-z]+[1-5]");
    return std::regex_match(s, re);
}

std::string toneless(const std::string& syl) {
    std::string s = syl;
    while (!s.empty() && std::isdigit(static_cast<unsigned char>(s.back()))) s.pop_back();
    return s;
}

// One source entry of terra_pinyin: readings with their stated share.
struct Readings {
    std::map<std::string, double> share;  // pinyin → percent (100 when unstated)
};

struct Sources {
    std::unordered_map<std::string, Readings> chars;  // simplified char → readings
    std::unordered_map<std::string, Readings> words;  // simplified word → readings
    std::unordered_map<std::string, Readings> trad_chars;  // traditional-only char → readings
    std::unordered_map<std::string, double> freq;     // jieba word frequency
    std::unordered_map<std::string, std::string> pos;  // jieba part-of-speech tag
    double freq_total = 0;
    std::map<std::pair<std::string, std::string>, double> simp_syllable;  // (char, toneless) → weight
    std::unordered_map<std::string, std::pair<double, std::string>> simp_words;  // word → (weight, toneless)
};

void read_terra(const std::string& path, const Converter& t2s, Sources& src) {
    auto in = open_in(path);
    std::string line;
    bool body = false;
    while (std::getline(in, line)) {
        if (!body) {
            body = line == "...";
            continue;
        }
        if (line.empty() || line[0] == '#') continue;
        auto f = split(line, '\t');
        if (f.size() < 2) continue;
        double pct = 100;
        if (f.size() >= 3 && !f[2].empty() && f[2].back() == '%') pct = std::atof(f[2].c_str());
        auto sylls = split(f[1], ' ');
        std::u32string cps;
        try {
            cps = bt::decode(f[0]);
        } catch (const std::exception&) {
            continue;
        }
        if (cps.size() != sylls.size()) continue;
        bool ok = true;
        for (char32_t c : cps) ok = ok && bt::is_han(c);
        for (auto& s : sylls) ok = ok && valid_syllable(s);
        if (!ok) continue;
        std::string simp = t2s(f[0]);
        if (bt::length_cp(simp) != cps.size()) continue;
        auto& table = cps.size() == 1 ? src.chars : src.words;
        table[simp].share[f[1]] += pct;
        // Traditional characters keep their own readings too (text that
        // OpenCC would fold, such as 閤 or 菸, still gets read).
        if (cps.size() == 1 && simp != f[0]) src.trad_chars[f[0]].share[f[1]] += pct;
    }
    if (src.chars.empty()) throw std::runtime_error(path + ": no entries found");
}

void read_jieba(const std::string& path, Sources& src) {
    auto in = open_in(path);
    std::string line;
    while (std::getline(in, line)) {
        auto f = split(line, ' ');
        if (f.size() < 2) continue;
        double n = std::atof(f[1].c_str());
        if (n <= 0) continue;
        src.freq[f[0]] += n;
        if (f.size() >= 3) src.pos[f[0]] = f[2];
        src.freq_total += n;
    }
    if (src.freq.empty()) throw std::runtime_error(path + ": no entries found");
}

void read_pinyin_simp(const std::string& path, Sources& src) {
    auto in = open_in(path);
    std::string line;
    bool body = false;
    while (std::getline(in, line)) {
        if (!body) {
            body = line == "...";
            continue;
        }
        auto f = split(line, '\t');
        if (f.size() < 3) continue;
        double w = std::atof(f[2].c_str());
        auto n = bt::length_cp(f[0]);
        if (n == 1) {
            src.simp_syllable[{f[0], f[1]}] += w;
        } else if (n > 1 && split(f[1], ' ').size() == n) {
            auto& slot = src.simp_words[f[0]];
            if (slot.second.empty() || w > slot.first) slot = {w, f[1]};
        }
    }
    if (src.simp_syllable.empty()) throw std::runtime_error(path + ": no entries found");
}

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (auto& x : v) s += (s.empty() ? "" : " ") + x;
    return s;
}

// How often each reading of a character is used inside words, weighted by
// word frequency: separates tones the toneless mainland list cannot, and
// readings of traditional characters OpenCC folded together (據/据 → 据).
using Usage = std::map<std::pair<std::string, std::string>, double>;  // (char, reading) → weight

Usage reading_usage(const Sources& src) {
    Usage usage;
    for (auto& [w, r] : src.words) {
        auto it = src.freq.find(w);
        double f = 1 + (it == src.freq.end() ? 0 : it->second);
        auto cps = bt::decode(w);
        for (auto& [py, pct] : r.share) {
            auto sylls = split(py, ' ');
            for (std::size_t k = 0; k < cps.size() && k < sylls.size(); ++k)
                usage[{bt::encode(cps.substr(k, 1)), sylls[k]}] += f * std::max(pct, 1.0) / 100;
        }
    }
    return usage;
}

// Mainland default first: rank by the toneless syllable's weight in the
// mainland list, then by terra's stated share, then by use in words.
std::vector<std::string> ranked(const std::string& ch, const Readings& r, const Sources& src, const Usage& usage) {
    std::vector<std::pair<std::tuple<double, double, double>, std::string>> v;
    for (auto& [py, pct] : r.share) {
        auto it = src.simp_syllable.find({ch, toneless(py)});
        double w = it == src.simp_syllable.end() ? 0 : it->second;
        auto ut = usage.find({ch, py});
        v.push_back({{w, pct, ut == usage.end() ? 0 : ut->second}, py});
    }
    std::sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.first > b.first; });
    std::vector<std::string> out;
    for (auto& e : v) out.push_back(e.second);
    return out;
}

// Highest stated share wins; ties (entries with no share) go to the reading
// whose syllables are most often the characters' own defaults.
std::string best_word_reading(const std::string& word, const Readings& r,
                              const std::unordered_map<std::string, std::vector<std::string>>& chars) {
    auto cps = bt::decode(word);
    auto usual = [&](const std::string& py) {
        auto sylls = split(py, ' ');
        int n = 0;
        for (std::size_t k = 0; k < cps.size() && k < sylls.size(); ++k) {
            auto it = chars.find(bt::encode(cps.substr(k, 1)));
            if (it != chars.end() && !it->second.empty() && it->second.front() == sylls[k]) ++n;
        }
        return n;
    };
    std::string best;
    double share = -1;
    int best_usual = -1;
    for (auto& [py, pct] : r.share) {
        int u = usual(py);
        if (pct > share || (pct == share && u > best_usual)) best = py, share = pct, best_usual = u;
    }
    return share > 0 ? best : std::string();
}

// Reading for a word only the frequency list knows, put together from the
// lexicon's words inside it (maximum probability, as at run time). A
// polyphonic character left on its own gets "*": the runtime decides it.
std::string compose(const std::string& word, const std::unordered_map<std::string, std::string>& words,
                    const std::unordered_map<std::string, std::vector<std::string>>& chars,
                    const std::function<double(const std::string&)>& logp) {
    auto cps = bt::decode(word);
    const std::size_t n = cps.size();
    std::vector<double> best(n + 1, 0);
    std::vector<std::size_t> next(n + 1, n);
    for (std::size_t i = n; i-- > 0;) {
        best[i] = -1e300;
        for (std::size_t e = i + 1; e <= n; ++e) {
            auto piece = bt::encode(cps.substr(i, e - i));
            bool known = e == i + 1 ? true : words.count(piece) && !words.at(piece).empty();
            if (!known || (e - i == n)) continue;
            double score = logp(piece) + best[e];
            if (score > best[i]) best[i] = score, next[i] = e;
        }
    }
    std::vector<std::string> sylls;
    for (std::size_t i = 0; i < n; i = next[i]) {
        auto piece = bt::encode(cps.substr(i, next[i] - i));
        if (next[i] - i > 1) {
            for (auto& s : split(words.at(piece), ' ')) sylls.push_back(s);
            continue;
        }
        auto it = chars.find(piece);
        sylls.push_back(it != chars.end() && it->second.size() == 1 ? it->second.front() : "*");
    }
    return join(sylls);
}


std::string word_value(float logp, std::uint8_t flags, const std::string& pos, const std::string& pinyin) {
    std::string v(4, '\0');
    std::memcpy(v.data(), &logp, 4);
    v.push_back(static_cast<char>(flags));
    v.push_back(static_cast<char>(std::min<std::size_t>(pos.size(), 15)));
    return v + pos.substr(0, 15) + pinyin;
}

struct Overrides {
    std::vector<std::pair<std::string, std::string>> entries;  // key, pinyin
    std::map<std::pair<std::string, std::string>, std::string> tone_fixes;  // (char, from) → to
};

// A word reading a character with a tone the character's own entry does not
// list (危險 wei2 where 危 lists only wei1) is a regional variant: use the
// character's listed reading of the same syllable. Neutral tones and the
// 一/不 changes are left alone.
void align_to_characters(std::unordered_map<std::string, std::string>& words,
                         const std::unordered_map<std::string, std::vector<std::string>>& chars) {
    for (auto& [w, py] : words) {
        auto cps = bt::decode(w);
        auto sylls = split(py, ' ');
        if (sylls.size() != cps.size()) continue;
        bool changed = false;
        for (std::size_t k = 0; k < cps.size(); ++k) {
            const auto ch = bt::encode(cps.substr(k, 1));
            auto it = chars.find(ch);
            if (it == chars.end() || sylls[k] == "*" || sylls[k].back() == '5' || ch == "一" || ch == "不") continue;
            const auto& list = it->second;
            if (std::find(list.begin(), list.end(), sylls[k]) != list.end()) continue;
            for (auto& r : list)
                if (toneless(r) == toneless(sylls[k])) {
                    sylls[k] = r, changed = true;
                    break;
                }
        }
        if (changed) py = join(sylls);
    }
}

// Applies the "char<TAB>from>to" corrections to every word and character.
void fix_tones(const Overrides& o, std::unordered_map<std::string, std::string>& words,
               std::unordered_map<std::string, std::vector<std::string>>& chars) {
    for (auto& [w, py] : words) {
        auto cps = bt::decode(w);
        auto sylls = split(py, ' ');
        if (sylls.size() != cps.size()) continue;
        bool changed = false;
        for (std::size_t k = 0; k < cps.size(); ++k) {
            auto it = o.tone_fixes.find({bt::encode(cps.substr(k, 1)), sylls[k]});
            if (it != o.tone_fixes.end()) sylls[k] = it->second, changed = true;
        }
        if (changed) py = join(sylls);
    }
    for (auto& [ch, list] : chars) {
        std::vector<std::string> out;
        for (auto& r : list) {
            auto it = o.tone_fixes.find({ch, r});
            auto fixed = it == o.tone_fixes.end() ? r : it->second;
            if (std::find(out.begin(), out.end(), fixed) == out.end()) out.push_back(fixed);
        }
        list = out;
    }
}

Overrides read_overrides(const std::string& path) {
    auto in = open_in(path);
    Overrides o;
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
        ++n;
        if (line.empty() || line[0] == '#') continue;
        auto f = split(line, '\t');
        if (f.size() == 2 && f[1].find('>') != std::string::npos) {
            auto from = f[1].substr(0, f[1].find('>')), to = f[1].substr(f[1].find('>') + 1);
            if (bt::length_cp(f[0]) != 1 || !valid_syllable(from) || !valid_syllable(to))
                throw std::runtime_error(path + ":" + std::to_string(n) + ": bad tone fix line");
            o.tone_fixes[{f[0], from}] = to;
            continue;
        }
        auto cps = f.empty() ? std::u32string() : bt::decode(f[0]);
        auto sylls = f.size() >= 2 ? split(f[1], ' ') : std::vector<std::string>{};
        bool ok = !cps.empty() && !sylls.empty();
        for (auto& s : sylls) ok = ok && valid_syllable(s);
        if (ok && cps.size() > 1) ok = sylls.size() == cps.size();
        if (!ok) throw std::runtime_error(path + ":" + std::to_string(n) + ": bad override line");
        o.entries.push_back({f[0], f[1]});
    }
    return o;
}

// Mainland check of a word's reading against pinyin_simp (toneless but
// mainland): a syllable that disagrees, or is undecided ("*"), becomes the
// best-ranked reading of that character with the mainland syllable.
std::string mainland(const std::string& word, const std::string& current, const std::string& simp_sylls,
                     const std::unordered_map<std::string, std::vector<std::string>>& chars) {
    auto cps = bt::decode(word);
    auto sylls = current.empty() ? std::vector<std::string>(cps.size(), "*") : split(current, ' ');
    auto simp = split(simp_sylls, ' ');
    if (sylls.size() != cps.size() || simp.size() != cps.size()) return current;
    for (std::size_t k = 0; k < cps.size(); ++k) {
        if (sylls[k] != "*" && toneless(sylls[k]) == simp[k]) continue;
        if (sylls[k] == "r5" && simp[k] == "er") continue;  // erhua written as 儿
        const auto ch = bt::encode(cps.substr(k, 1));
        if (ch == "一" || ch == "不") continue;  // their tone changes are the runtime's rule
        auto it = chars.find(ch);
        if (it == chars.end()) continue;
        for (auto& c : it->second)
            if (toneless(c) == simp[k]) {
                sylls[k] = c;
                break;
            }
    }
    return join(sylls);
}

void compile_lexicon(char** argv) {
    const std::string terra = argv[0], jieba = argv[1], simp = argv[2], over = argv[3];
    Converter t2s(argv[4]);
    Sources src;
    read_terra(terra, t2s, src);
    read_jieba(jieba, src);
    read_pinyin_simp(simp, src);
    auto overrides = read_overrides(over);

    std::unordered_map<std::string, std::vector<std::string>> chars;
    const auto usage = reading_usage(src);
    for (auto& [ch, r] : src.chars) chars[ch] = ranked(ch, r, src, usage);
    for (auto& [ch, r] : src.trad_chars)
        if (!chars.count(ch)) chars[ch] = ranked(t2s(ch), r, src, usage);
    for (auto& [key, py] : overrides.entries)
        if (bt::length_cp(key) == 1) chars[key] = split(py, ' ');
    std::unordered_map<std::string, std::string> words;  // word → pinyin
    for (auto& [w, r] : src.words) {
        auto py = best_word_reading(w, r, chars);
        if (!py.empty()) words[w] = py;
    }
    for (auto& [key, py] : overrides.entries)
        if (bt::length_cp(key) > 1) words[key] = py;

    const double total = src.freq_total;
    auto logp = [&](const std::string& w) {
        auto it = src.freq.find(w);
        double n = it == src.freq.end() ? 1.0 : it->second;
        return static_cast<float>(std::log(n / total));
    };
    // jieba words the lexicon lacks still help segmentation.
    std::vector<std::pair<std::string, std::string>> extra;
    for (auto& [w, n] : src.freq) {
        auto cps = bt::decode(w);
        bool han = cps.size() > 1;
        for (char32_t c : cps) han = han && bt::is_han(c) && chars.count(bt::encode(std::u32string(1, c)));
        if (han && !words.count(w)) extra.push_back({w, compose(w, words, chars, logp)});
    }
    for (auto& [w, py] : extra) words[w] = py;
    for (auto& [w, simp_reading] : src.simp_words) {
        auto cps = bt::decode(w);
        bool han = true;
        for (char32_t c : cps) han = han && bt::is_han(c) && chars.count(bt::encode(std::u32string(1, c)));
        if (!han) continue;
        auto it = words.find(w);
        words[w] = mainland(w, it == words.end() ? std::string() : it->second, simp_reading.second, chars);
    }
    align_to_characters(words, chars);
    fix_tones(overrides, words, chars);
    for (auto& [key, py] : overrides.entries)
        if (bt::length_cp(key) > 1) words[key] = py;
    bp::TableWriter out;
    std::unordered_map<std::string, std::uint8_t> flags;
    for (auto& [w, py] : words) {
        flags[w] |= bp::kWordIsWord;
        auto cps = bt::decode(w);
        for (std::size_t k = 1; k < cps.size(); ++k) flags[bt::encode(cps.substr(0, k))] |= bp::kWordIsPrefix;
    }
    for (auto& [ch, list] : chars) {
        flags[ch] |= bp::kWordIsWord;
        out.put("C" + ch, join(list));
    }
    for (auto& [w, fl] : flags) {
        std::string py;
        if (auto it = words.find(w); it != words.end()) py = it->second;
        if (auto it = chars.find(w); it != chars.end()) py = it->second.front();
        auto pt = src.pos.find(w);
        out.put("W" + w, word_value(logp(w), fl, pt == src.pos.end() ? std::string() : pt->second, py));
    }
    out.put("#meta", "terra_pinyin (rime-data-terra-pinyin, LGPL-3, CC-CEDICT-derived) via OpenCC t2s; "
                     "frequencies from jieba dict.txt (python3-jieba, MIT); ranking from pinyin_simp "
                     "(rime-data-pinyin-simp); overrides.tsv");
    out.write(argv[5]);
}

std::string f32(float f) {
    std::string s(4, '\0');
    std::memcpy(s.data(), &f, 4);
    return s;
}

// Model TSV lines: "char\tfeature\tclass\tweight", "*\tG\tlex_weight\tdefault_weight",
// "*\tA\toverlap_weight\t0".
void compile_model(char** argv) {
    const std::string path = argv[0];
    auto in = open_in(path);
    std::map<std::string, std::string> feats;
    std::map<std::string, std::set<std::string>> classes;
    bp::TableWriter out;
    std::string line;
    int n = 0;
    bool global = false;
    while (std::getline(in, line)) {
        ++n;
        if (line.empty() || line[0] == '#') continue;
        auto f = split(line, '\t');
        if (f.size() != 4) throw std::runtime_error(path + ":" + std::to_string(n) + ": expected 4 fields");
        if (f[0] == "*") {
            // "*\tG\tlex\tdefault" and optionally "*\tA\toverlap\t0".
            out.put(f[1], f32(std::stof(f[2])) + f32(std::stof(f[3])));
            global = global || f[1] == "G";
            continue;
        }
        if (!valid_syllable(f[2]) || f[2].size() > 255)
            throw std::runtime_error(path + ":" + std::to_string(n) + ": bad class " + f[2]);
        auto& v = feats["M" + f[0] + "\t" + f[1]];
        v.push_back(static_cast<char>(f[2].size()));
        v += f[2] + f32(std::stof(f[3]));
        classes[f[0]].insert(f[2]);
    }
    if (!global) throw std::runtime_error(path + ": missing the global '*' line");
    for (auto& [k, v] : feats) out.put(k, v);
    for (auto& [ch, cl] : classes) out.put("K" + ch, join({cl.begin(), cl.end()}));
    out.write(argv[1]);
}

}  // namespace

int main(int argc, char** argv) {
    try {
        std::string mode = argc > 1 ? argv[1] : "";
        if (mode == "lexicon" && argc == 8) {
            compile_lexicon(argv + 2);
        } else if (mode == "model" && argc == 4) {
            compile_model(argv + 2);
        } else {
            std::cerr << "usage: briefing_pronounce_compile lexicon TERRA JIEBA PINYIN_SIMP OVERRIDES OPENCC_T2S OUT\n"
                         "       briefing_pronounce_compile model MODEL_TSV OUT\n";
            return 1;
        }
    } catch (const std::exception& e) {
        std::cerr << "briefing_pronounce_compile: " << e.what() << "\n";
        return 2;
    }
    return 0;
}
