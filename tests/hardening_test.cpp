// Bad and odd input, as the binary meets it: every refusal is one clear line
// naming the file, with the right exit code, no partial output, and an
// earlier good output of the same article left intact.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "run_process.hpp"

using briefing::test::run_briefing;
using briefing::test::slurp;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) { return briefing::test::fresh_dir("briefing_hardening_test", name); }

fs::path write_file(const fs::path& p, const std::string& bytes) {
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
}

std::size_t lines(const std::string& s) { return static_cast<std::size_t>(std::count(s.begin(), s.end(), '\n')); }

// Everything in `out` except the lock file and the cache.
std::vector<std::string> listing(const fs::path& out) {
    std::vector<std::string> names;
    if (!fs::exists(out)) return names;
    for (const auto& e : fs::recursive_directory_iterator(out)) {
        const std::string rel = e.path().lexically_relative(out).generic_string();
        if (rel.rfind(".briefing", 0) == 0 || rel.rfind(".cache", 0) == 0) continue;
        names.push_back(rel);
    }
    std::sort(names.begin(), names.end());
    return names;
}

const std::string kTitle = "河道治理取得进展";
const std::string kGood = kTitle + "\n今年全市完成了多条河道的清淤工作。沿岸居民表示环境明显改善。\n";

struct BadInput {
    const char* name;
    std::string bytes;
    const char* message;  // part of the expected error line
};

}  // namespace

TEST_CASE("bad input files are refused clearly and nothing is written", "[hardening]") {
    const BadInput cases[] = {
        {"empty", "", "nothing to read"},
        {"whitespace", " \n\t\n\u3000\n", "nothing to read"},
        {"punctuation", "！！！\n。。。……\n", "nothing to read"},
        {"emoji", "😀😀\n🎉\n", "nothing to read"},
        {"stray byte", "标题\n正文\x80正文。\n", "not valid UTF-8 at byte offset 13 (line 2)"},
        {"truncated", "标题\n正文\xe6\xad", "not valid UTF-8 at byte offset 13 (line 2)"},
        {"overlong", "标题\n\xc0\xaf正文。\n", "not valid UTF-8 at byte offset 7 (line 2)"},
        {"nul bytes", std::string("标题\n正\0文。\n", 14), "binary"},
        {"png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10", 20), "binary"},
        {"utf32", std::string("\xFF\xFE\0\0h\0\0\0", 8), "UTF-32"},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        const fs::path dir = fresh_dir(std::string("bad-") + c.name);
        const fs::path file = write_file(dir / "article.txt", c.bytes);
        const auto r = run_briefing({"render", file.string(), "-o", (dir / "out").string()});
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains(file.string()) && Catch::Contains(c.message));
        CHECK(lines(r.err) == 1);
        CHECK(listing(dir / "out").empty());
    }
}

TEST_CASE("missing files, folders and over-large files are refused", "[hardening]") {
    const fs::path dir = fresh_dir("paths");
    auto r = run_briefing({"render", (dir / "nope.txt").string(), "-o", (dir / "out").string()});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("nope.txt: no such file"));
    r = run_briefing({"render", dir.string(), "-o", (dir / "out").string()});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("is a directory"));
    std::string big = kTitle + "\n";
    while (big.size() < (2u << 20)) big += "这是一段很长的正文内容。";
    const fs::path large = write_file(dir / "large.txt", big);
    r = run_briefing({"render", large.string(), "-o", (dir / "out").string(), "--max-input-mb", "1"});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("over the 1 MiB limit"));
    const fs::path locked = write_file(dir / "locked.txt", kGood);
    fs::permissions(locked, fs::perms::none);
    if (::geteuid() != 0) {  // root reads any file, so this case needs an ordinary user
        r = run_briefing({"render", locked.string(), "-o", (dir / "out").string()});
        CHECK(r.code == 2);
        CHECK_THAT(r.err, Catch::Contains("permissions"));
    } else {
        WARN("running as root: the unreadable-file case cannot be produced");
    }
    CHECK(listing(dir / "out").empty());
}

