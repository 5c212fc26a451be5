// Engine tests run eSpeak NG; CTest starts each test case in a fresh process,
// so each case owns the process's one engine.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "synth/espeak_engine.hpp"
#include "synth/voice_preset.hpp"
#include "text/data_dir.hpp"
#include "text/errors.hpp"

using namespace briefing;
namespace fs = std::filesystem;

namespace {

fs::path voices() { return text::data_dir() / "voices"; }

fs::path preset_file(const std::string& name, const std::string& body) {
    const fs::path dir = fs::temp_directory_path() / "briefing_synth_test";
    fs::create_directories(dir);
    std::ofstream(dir / name) << body;
    return dir / name;
}

std::string voice_error(const std::string& name_or_path) {
    try {
        load_voice(name_or_path, voices());
    } catch (const VoiceError& e) {
        return e.what();
    }
    return "";
}

double seconds(const std::string& pinyin, EspeakEngine& engine) {
    return static_cast<double>(engine.synthesize({{pinyin, false}}).samples.size()) / engine.sample_rate();
}

}  // namespace

TEST_CASE("sanitise_for_espeak drops controls, bidi, zero-width and private use", "[synth]") {
    CHECK(sanitise_for_espeak("jia4 \x01" "5S ge2") == "jia4 5S ge2");
    CHECK(sanitise_for_espeak("a\u202Eb\u200Bc\uE000d") == "abcd");
    CHECK(sanitise_for_espeak("line\none\ttab") == "line one tab");
    CHECK(sanitise_for_espeak("<speak>&amp;</speak>") == "<speak>&amp;</speak>");
}

TEST_CASE("the shipped presets load and validate", "[synth][voices]") {
    const auto all = list_voices(voices());
    REQUIRE(all.size() >= 2);
    CHECK(load_voice("default", voices()).espeak_voice == "cmn-latn-pinyin");
    CHECK(load_voice("female", voices()).variant == "f2");
}

TEST_CASE("bad presets name the preset, the key and the range", "[synth][voices]") {
    CHECK_THAT(voice_error("nosuchvoice"), Catch::Contains("unknown voice preset 'nosuchvoice'") &&
                                               Catch::Contains("default"));
    CHECK_THAT(voice_error(preset_file("fast.toml", "[espeak]\nrate = 900\n").string()),
               Catch::Contains("fast.toml") && Catch::Contains("espeak.rate = 900 is not in [80, 450]"));
    CHECK_THAT(voice_error(preset_file("typo.toml", "[espeak]\nrat = 100\n").string()),
               Catch::Contains("unknown key espeak.rat"));
    CHECK_THAT(voice_error(preset_file("broken.toml", "[espeak\nrate = 1\n").string()),
               Catch::Contains("broken.toml") && Catch::Contains("malformed TOML at line 1"));
    CHECK_THAT(voice_error(preset_file("type.toml", "[pauses]\nsentence = \"long\"\n").string()),
               Catch::Contains("pauses.sentence must be a whole number"));
    CHECK_THAT(voice_error("/nonexistent/x.toml"), Catch::Contains("no such file"));
}

TEST_CASE("engine starts with the data path and rate it reports", "[synth][espeak]") {
    EspeakEngine engine(load_voice("default", voices()));
    CHECK(engine.sample_rate() == 22050);
    CHECK(engine.version().rfind("1.", 0) == 0);
    CHECK(fs::is_directory(engine.data_path()));
    const SentenceSamples s = engine.synthesize({{"ni3 hao3 .", false}});
    CHECK(s.samples.size() > engine.sample_rate() / 4);
    CHECK(s.words.size() == 2);
}

TEST_CASE("a missing eSpeak voice is an error at start", "[synth][espeak]") {
    VoicePreset p;
    p.espeak_voice = "xx-nonexistent";
    CHECK_THROWS_AS(EspeakEngine(p), VoiceError);
}

TEST_CASE("embedded commands and markup in text change nothing", "[synth][espeak]") {
    EspeakEngine engine(load_voice("default", voices()));
    // U+0001 followed by "5S" would set the speed to 5 in eSpeak NG; once
    // stripped, only the harmless letters remain.
    const double attacked = seconds("jia4 ge2 \x01" "5S shang4 zhang3 \x01" "200S .", engine);
    const double letters = seconds("jia4 ge2 5S shang4 zhang3 200S .", engine);
    CHECK(attacked == Approx(letters).epsilon(0.02));
    const double plain = seconds("jia4 ge2 shang4 zhang3 .", engine);
    // SSML is never interpreted: a 5 s break tag cannot add 5 s of silence.
    const double tagged = seconds("jia4 ge2 <break time=\"5s\"/> shang4 zhang3 .", engine);
    CHECK(tagged < plain + 4.0);
}

TEST_CASE("an English run is spoken with the English voice", "[synth][espeak]") {
    EspeakEngine engine(load_voice("default", voices()));
    const SentenceSamples s = engine.synthesize({{"jin1 tian1", false}, {"G D P", true}, {"zeng1 zhang3", false}});
    CHECK(s.samples.size() > static_cast<std::size_t>(engine.sample_rate()));
    REQUIRE(s.words.size() >= 7);
    CHECK(s.words[2].run == 1);
}
