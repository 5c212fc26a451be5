// briefing_polyphone: development tool behind scripts/polyphone_accuracy.sh.
//
//   briefing_polyphone pinyin DATA_DIR          stdin lines → han_pinyin, one line each
//   briefing_polyphone runs DATA_DIR            stdin lines → speech runs
//   briefing_polyphone cases DATA_DIR           stdin lines → what the model sees per character
//   briefing_polyphone train DATA_DIR TSV OUT_MODEL [--exclude-fold K --folds N]
//   briefing_polyphone eval DATA_DIR TSV [--fold K --folds N]
//
// train/eval read the CPP-format TSV (sentence, char index in code points,
// character, pinyin with ü as "u:"). Fold of sentence i is i % N.
#include <fstream>
#include <iostream>
#include <string>

#include "pronounce/polyphone_train.hpp"
#include "pronounce/pronounce.hpp"

int main(int argc, char** argv) {
    try {
        std::string mode = argc > 1 ? argv[1] : "";
        if ((mode == "pinyin" || mode == "runs" || mode == "cases") && argc == 3) {
            auto p = briefing::Pronouncer::load(argv[2]);
            std::string line;
            while (std::getline(std::cin, line)) {
                if (mode == "cases") {
                    for (auto& c : p.polyphone_cases(line)) {
                        std::cout << c.character << " [";
                        for (auto& x : c.candidates) std::cout << " " << x;
                        std::cout << " ] lex=" << c.lexicon_reading;
                        for (auto& f : c.features) std::cout << " " << f;
                        std::cout << "\n";
                    }
                } else if (mode == "pinyin") {
                    std::string out;
                    for (auto& s : p.han_pinyin(line)) out += (out.empty() ? "" : " ") + s;
                    std::cout << out << "\n";
                } else {
                    for (auto& r : briefing::speech_runs(p.tokens(line)))
                        std::cout << (r.english ? "[en] " : "[zh] ") << r.text << "\n";
                }
            }
            return 0;
        }
        return briefing::pronounce::polyphone_main(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "briefing_polyphone: " << e.what() << "\n";
        return 2;
    }
}