TEST_CASE("a failed re-render leaves the earlier good output intact", "[hardening][espeak]") {
    const fs::path dir = fresh_dir("keep");
    const fs::path file = write_file(dir / "article.txt", kGood);
    const fs::path out = dir / "out";
    REQUIRE(run_briefing({"render", file.string(), "-o", out.string(), "-q"}).code == 0);
    const auto before = listing(out);
    const std::string manifest = slurp((out / kTitle / "manifest.json").string());
    // The same article, now damaged.
    write_file(file, kTitle + "\n今年全市\xff完成了工作。\n");
    auto r = run_briefing({"render", file.string(), "-o", out.string()});
    CHECK(r.code == 2);
    // The same article, now with a disk that fills up half-way.
    write_file(file, kGood + "新增段落。\n");
    r = run_briefing({"render", file.string(), "-o", out.string(), "--no-cache"}, "", 200000);
    CHECK(r.code == 4);
    CHECK(lines(r.err) >= 1);
    // A bad preset.
    r = run_briefing({"render", file.string(), "-o", out.string(), "--voice", "nosuch"});
    CHECK(r.code == 3);
    CHECK(listing(out) == before);
    CHECK(slurp((out / kTitle / "manifest.json").string()) == manifest);
}

TEST_CASE("unusable presets name the preset, the key and the range", "[hardening]") {
    const fs::path dir = fresh_dir("presets");
    const fs::path file = write_file(dir / "article.txt", kGood);
    struct Case {
        const char* name;
        const char* toml;
        const char* message;
    };
    const Case cases[] = {
        {"slow.toml", "[espeak]\nrate = 5\n", "espeak.rate = 5 is not in [80, 450]"},
        {"pitch.toml", "[espeak]\npitch = 300\n", "espeak.pitch = 300 is not in [0, 99]"},
        {"broken.toml", "[espeak]\nrate = \n", "malformed TOML at line 2"},
        {"typo.toml", "[pauses]\nsentance = 100\n", "unknown key pauses.sentance"},
        {"voice.toml", "[espeak]\nvoice = \"../../etc\"\n", "espeak.voice must be an eSpeak NG voice name"},
        {"novoice.toml", "[espeak]\nvoice = \"xx-none\"\n", "'xx-none' is not available"},
    };
    for (const auto& c : cases) {
        INFO(c.name);
        const fs::path preset = write_file(dir / c.name, c.toml);
        const auto r = run_briefing({"render", file.string(), "-o", (dir / "out").string(), "--voice", preset.string()});
        CHECK(r.code == 3);
        CHECK_THAT(r.err, Catch::Contains(c.message));
        CHECK(lines(r.err) == 1);
    }
    CHECK(listing(dir / "out").empty());
}

