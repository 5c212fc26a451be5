// Editions as a user (or a scheduler) makes them: through the binary, then
// checked with our RIFF walker, libsndfile, ffprobe and python3's XML parser.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "edition/edition.hpp"
#include "edition/enclosure.hpp"
#include "edition/feed.hpp"
#include "riff_reader.hpp"
#include "run_process.hpp"
#include "text/errors.hpp"

using namespace briefing;
using briefing::test::run_briefing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) { return test::fresh_dir("briefing_edition_test", name); }

// Small articles of our own: title line, then paragraphs. The second title
// has XML's special characters, which the feed must escape.
const char* const kArticles[][2] = {
    {"01-harbour.txt", "河口新修两座浮桥\n河口今年新修了2座浮桥，行人过河不再绕路。\n管理处说，浮桥夜间也有灯光照明。\n"},
    {"02-library.txt", "社区图书室<周末>开门&夜读\n社区图书室从本周起周末也开门，每天开放8个小时。\n"},
    {"03-orchard.txt", "果园迎来采摘季\n城郊的果园迎来了采摘季。\n今年的苹果个头大、口感甜，游客比去年多了三成。\n"},
    {"04-bus.txt", "夜间公交新增线路\n本市新增3条夜间公交线路，末班车延后到凌晨一点。\n"},
};

void write_article(const fs::path& inbox, int i) {
    fs::create_directories(inbox);
    std::ofstream(inbox / kArticles[i][0]) << kArticles[i][1];
}

std::string title_of(int i) {
    const std::string text = kArticles[i][1];
    return text.substr(0, text.find('\n'));
}

json read_json(const fs::path& p) {
    std::ifstream in(p);
    return json::parse(in);
}


void make_edition(const fs::path& inbox, const fs::path& out, const std::string& date = "2026-11-24",
                  std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"edition", inbox.string(), "-o", out.string(), "--title", "早间简报",
                                  "--date", date, "-q", "--jobs", "2"};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_briefing(args);
    INFO(r.err);
    REQUIRE(r.code == 0);
}

fs::path edition_folder(const fs::path& out, const std::string& date = "2026-11-24") {
    return out / "editions" / (date + "-早间简报");
}

// The feed as python3's xml.etree reads it, summarised as JSON.
json parse_feed(const fs::path& feed) {
    const char* const script = R"PY(
import json, sys, xml.etree.ElementTree as ET
ns = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "podcast": "https://podcastindex.org/namespace/1.0"}
channel = ET.parse(sys.argv[1]).getroot().find("channel")
items = []
for item in channel.findall("item"):
    enc = item.find("enclosure")
    items.append({"title": item.findtext("title"), "guid": item.findtext("guid"), "pubDate": item.findtext("pubDate"),
                  "url": enc.get("url"), "length": int(enc.get("length")), "type": enc.get("type"),
                  "duration": item.findtext("itunes:duration", namespaces=ns),
                  "chapters": item.find("podcast:chapters", ns).get("url")})
print(json.dumps({"title": channel.findtext("title"), "language": channel.findtext("language"),
                  "description": channel.findtext("description"), "items": items}))
)PY";
    const auto [code, out] = test::run_program({"python3", "-c", script, feed.string()});
    INFO(out);
    REQUIRE(code == 0);  // python3 raises (exit 1) when the feed is not well-formed XML
    return json::parse(out);
}

// Cue points of a WAV, from the raw `cue ` chunk: id → sample offset.
std::map<std::uint32_t, std::uint32_t> cue_points(const test::Riff& riff) {
    std::map<std::uint32_t, std::uint32_t> points;
    for (const auto& c : riff.chunks) {
        if (c.id != "cue ") continue;
        const std::uint32_t n = test::u32le(c.body, 0);
        for (std::uint32_t i = 0; i < n; ++i) points[test::u32le(c.body, 4 + 24 * i)] = test::u32le(c.body, 4 + 24 * i + 20);
    }
    return points;
}

