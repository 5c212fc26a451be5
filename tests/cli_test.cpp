// The briefing binary as a user runs it: exit codes, messages, subcommands.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "run_process.hpp"

using briefing::test::run_briefing;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const char* name) { return briefing::test::fresh_dir("briefing_cli_test", name); }

std::size_t count_lines(const std::string& s) {
    std::size_t n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

}  // namespace

TEST_CASE("usage errors exit 1 with usage text", "[cli]") {
    CHECK(run_briefing({}).code == 1);
    const auto r = run_briefing({"render"});
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("articles"));
    CHECK(run_briefing({"frobnicate"}).code == 1);
    CHECK(run_briefing({"render", "--help"}).code == 0);
}

TEST_CASE("input errors exit 2 naming the file", "[cli]") {
    const auto r = run_briefing({"render", "/nonexistent/a.txt", "-o", fresh_dir("in").string()});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("/nonexistent/a.txt: no such file"));
    CHECK(count_lines(r.err) == 1);
}

TEST_CASE("voice errors exit 3 listing the presets", "[cli]") {
    const auto r = run_briefing({"render", BRIEFING_TEST_INPUTS "/sample_article.txt", "--voice", "nope", "-o",
                                 fresh_dir("voice").string()});
    CHECK(r.code == 3);
    CHECK_THAT(r.err, Catch::Contains("unknown voice preset 'nope'") && Catch::Contains("default"));
}

TEST_CASE("output errors exit 4", "[cli]") {
    const fs::path file = fresh_dir("out") / "a-file";
    std::ofstream(file) << "x";
    const auto r = run_briefing({"render", BRIEFING_TEST_INPUTS "/sample_article.txt", "-o", file.string()});
    CHECK(r.code == 4);
    CHECK_THAT(r.err, Catch::Contains("a-file"));
}

TEST_CASE("render writes the article folder", "[cli][espeak]") {
    const fs::path out = fresh_dir("render");
    const auto r = run_briefing({"render", BRIEFING_TEST_INPUTS "/sample_article.md", "-o", out.string(), "-q"});
    CHECK(r.code == 0);
    CHECK(r.err.empty());
    const fs::path folder = out / "春季农业生产全面展开";
    CHECK(fs::exists(folder / "manifest.json"));
    CHECK(fs::exists(folder / "春季农业生产全面展开.m3u8"));
    CHECK(fs::exists(folder / "01-春季农业生产全面展开.wav"));
    CHECK(fs::exists(folder / "02-南方早稻育秧.wav"));
    CHECK(fs::exists(folder / "03-北方冬小麦返青.wav"));
}

TEST_CASE("voices lists the presets", "[cli]") {
    const auto r = run_briefing({"voices"});
    CHECK(r.code == 0);
    CHECK_THAT(r.out, Catch::Contains("default") && Catch::Contains("female") && Catch::Contains("rate="));
}

TEST_CASE("normalise and pinyin give one line out per line in", "[cli]") {
    const auto n = run_briefing({"normalise"}, "第１行\n\n第３行\n");
    CHECK(n.code == 0);
    CHECK(count_lines(n.out) == 3);
    const auto p = run_briefing({"pinyin"}, "首都\nabc\n北京\n");
    CHECK(p.code == 0);
    CHECK(count_lines(p.out) == 3);
    const auto bad = run_briefing({"pinyin"}, "ok\n\xff\n");
    CHECK(bad.code == 2);
    CHECK_THAT(bad.err, Catch::Contains("line 2"));
}

TEST_CASE("inspect --json shows sections, sentences and tokens", "[cli]") {
    const auto r = run_briefing({"inspect", BRIEFING_TEST_INPUTS "/sample_article.txt", "--json"});
    REQUIRE(r.code == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["sections"].size() == 3);
    CHECK(j["sections"][1]["title"] == "滨江数字产业园");
    CHECK(j["sections"][0]["sentences"][0].contains("tokens"));
    const auto readable = run_briefing({"inspect", BRIEFING_TEST_INPUTS "/sample_article.txt"});
    CHECK(readable.code == 0);
    CHECK_THAT(readable.out, Catch::Contains("## 2. 滨江数字产业园"));
}
