// End to end through the library: render a small article of our own and
// check the files against the manifest.
#include <catch2/catch.hpp>

#include <sndfile.h>

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "render/render.hpp"
#include "riff_reader.hpp"
#include "run_process.hpp"
#include "text/data_dir.hpp"
#include "text/errors.hpp"

using namespace briefing;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path fresh_dir(const char* name) { return test::fresh_dir("briefing_render_test", name); }

struct Wav {
    int rate = 0;
    sf_count_t frames = 0;
    std::string title;
};

Wav read_wav(const fs::path& p) {
    SF_INFO info{};
    SNDFILE* f = sf_open(p.c_str(), SFM_READ, &info);
    REQUIRE(f);
    Wav w{info.samplerate, info.frames, sf_get_string(f, SF_STR_TITLE) ? sf_get_string(f, SF_STR_TITLE) : ""};
    sf_close(f);
    return w;
}

json read_json(const fs::path& p) { return json::parse(test::slurp(p.string())); }

struct Fixture {
    VoicePreset voice = load_voice("default", text::data_dir() / "voices");
    Normaliser normaliser = Normaliser::load(text::data_dir());
    Pronouncer pronouncer = Pronouncer::load(text::data_dir());
};

}  // namespace

TEST_CASE("render writes section WAVs, playlist and manifest that agree", "[render][espeak]") {
    Fixture fx;
    EspeakEngine engine(fx.voice);
    RenderOptions options;
    options.output_root = fresh_dir("e2e");
    const RenderResult r = render_article(BRIEFING_TEST_INPUTS "/sample_article.txt", options, fx.voice, engine,
                                          {fx.normaliser, fx.pronouncer});
    const json m = read_json(r.folder / "manifest.json");
    CHECK(m == r.manifest);
    CHECK(m["article"]["title"] == "杭州举办数字经济博览会，2个新园区同日开放");
    CHECK(m["article"]["sha256"].get<std::string>().size() == 64);
    CHECK(m["voice"]["name"] == "default");
    CHECK(m["engine"]["sample_rate"] == 22050);
    REQUIRE(m["sections"].size() == 3);

    const std::string playlist = test::slurp((r.folder / m["playlist"].get<std::string>()).string());
    CHECK(playlist.rfind("#EXTM3U\n", 0) == 0);
    std::int64_t total_ms = 0;
    for (const auto& s : m["sections"]) {
        const std::string file = s["file"];
        INFO(file);
        const Wav w = read_wav(r.folder / file);
        CHECK(w.rate == 22050);
        CHECK(static_cast<std::uint64_t>(w.frames) == s["samples"].get<std::uint64_t>());
        CHECK(std::llabs(w.frames * 1000 / w.rate - s["duration_ms"].get<std::int64_t>()) <= 1);
        CHECK(w.title == s["title"]);
        CHECK(playlist.find("," + s["title"].get<std::string>() + "\n" + file + "\n") != std::string::npos);
        std::int64_t last_end = 0;
        for (const auto& sentence : s["sentences"]) {
            CHECK(sentence["start_ms"].get<std::int64_t>() >= last_end);
            CHECK(sentence["end_ms"].get<std::int64_t>() > sentence["start_ms"].get<std::int64_t>());
            last_end = sentence["end_ms"];
        }
        CHECK(last_end <= s["duration_ms"].get<std::int64_t>());
        // One chapter point per paragraph, at its first sentence.
        const test::Riff riff = test::read_riff((r.folder / file).string());
        CHECK(riff.declared_size + 8 == riff.file_size);
        total_ms += s["duration_ms"].get<std::int64_t>();
    }
    CHECK(std::llabs(total_ms - m["duration_ms"].get<std::int64_t>()) <= 3);
    // Captions and credits are never spoken.
    const std::string dump = m.dump();
    CHECK(dump.find("资料图") == std::string::npos);
    CHECK(dump.find("照片由") == std::string::npos);
    CHECK(m["sections"][0]["sentences"][0]["paragraph"] == 0);  // the headline first
}

TEST_CASE("a failed re-render leaves the previous output intact", "[render][espeak]") {
    Fixture fx;
    EspeakEngine engine(fx.voice);
    RenderOptions options;
    options.output_root = fresh_dir("keep");
    const RenderResult first = render_article(BRIEFING_TEST_INPUTS "/sample_article.txt", options, fx.voice, engine,
                                              {fx.normaliser, fx.pronouncer});
    const std::string before = test::slurp((first.folder / "manifest.json").string());

    // An interruption mid-render must not touch the previous folder.
    EspeakEngine::cancel_signal().store(15);
    CHECK_THROWS_AS(render_article(BRIEFING_TEST_INPUTS "/sample_article.txt", options, fx.voice, engine,
                                   {fx.normaliser, fx.pronouncer}),
                    Interrupted);
    EspeakEngine::cancel_signal().store(0);
    CHECK(test::slurp((first.folder / "manifest.json").string()) == before);
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(options.output_root)) ++entries;
    CHECK(entries == 1);  // no staging folder left behind

    // A successful re-render replaces it whole.
    const RenderResult second = render_article(BRIEFING_TEST_INPUTS "/sample_article.txt", options, fx.voice,
                                               engine, {fx.normaliser, fx.pronouncer});
    CHECK(second.folder == first.folder);
    CHECK(fs::exists(second.folder / "manifest.json"));
}

TEST_CASE("inspect: token texts concatenate to the spoken text", "[render]") {
    Fixture fx;
    const json j = inspect_article(ingest(BRIEFING_TEST_INPUTS "/sample_article.md"), {}, {fx.normaliser, fx.pronouncer});
    CHECK(j["title"] == "春季农业生产全面展开");
    REQUIRE(j["sections"].size() == 3);
    for (const auto& s : j["sections"])
        for (const auto& sentence : s["sentences"]) {
            std::string joined;
            for (const auto& t : sentence["tokens"]) joined += t["text"].get<std::string>();
            CHECK(joined == sentence["spoken"]);
        }
}

TEST_CASE("render measures the loudness while synthesising: what it measured is what it wrote", "[render][espeak]") {
    Fixture fx;
    // A low target keeps the limiter out, so the written audio is the
    // synthesised audio times the one gain, and measured + gain = output
    // (to int16 rounding): the meter heard what was written.
    fx.voice.loudness_lufs = -30;
    EspeakEngine engine(fx.voice);
    // Had the meter missed any audio, render would say so and measure the
    // files instead, and the check below would pass all the same.
    std::ostringstream log;
    const auto previous = spdlog::default_logger();
    spdlog::set_default_logger(
        std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log)));
    for (int threads : {1, 2}) {
        INFO("threads " << threads);
        RenderOptions options;
        options.output_root = fresh_dir(threads == 1 ? "timeline1" : "timeline2");
        options.threads = threads;
        const RenderResult r = render_article(BRIEFING_TEST_INPUTS "/sample_article.txt", options, fx.voice, engine,
                                              {fx.normaliser, fx.pronouncer});
        const json& loudness = r.manifest["loudness"];
        INFO(loudness.dump());
        CHECK_FALSE(loudness["limiter"].get<bool>());
        CHECK(std::abs(loudness["measured_lufs"].get<double>() + loudness["gain_db"].get<double>() -
                       loudness["output_lufs"].get<double>()) <= 0.02);
    }
    spdlog::set_default_logger(previous);
    CHECK(log.str().find("measuring the files instead") == std::string::npos);
}