TEST_CASE("missing eSpeak NG data is reported at start, before any output", "[hardening]") {
    const fs::path dir = fresh_dir("nodata");
    const fs::path file = write_file(dir / "article.txt", kGood);
    ::setenv("BRIEFING_ESPEAK_DATA", (dir / "no-espeak-data").c_str(), 1);
    const auto r = run_briefing({"render", file.string(), "-o", (dir / "out").string()});
    ::unsetenv("BRIEFING_ESPEAK_DATA");
    CHECK(r.code == 3);
    CHECK_THAT(r.err, Catch::Contains("eSpeak NG data not found"));
    CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("hostile titles become safe names inside the output folder", "[hardening][espeak]") {
    const char* titles[] = {"../../etc/passwd", "/", "CON", "....", "a/b\\c:d*e?f\"g<h>i|j"};
    for (const char* title : titles) {
        INFO(title);
        const fs::path dir = fresh_dir("title");
        const fs::path file = write_file(dir / "article.txt", std::string(title) + "\n正文一句。\n");
        const auto r = run_briefing({"render", file.string(), "-o", (dir / "out").string(), "-q"});
        REQUIRE(r.code == 0);
        for (const auto& e : fs::directory_iterator(dir))
            CHECK((e.path().filename() == "out" || e.path().filename() == "article.txt"));
        for (const auto& name : listing(dir / "out")) {
            CHECK(name.find("..") == std::string::npos);
            CHECK(name.find('\\') == std::string::npos);
        }
    }
    std::string long_title;
    for (int i = 0; i < 500; ++i) long_title += "长";
    const fs::path dir = fresh_dir("long");
    const fs::path file = write_file(dir / "article.txt", long_title + "\n正文一句。\n");
    REQUIRE(run_briefing({"render", file.string(), "-o", (dir / "out").string(), "-q"}).code == 0);
    for (const auto& e : fs::recursive_directory_iterator(dir / "out"))
        CHECK(e.path().filename().string().size() <= 255);
}

TEST_CASE("odd but real text is read sensibly", "[hardening]") {
    const fs::path dir = fresh_dir("odd");
    // Controls, zero-width, bidi and private-use characters never reach eSpeak NG.
    const fs::path odd = write_file(dir / "odd.txt", std::string("标题\n") + "价格\x01" "5S上涨\u200B了\u202E百分之\uE000五。\n");
    auto r = run_briefing({"inspect", odd.string(), "--json"});
    REQUIRE(r.code == 0);
    const json j = json::parse(r.out);
    const std::string spoken = j["sections"][0]["sentences"][1]["spoken"];
    for (const char* bad : {"\x01", "\u200B", "\u202E", "\uE000"}) CHECK(spoken.find(bad) == std::string::npos);
    // Markup is text: never interpreted.
    const fs::path markup = write_file(dir / "markup.txt", "标题\n<speak>价格&amp;<break time=\"9s\"/>上涨</speak>。\n");
    r = run_briefing({"inspect", markup.string(), "--json"});
    REQUIRE(r.code == 0);
    // One endless line: split into bounded units, quickly.
    std::string endless = "标题\n";
    for (int i = 0; i < 50000; ++i) endless += "长";
    const fs::path line = write_file(dir / "endless.txt", endless + "\n");
    r = run_briefing({"inspect", line.string(), "--json"});
    REQUIRE(r.code == 0);
    const json e = json::parse(r.out);
    CHECK(e["sections"][0]["sentences"].size() > 800);
    // 10,000 sections: over the documented limit, refused clearly.
    std::string many = "# 标题\n";
    for (int i = 0; i < 10000; ++i) many += "## 节\n好。\n";
    const fs::path sections = write_file(dir / "many.md", many);
    r = run_briefing({"render", sections.string(), "-o", (dir / "out").string()});
    CHECK(r.code == 2);
    CHECK_THAT(r.err, Catch::Contains("has 10000 sections") && Catch::Contains("at most 999"));
}

TEST_CASE("markup in an article does not change what is heard", "[hardening][espeak]") {
    const fs::path dir = fresh_dir("ssml");
    const fs::path file = write_file(dir / "a.txt", "标题\n价格<break time=\"9s\"/>上涨。\n");
    const auto r = run_briefing({"render", file.string(), "-o", (dir / "out").string(), "-q"});
    REQUIRE(r.code == 0);
    const json m = json::parse(slurp((dir / "out" / "标题" / "manifest.json").string()));
    const auto& s = m["sections"][0]["sentences"][1];
    CHECK(s["end_ms"].get<int>() - s["start_ms"].get<int>() < 6000);  // a 9 s break would show
}

TEST_CASE("SIGINT during render stops cleanly with exit 130", "[hardening][espeak]") {
    const fs::path dir = fresh_dir("sigint");
    std::string text = kTitle + "\n";
    for (int i = 0; i < 400; ++i) text += "今年全市完成了第" + std::to_string(i) + "条河道的清淤工作。\n";
    const fs::path file = write_file(dir / "long.txt", text);
    const fs::path out = dir / "out";
    const pid_t pid = briefing::test::spawn_briefing({"render", file.string(), "-o", out.string(), "--no-cache"});
    ::usleep(400 * 1000);
    ::kill(pid, SIGINT);
    const int code = briefing::test::wait_briefing(pid);
    CHECK((code == 130 || code == 0));  // 0 only if it had already finished
    for (const auto& name : listing(out)) CHECK(name.find(".tmp-") == std::string::npos);
    if (code == 130) CHECK(listing(out).empty());
}