// Bytes and modification time (ns) of a file: equal means untouched.
std::pair<std::string, std::int64_t> fingerprint(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return {test::slurp(p.string()), static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

std::string itunes_of(std::int64_t ms) { return itunes_duration(ms); }

}  // namespace

TEST_CASE("edition programme text: title, date and count as written, announcements in order", "[edition]") {
    const ProgrammeText t = programme_text("早间简报", "2026-11-04", {"甲", "乙"});
    REQUIRE(t.opening.size() == 5);
    CHECK(t.opening[0] == "早间简报。");
    CHECK(t.opening[1] == "今天是2026年11月4日。");
    CHECK(t.opening[2] == "本期共有2条新闻：");
    CHECK(t.opening[3] == "甲。");
    CHECK(t.announcements == std::vector<std::string>{"第1条：甲。", "第2条：乙。"});
    CHECK_FALSE(t.closing.empty());
}

TEST_CASE("edition dates and slugs", "[edition]") {
    CHECK_NOTHROW(check_date("2026-11-24"));
    CHECK_NOTHROW(check_date("2024-02-29"));
    CHECK_THROWS_AS(check_date("2026-02-29"), InputError);
    CHECK_THROWS_AS(check_date("2026-13-01"), InputError);
    CHECK_THROWS_AS(check_date("26-11-24"), InputError);
    CHECK_THROWS_AS(check_date("2026/11/24"), InputError);
    CHECK(edition_slug("2026-11-24", "早间简报") == "2026-11-24-早间简报");
    CHECK(edition_slug("2026-11-24", "../../etc") == "2026-11-24-etc");
}

TEST_CASE("edition feed helpers: XML escapes, URL paths, RFC 822 dates, durations", "[edition]") {
    CHECK(xml_escape("A&B <c> \"d\" 'e'") == "A&amp;B &lt;c&gt; &quot;d&quot; &apos;e&apos;");
    CHECK(xml_escape(std::string("a\x01z\x1f")) == "az");
    CHECK(url_path_escape("editions/早 x.mp3") == "editions/%E6%97%A9%20x.mp3");
    CHECK(feed_link("", "a/b.mp3") == "a/b.mp3");
    CHECK(feed_link("https://example.org/pod", "a/b.mp3") == "https://example.org/pod/a/b.mp3");
    CHECK(feed_link("https://example.org/pod/", "a/b.mp3") == "https://example.org/pod/a/b.mp3");
    CHECK(rfc822_date(1795564800) == "Wed, 25 Nov 2026 00:00:00 GMT");
    CHECK(itunes_duration(0) == "0:00:00");
    CHECK(itunes_duration(64749) == "0:01:05");
    CHECK(itunes_duration(3725400) == "1:02:05");
}

TEST_CASE("edition enclosures: MP3 at a constant speech bit rate, Opus resampled to 48 kHz as a stream", "[edition]") {
    const fs::path dir = fresh_dir("enclosure");
    std::vector<std::int16_t> tone(22050 * 4);
    for (std::size_t i = 0; i < tone.size(); ++i) tone[i] = static_cast<std::int16_t>(8000 * std::sin(i * 0.06));
    for (const AudioFormat format : {AudioFormat::mp3, AudioFormat::ogg_opus}) {
        if (!can_write(format, format == AudioFormat::mp3 ? 22050 : 48000)) continue;  // this libsndfile lacks it
        const fs::path file = dir / (std::string("tone.") + format_name(format));
        EnclosureWriter w(file, format, 22050, {"tone", "", "Briefing", "", "", "", ""});
        for (std::size_t at = 0; at < tone.size(); at += 1000) w.write(tone.data() + at, std::min<std::size_t>(1000, tone.size() - at));
        w.commit();
        SF_INFO info{};
        SNDFILE* f = sf_open(file.c_str(), SFM_READ, &info);
        REQUIRE(f);
        sf_close(f);
        const double seconds = static_cast<double>(info.frames) / info.samplerate;
        CHECK(std::abs(seconds - 4.0) < 0.15);
        if (format == AudioFormat::ogg_opus) CHECK(info.samplerate == 48000);
        if (format == AudioFormat::mp3) {
            CHECK(std::string(mime_type(format)) == "audio/mpeg");
            const double kbps = fs::file_size(file) * 8.0 / 4.0 / 1000.0;
            CHECK(std::abs(kbps - mp3_bitrate_kbps(22050)) < 4);
        }
    }
    CHECK(enclosure_format(22050) != AudioFormat::flac);
}

TEST_CASE("an edition of three articles has titled chapters, the right opening and a valid feed", "[edition][espeak]") {
    const fs::path dir = fresh_dir("three");
    for (int i = 0; i < 3; ++i) write_article(dir / "inbox", i);
    const fs::path out = dir / "out";
    make_edition(dir / "inbox", out, "2026-11-24", {"--base-url", "https://example.org/pod"});
    const fs::path folder = edition_folder(out);
    const json m = read_json(folder / "manifest.json");

    // Opening: title, the date as a reader says it, the count; order = file names.
    const std::string opening = m["opening"]["spoken"];
    CHECK(opening.find("早间简报") != std::string::npos);
    CHECK(opening.find("二零二六年十一月二十四日") != std::string::npos);
    CHECK(opening.find("三条新闻") != std::string::npos);
    REQUIRE(m["items"].size() == 3);
    for (int i = 0; i < 3; ++i) {
        CHECK(m["items"][i]["title"] == title_of(i));
        CHECK(m["items"][i]["announcement"]["spoken"].get<std::string>().find(i == 0 ? "第一条" : i == 1 ? "第二条" : "第三条") == 0);
        CHECK(fs::exists(folder / m["items"][i]["manifest"].get<std::string>()));
    }

    // Chapters: opening, three articles, closing, in the WAV's cue + adtl.
    const json& chapters = m["chapters"];
    REQUIRE(chapters.size() == 5);
    CHECK(chapters[0]["title"] == "开场");
    CHECK(chapters[4]["title"] == "结束语");
    for (int i = 0; i < 3; ++i) {
        CHECK(chapters[i + 1]["title"] == title_of(i));
        CHECK(chapters[i + 1]["start_ms"] == m["items"][i]["start_ms"]);
    }
    const test::Riff riff = test::read_riff((folder / m["file"].get<std::string>()).string());
    std::size_t cue_at = 99, adtl_at = 99;
    for (std::size_t i = 0; i < riff.chunks.size(); ++i) {
        if (riff.chunks[i].id == "cue ") cue_at = i;
        if (riff.chunks[i].list == "adtl") adtl_at = i;
    }
    REQUIRE(cue_at < adtl_at);
    const auto labels = test::adtl_labels(riff.chunks[adtl_at].body);
    const auto points = cue_points(riff);
    REQUIRE(labels.size() == 5);
    for (std::size_t i = 0; i < 5; ++i) {
        CHECK(labels[i].second == chapters[i]["title"].get<std::string>());
        CHECK(points.at(labels[i].first) == chapters[i]["start_sample"].get<std::uint32_t>());
    }

    // ffprobe sees the same chapters.
    const auto [code, probe] =
        test::run_program({"ffprobe", "-v", "error", "-show_chapters", "-of", "json", (folder / m["file"].get<std::string>()).string()});
    INFO(probe);
    REQUIRE(code == 0);  // 127: ffprobe missing (scripts/setup.sh installs ffmpeg)
    const json ff = json::parse(probe)["chapters"];
    REQUIRE(ff.size() == 5);
    for (std::size_t i = 0; i < 5; ++i) {
        CHECK(ff[i]["start"].get<std::uint64_t>() == chapters[i]["start_sample"].get<std::uint64_t>());
        CHECK(ff[i]["tags"]["title"] == chapters[i]["title"]);
    }

    // The WAV's length is the manifest's; loudness at the preset's target.
    SF_INFO info{};
    SNDFILE* f = sf_open((folder / m["file"].get<std::string>()).c_str(), SFM_READ, &info);
    REQUIRE(f);
    sf_close(f);
    CHECK(static_cast<std::uint64_t>(info.frames) == m["samples"].get<std::uint64_t>());
    CHECK(std::abs(m["loudness"]["output_lufs"].get<double>() - m["loudness"]["target_lufs"].get<double>()) < 1.0);
    CHECK(m["loudness"]["true_peak_dbtp"].get<double>() <= m["loudness"]["true_peak_ceiling_dbtp"].get<double>() + 0.1);

    // Podcasting 2.0 chapters.
    const json pc = read_json(folder / "chapters.json");
    CHECK(pc["version"] == "1.2.0");
    REQUIRE(pc["chapters"].size() == 5);
    CHECK(pc["chapters"][2]["title"] == title_of(1));
    CHECK(std::llround(pc["chapters"][2]["startTime"].get<double>() * 1000) == chapters[2]["start_ms"].get<std::int64_t>());

    // The feed: well-formed, one item, enclosure length = file size, duration.
    const json feed = parse_feed(out / "feed.xml");
    CHECK(feed["language"] == "zh-cn");
    REQUIRE(feed["items"].size() == 1);
    const json& item = feed["items"][0];
    const fs::path enclosure = folder / m["enclosure"]["file"].get<std::string>();
    CHECK(item["length"].get<std::uintmax_t>() == fs::file_size(enclosure));
    CHECK(item["type"] == m["enclosure"]["type"]);
    CHECK(item["duration"] == itunes_of(m["duration_ms"].get<std::int64_t>()));
    CHECK(item["url"].get<std::string>().rfind("https://example.org/pod/editions/2026-11-24-", 0) == 0);
    CHECK(item["chapters"].get<std::string>().find("/chapters.json") != std::string::npos);
    CHECK(item["pubDate"].get<std::string>().size() == 29);  // "Tue, 24 Nov 2026 06:00:00 GMT"

    // The enclosure plays for as long as the WAV (MP3 adds < 0.1 s of padding).
    const auto [code2, fmt] =
        test::run_program({"ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "json", enclosure.string()});
    REQUIRE(code2 == 0);
    const double seconds = std::stod(json::parse(fmt)["format"]["duration"].get<std::string>());
    CHECK(std::abs(seconds * 1000 - m["duration_ms"].get<double>()) < 200);
}

TEST_CASE("re-running changes nothing and a fourth article re-renders only it and the edition", "[edition][espeak]") {
    const fs::path dir = fresh_dir("rerun");
    const fs::path inbox = dir / "inbox", out = dir / "out";
    for (int i = 0; i < 3; ++i) write_article(inbox, i);
    make_edition(inbox, out);
    const fs::path folder = edition_folder(out);
    const json first = read_json(folder / "manifest.json");
    std::map<std::string, std::pair<std::string, std::int64_t>> before;
    for (const auto& item : first["items"]) {
        const fs::path p = folder / item["manifest"].get<std::string>();
        before[p.string()] = fingerprint(p);
    }
    const auto edition_before = fingerprint(folder / "manifest.json");
    const auto feed_before = fingerprint(out / "feed.xml");

    make_edition(inbox, out);  // nothing changed
    for (const auto& [path, fp] : before) CHECK(fingerprint(path) == fp);
    CHECK(fingerprint(folder / "manifest.json") == edition_before);
    CHECK(fingerprint(out / "feed.xml") == feed_before);

    write_article(inbox, 3);
    make_edition(inbox, out);
    for (const auto& [path, fp] : before) CHECK(fingerprint(path) == fp);  // not rendered again
    CHECK(fingerprint(folder / "manifest.json") != edition_before);
    const json second = read_json(folder / "manifest.json");
    REQUIRE(second["items"].size() == 4);
    CHECK(second["items"][3]["title"] == title_of(3));
    CHECK(second["opening"]["spoken"].get<std::string>().find("四条新闻") != std::string::npos);
    CHECK(second["chapters"].size() == 6);
    json feed = parse_feed(out / "feed.xml");
    REQUIRE(feed["items"].size() == 1);
    CHECK(feed["items"][0]["length"].get<std::uintmax_t>() ==
          fs::file_size(folder / second["enclosure"]["file"].get<std::string>()));

    // The next day's edition goes first; the earlier one stays.
    make_edition(inbox, out, "2026-11-25");
    feed = parse_feed(out / "feed.xml");
    REQUIRE(feed["items"].size() == 2);
    CHECK(feed["items"][0]["title"] == "早间简报 2026-11-25");
    CHECK(feed["items"][1]["title"] == "早间简报 2026-11-24");
    CHECK(feed["items"][0]["guid"] != feed["items"][1]["guid"]);
}

TEST_CASE("an edition with a failed article or a bad date is refused", "[edition][espeak]") {
    const fs::path dir = fresh_dir("refused");
    write_article(dir / "inbox", 0);
    auto r = run_briefing({"edition", (dir / "inbox").string(), "-o", (dir / "out").string(), "--title", "早间简报",
                           "--date", "2026-02-30", "-q"});
    CHECK(r.code == 2);
    CHECK(r.err.find("2026-02-30") != std::string::npos);
    std::ofstream(dir / "inbox" / "02-empty.txt") << "";
    r = run_briefing({"edition", (dir / "inbox").string(), "-o", (dir / "out").string(), "--title", "早间简报",
                      "--date", "2026-11-24", "-q", "--jobs", "1"});
    CHECK(r.code == 2);
    CHECK(r.err.find("02-empty.txt") != std::string::npos);
    CHECK_FALSE(fs::exists(dir / "out" / "editions" / "2026-11-24-早间简报"));
}

TEST_CASE("an edition from a job list keeps the list's order", "[edition][espeak]") {
    const fs::path dir = fresh_dir("joblist");
    for (int i = 0; i < 3; ++i) write_article(dir / "inbox", i);
    std::ofstream(dir / "jobs.toml") << "[[article]]\ninput = \"inbox/03-orchard.txt\"\n"
                                     << "[[article]]\ninput = \"inbox/01-harbour.txt\"\n";
    make_edition(dir / "jobs.toml", dir / "out");
    const json m = read_json(edition_folder(dir / "out") / "manifest.json");
    REQUIRE(m["items"].size() == 2);
    CHECK(m["items"][0]["title"] == title_of(2));
    CHECK(m["items"][1]["title"] == title_of(0));
    CHECK(m["opening"]["spoken"].get<std::string>().find("两条新闻") != std::string::npos);
    CHECK(parse_feed(dir / "out" / "feed.xml")["items"].size() == 1);
}
