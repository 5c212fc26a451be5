// PLACEHOLDER (to be replaced by the pronounce work): passes Han text through
// unchanged, so eSpeak NG's own single reading per character is used.
#include "pronounce/pronounce.hpp"

#include "text/utf8.hpp"

namespace briefing {

struct Pronouncer::Impl {};

Pronouncer::Pronouncer(std::unique_ptr<const Impl> impl) : impl_(std::move(impl)) {}
Pronouncer::~Pronouncer() = default;
Pronouncer::Pronouncer(Pronouncer&&) noexcept = default;
Pronouncer& Pronouncer::operator=(Pronouncer&&) noexcept = default;

Pronouncer Pronouncer::load(const std::filesystem::path&) {
    return Pronouncer(std::make_unique<const Impl>());
}

std::vector<Token> Pronouncer::tokens(std::string_view spoken) const {
    return {Token{std::string(spoken), "", ""}};
}

std::vector<std::string> Pronouncer::han_pinyin(std::string_view line) const {
    std::vector<std::string> out;
    for (char32_t cp : text::decode(line))
        if (text::is_han(cp)) out.emplace_back("?");
    return out;
}

std::vector<SpeechRun> speech_runs(const std::vector<Token>& tokens) {
    std::string all;
    for (const auto& t : tokens) all += t.text;
    return {SpeechRun{all, false}};
}

}  // namespace briefing
