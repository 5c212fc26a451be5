#include "fuzz/fuzz_entries.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string_view>

#include "ingest/ingest.hpp"
#include "normalise/normalise.hpp"
#include "pronounce/pronounce.hpp"
#include "segment/segment.hpp"
#include "text/data_dir.hpp"
#include "text/errors.hpp"
#include "text/utf8.hpp"

namespace briefing::fuzz {

namespace {

std::string_view bytes(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Stages after ingest only ever see valid UTF-8; feed them the same.
bool valid(std::string_view s) { return !text::find_invalid_utf8(s).has_value(); }

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
        std::abort();
    }
}

}  // namespace

void ingest(const std::uint8_t* data, std::size_t size) {
    // ingest reads files: write the bytes to a per-process file, alternating
    // the name so both the plain-text and the Markdown rules are fuzzed.
    static const std::string dir = std::filesystem::temp_directory_path().string();
    const std::string path =
        dir + "/briefing-fuzz-" + std::to_string(::getpid()) + (size % 2 ? ".md" : ".txt");
    {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    try {
        const Article a = briefing::ingest(path);
        check(!a.sections.empty(), "an article has a section");
        for (const auto& s : a.sections) {
            check(!s.paragraphs.empty(), "a section has a paragraph");
            for (const auto& p : s.paragraphs) check(valid(p), "paragraphs are UTF-8");
        }
    } catch (const InputError&) {
    }
}

void segment(const std::uint8_t* data, std::size_t size) {
    const std::string_view s = bytes(data, size);
    if (!valid(s)) return;
    const std::size_t limit = size ? 8 + data[0] % 80 : 60;
    for (const auto& unit : split_sentences(std::string(s), limit)) {
        check(!unit.empty(), "no empty units");
        check(valid(unit), "units are UTF-8");
    }
}

void normalise(const std::uint8_t* data, std::size_t size) {
    static const Normaliser n = Normaliser::load(text::data_dir());
    const std::string out = n(bytes(data, size));
    check(valid(out), "spoken text is UTF-8");
    for (char32_t cp : text::decode(out)) check(!text::is_ascii_digit(cp), "no digits are left");
}

void pronounce(const std::uint8_t* data, std::size_t size) {
    static const Pronouncer p = Pronouncer::load(text::data_dir());
    const std::string_view s = bytes(data, size);
    if (!valid(s)) return;
    std::string joined;
    const auto tokens = p.tokens(s);
    for (const auto& t : tokens) joined += t.text;
    check(joined == s, "token texts concatenate to the input");
    for (const auto& run : speech_runs(tokens)) check(valid(run.text), "speech runs are UTF-8");
    p.han_pinyin(s);
}

Entry entry(const std::string& target) {
    if (target == "ingest") return &ingest;
    if (target == "segment") return &segment;
    if (target == "normalise") return &normalise;
    if (target == "pronounce") return &pronounce;
    return nullptr;
}

}  // namespace briefing::fuzz
