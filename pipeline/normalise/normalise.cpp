#include "normalise/normalise.hpp"

#include <opencc/Lexicon.hpp>
#include <opencc/MarisaDict.hpp>
#include <opencc/opencc.h>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <vector>

#include "normalise/rules.hpp"
#include "normalise/tables.hpp"
#include "text/utf8.hpp"

namespace briefing {
namespace {

constexpr const char* kOpenccDir = "/usr/share/opencc/";

// Every code point that OpenCC t2s can change: a key's characters where its
// default value differs (all of a key's when the lengths differ). Text with
// none of them comes out of OpenCC unchanged, because every dictionary match
// inside it maps to itself; so it can skip OpenCC, which was a third of the
// normaliser's time (the marisa trie walk) though it changes about one
// sentence in a hundred. Empty when the dictionaries cannot be read: then
// all text goes through OpenCC.
std::vector<bool> changeable_code_points() {
    // Only for Debian's t2s.json, whose two dictionaries are read here.
    std::ifstream config(std::string(kOpenccDir) + "t2s.json");
    const std::string text((std::istreambuf_iterator<char>(config)), std::istreambuf_iterator<char>());
    std::size_t dicts = 0;
    for (std::size_t at = text.find(".ocd2"); at != std::string::npos; at = text.find(".ocd2", at + 1)) ++dicts;
    if (dicts != 3 || text.find("\"TSPhrases.ocd2\"") == std::string::npos ||
        text.find("\"TSCharacters.ocd2\"") == std::string::npos || text.find(".txt") != std::string::npos)
        return {};
    std::vector<bool> changeable(0x110000, false);
    try {
        for (const char* name : {"TSPhrases.ocd2", "TSCharacters.ocd2"}) {
            std::FILE* f = std::fopen((std::string(kOpenccDir) + name).c_str(), "rb");
            if (!f) return {};
            const opencc::MarisaDictPtr dict = opencc::MarisaDict::NewFromFile(f);
            std::fclose(f);
            for (const auto& entry : *dict->GetLexicon()) {
                const std::u32string key = text::decode(entry->Key()), value = text::decode(entry->GetDefault());
                for (std::size_t i = 0; i < key.size(); ++i)
                    if (key.size() != value.size() || key[i] != value[i])
                        if (key[i] < changeable.size()) changeable[key[i]] = true;
            }
        }
    } catch (const std::exception&) {
        return {};
    }
    return changeable;
}

// Owns one OpenCC converter. Converting does not modify it, so one instance
// is shared by every thread using the Normaliser.
class Simplifier {
public:
    Simplifier() {
        // Debian's path first, where changeable_code_points reads the same
        // dictionaries; a bare name is looked up in OpenCC's own data
        // directory, for builds configured elsewhere (no fast path then).
        handle_ = opencc_open((std::string(kOpenccDir) + "t2s.json").c_str());
        if (handle_ != reinterpret_cast<opencc_t>(-1)) changeable_ = changeable_code_points();
        if (handle_ == reinterpret_cast<opencc_t>(-1)) handle_ = opencc_open("t2s.json");
        if (handle_ == reinterpret_cast<opencc_t>(-1))
            throw std::runtime_error(std::string("OpenCC: cannot open t2s.json: ") + opencc_error());
    }
    ~Simplifier() { opencc_close(handle_); }
    Simplifier(const Simplifier&) = delete;
    Simplifier& operator=(const Simplifier&) = delete;

    std::string operator()(const std::string& s) const {
        if (!may_change(s)) return s;
        char* converted = opencc_convert_utf8(handle_, s.data(), s.size());
        if (converted == nullptr)
            throw std::runtime_error(std::string("OpenCC conversion failed: ") + opencc_error());
        std::string out(converted);
        opencc_convert_utf8_free(converted);
        return out;
    }

private:
    // False only when OpenCC would return `s` unchanged.
    bool may_change(const std::string& s) const {
        // Only text with characters from U+3000 up can change.
        bool cjk = false;
        for (unsigned char c : s)
            if (c >= 0xE3) {
                cjk = true;
                break;
            }
        if (!cjk) return false;
        if (changeable_.empty()) return true;
        for (char32_t cp : text::decode(s))
            if (cp >= changeable_.size() || changeable_[cp]) return true;
        return false;
    }

    opencc_t handle_;
    std::vector<bool> changeable_;  // indexed by code point; empty: no fast path
};

}  // namespace

struct Normaliser::Tables {
    normalise_detail::Tables tables;
    Simplifier simplify;
};

Normaliser::Normaliser(std::unique_ptr<const Tables> tables) : tables_(std::move(tables)) {}
Normaliser::~Normaliser() = default;
Normaliser::Normaliser(Normaliser&&) noexcept = default;
Normaliser& Normaliser::operator=(Normaliser&&) noexcept = default;

Normaliser Normaliser::load(const std::filesystem::path& data_dir) {
    auto t = std::make_unique<Tables>();
    t->tables = normalise_detail::load_tables(data_dir);
    return Normaliser(std::move(t));
}

std::vector<std::string> Normaliser::rule_names() {
    std::vector<std::string> names = {"forms"};
    for (const auto& r : normalise_detail::ordered_rules()) names.emplace_back(r.name);
    return names;
}

std::string Normaliser::apply_rule(std::string_view name, std::string_view text) const {
    if (name == "forms") return tables_->simplify(normalise_detail::fold_width(tables_->tables, text));
    for (const auto& r : normalise_detail::ordered_rules())
        if (name == r.name) return r.apply(tables_->tables, std::string(text));
    throw std::invalid_argument("unknown normalise rule \"" + std::string(name) + "\"");
}

// Forms first, so that every rule sees ASCII digits and simplified text.
std::string Normaliser::operator()(std::string_view written) const {
    std::string s = tables_->simplify(normalise_detail::fold_width(tables_->tables, written));
    for (const auto& r : normalise_detail::ordered_rules()) s = r.apply(tables_->tables, s);
    return s;
}

}  // namespace briefing
