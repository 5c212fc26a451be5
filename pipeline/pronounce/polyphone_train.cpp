#include "pronounce/polyphone_train.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "pronounce/pronounce.hpp"
#include "text/utf8.hpp"

namespace briefing::pronounce {

namespace {

struct Sentence {
    std::string text;
    std::size_t han_index = 0;  // which Han character is annotated
    std::string character;
    std::string gold;  // as sent to eSpeak: ü written v
};

// CPP rows: sentence, code-point index, character, pinyin ("u:" for ü).
std::vector<Sentence> read_tsv(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path + ": cannot open");
    std::vector<Sentence> out;
    std::string line;
    std::size_t n = 0;
    while (std::getline(in, line)) {
        ++n;
        std::vector<std::string> f;
        std::istringstream ls(line);
        for (std::string x; std::getline(ls, x, '\t');) f.push_back(x);
        if (f.size() != 4) throw std::runtime_error(path + ":" + std::to_string(n) + ": expected 4 columns");
        auto cps = text::decode(f[0]);
        auto idx = static_cast<std::size_t>(std::stoul(f[1]));
        if (idx >= cps.size() || text::encode(cps.substr(idx, 1)) != f[2] || !text::is_han(cps[idx]))
            throw std::runtime_error(path + ":" + std::to_string(n) + ": index does not point at the character");
        Sentence s{f[0], 0, f[2], f[3]};
        for (std::size_t k = 0; k < idx; ++k) s.han_index += text::is_han(cps[k]) ? 1 : 0;
        for (auto p = s.gold.find("u:"); p != std::string::npos; p = s.gold.find("u:")) s.gold.replace(p, 2, "v");
        out.push_back(std::move(s));
    }
    return out;
}

struct Example {
    std::string character;
    std::vector<std::string> candidates;  // default first
    std::string lex;
    std::vector<std::string> features;
    std::string gold;
};

// Averaged perceptron (Collins 2002) with lazy averaging via timestamps.
class Perceptron {
public:
    void train(const std::vector<Example>& data, int epochs) {
        std::vector<std::size_t> order(data.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::mt19937 rng(20201024);
        for (int e = 0; e < epochs; ++e) {
            std::shuffle(order.begin(), order.end(), rng);
            for (auto i : order) step(data[i]);
        }
        finish();
    }

    void write(const std::string& path, const std::string& source) const {
        std::ofstream out(path);
        out << "# Briefing polyphone model: averaged perceptron, trained by briefing_polyphone train\n"
            << "# from " << source << "\n"
            << "# (kakaobrain/g2pM CPP data set, Apache-2.0). Lines: char, feature, class, weight;\n"
            << "# the '*' line holds the global lexicon-reading and default-reading weights.\n";
        out << std::setprecision(5);
        out << "*\tG\t" << avg_global_[0] << "\t" << avg_global_[1] << "\n";
        out << "*\tA\t" << avg_global_[2] << "\t0\n";
        for (auto& [key, classes] : avg_)
            for (auto& [cls, w] : classes)
                if (w != 0 || key.second == "bias") out << key.first << "\t" << key.second << "\t" << cls << "\t" << w << "\n";
        if (!out) throw std::runtime_error(path + ": cannot write");
    }

    // Records a class for a character so the runtime offers it, weight 0.
    void know(const std::string& character, const std::string& cls) { weights_[{character, "bias"}][cls]; }

private:
    using Key = std::pair<std::string, std::string>;  // char, feature
    struct Acc {
        double w = 0, total = 0;
        long stamp = 0;
    };
    std::map<Key, std::map<std::string, Acc>> weights_;
    std::map<Key, std::map<std::string, double>> avg_;
    Acc global_[3];
    double avg_global_[3] = {0, 0, 0};
    long t_ = 0;

    static bool in_alts(const Example& ex, const std::string& cls) {
        return std::find(ex.features.begin(), ex.features.end(), "A=" + cls) != ex.features.end();
    }

    double score(const Example& ex, const std::string& cls) {
        double s = (cls == ex.lex ? global_[0].w : 0) + (cls == ex.candidates[0] ? global_[1].w : 0) +
                   (in_alts(ex, cls) ? global_[2].w : 0);
        for (auto& f : ex.features) {
            auto it = weights_.find({ex.character, f});
            if (it == weights_.end()) continue;
            auto jt = it->second.find(cls);
            if (jt != it->second.end()) s += jt->second.w;
        }
        return s;
    }

    void bump(Acc& a, double delta) {
        a.total += a.w * static_cast<double>(t_ - a.stamp);
        a.stamp = t_;
        a.w += delta;
    }

    void step(const Example& ex) {
        ++t_;
        std::string pred = ex.candidates[0];
        double best = -1e300;
        for (auto& c : ex.candidates) {
            double s = score(ex, c);
            if (s > best) best = s, pred = c;
        }
        // Make sure every class seen gets a bias entry, so the runtime knows it.
        weights_[{ex.character, "bias"}][ex.gold];
        if (pred == ex.gold) return;
        bump(global_[0], (ex.gold == ex.lex) - (pred == ex.lex));
        bump(global_[1], (ex.gold == ex.candidates[0]) - (pred == ex.candidates[0]));
        bump(global_[2], in_alts(ex, ex.gold) - in_alts(ex, pred));
        for (auto& f : ex.features) {
            bump(weights_[{ex.character, f}][ex.gold], 1);
            bump(weights_[{ex.character, f}][pred], -1);
        }
    }

    void finish() {
        auto avg = [&](Acc a) {
            a.total += a.w * static_cast<double>(t_ - a.stamp);
            return t_ > 0 ? a.total / static_cast<double>(t_) : 0.0;
        };
        for (auto& [key, classes] : weights_)
            for (auto& [cls, acc] : classes) avg_[key][cls] = avg(acc);
        for (int k = 0; k < 3; ++k) avg_global_[k] = avg(global_[k]);
    }
};

void prune_rare(std::vector<Example>& data, int min_count) {
    std::map<std::pair<std::string, std::string>, int> count;
    for (auto& ex : data)
        for (auto& f : ex.features) ++count[{ex.character, f}];
    for (auto& ex : data)
        ex.features.erase(std::remove_if(ex.features.begin(), ex.features.end(),
                                         [&](const std::string& f) {
                                             return f != "bias" && count[{ex.character, f}] < min_count;
                                         }),
                          ex.features.end());
}

struct FoldArgs {
    int fold = -1, folds = 1;
    bool exclude = false;
};

FoldArgs parse_folds(int argc, char** argv, int from) {
    FoldArgs a;
    for (int i = from; i + 1 < argc; i += 2) {
        std::string k = argv[i];
        if (k == "--exclude-fold") a.fold = std::stoi(argv[i + 1]), a.exclude = true;
        else if (k == "--fold") a.fold = std::stoi(argv[i + 1]);
        else if (k == "--folds") a.folds = std::stoi(argv[i + 1]);
        else throw std::runtime_error("unknown option " + k);
    }
    if (a.folds < 1) throw std::runtime_error("--folds must be at least 1");
    return a;
}

bool in_use(std::size_t i, const FoldArgs& a) {
    if (a.fold < 0) return true;
    bool in_fold = static_cast<int>(i % static_cast<std::size_t>(a.folds)) == a.fold;
    return a.exclude ? !in_fold : in_fold;
}

int train(int argc, char** argv) {
    if (argc < 5) throw std::runtime_error("usage: train DATA_DIR TSV OUT_MODEL [--exclude-fold K --folds N]");
    auto p = Pronouncer::load(argv[2]);
    auto rows = read_tsv(argv[3]);
    auto folds = parse_folds(argc, argv, 5);
    std::vector<Example> data;
    Perceptron model;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (!in_use(i, folds)) continue;
        auto cases = p.polyphone_cases(rows[i].text);
        if (rows[i].han_index >= cases.size()) continue;
        auto& c = cases[rows[i].han_index];
        Example ex{c.character, c.candidates, c.lexicon_reading, c.features, rows[i].gold};
        for (auto* extra : {&ex.lex, &ex.gold})
            if (!extra->empty() && std::find(ex.candidates.begin(), ex.candidates.end(), *extra) == ex.candidates.end())
                ex.candidates.push_back(*extra);
        if (ex.candidates.size() > 1) data.push_back(std::move(ex));
        else model.know(ex.character, ex.gold);  // a reading the lexicon lacks
    }
    // Experiment knobs (defaults are what the committed model used).
    const char* ep = std::getenv("POLYPHONE_EPOCHS");
    const char* drop = std::getenv("POLYPHONE_DROP");
    if (drop)
        for (auto& ex : data)
            ex.features.erase(std::remove_if(ex.features.begin(), ex.features.end(),
                                             [&](const std::string& f) {
                                                 auto key = "," + f.substr(0, f.find('=')) + ",";
                                                 return std::string(",") .append(drop).append(",").find(key) != std::string::npos;
                                             }),
                              ex.features.end());
    // Features seen only once for a character are noise at this data size.
    const char* mc = std::getenv("POLYPHONE_MIN_COUNT");
    prune_rare(data, mc ? std::atoi(mc) : 1);
    model.train(data, ep ? std::atoi(ep) : 8);
    std::string source = std::string(argv[3]).substr(std::string(argv[3]).find_last_of('/') + 1);
    if (folds.fold >= 0)
        source += " without fold " + std::to_string(folds.fold) + " of " + std::to_string(folds.folds);
    model.write(argv[4], source);
    std::cerr << "trained on " << data.size() << " sentences\n";
    return 0;
}

// Runs the real code path (Pronouncer::han_pinyin) on the held-out rows and
// prints "correct total".
int eval(int argc, char** argv) {
    if (argc < 4) throw std::runtime_error("usage: eval DATA_DIR TSV [--fold K --folds N]");
    auto p = Pronouncer::load(argv[2]);
    auto rows = read_tsv(argv[3]);
    auto folds = parse_folds(argc, argv, 4);
    std::size_t correct = 0, total = 0;
    bool verbose = std::getenv("POLYPHONE_VERBOSE") != nullptr;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        if (!in_use(i, folds)) continue;
        auto got = p.han_pinyin(rows[i].text);
        ++total;
        std::string answer = rows[i].han_index < got.size() ? got[rows[i].han_index] : "?";
        if (answer == rows[i].gold) ++correct;
        else if (verbose) {
            auto cases = p.polyphone_cases(rows[i].text);
            auto lex = rows[i].han_index < cases.size() ? cases[rows[i].han_index].lexicon_reading : "";
            auto word = rows[i].han_index < cases.size() ? cases[rows[i].han_index].features[1] : "";
            std::cerr << rows[i].character << "\t" << rows[i].gold << "\t" << answer << "\t" << (lex.empty() ? "-" : lex)
                      << "\t" << word << "\t" << rows[i].text << "\n";
        }
    }
    std::cout << correct << " " << total << "\n";
    return 0;
}

}  // namespace

int polyphone_main(int argc, char** argv) {
    std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "train") return train(argc, argv);
    if (mode == "eval") return eval(argc, argv);
    std::cerr << "usage: briefing_polyphone pinyin|runs DATA_DIR  |  train DATA_DIR TSV OUT [--exclude-fold K "
                 "--folds N]  |  eval DATA_DIR TSV [--fold K --folds N]\n";
    return 1;
}

}  // namespace briefing::pronounce
