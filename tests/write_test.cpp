#include <catch2/catch.hpp>

#include <sndfile.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "riff_reader.hpp"
#include "run_process.hpp"
#include "text/errors.hpp"
#include "write/file_names.hpp"
#include "write/text_files.hpp"
#include "write/wav_writer.hpp"

using namespace briefing;
namespace fs = std::filesystem;

namespace {

fs::path temp_dir(const char* name) { return test::fresh_dir("briefing_write_test", name); }

}  // namespace

TEST_CASE("WAV round trip: samples, cues with labels, INFO tags", "[write]") {
    const fs::path out = temp_dir("roundtrip") / "a.wav";
    std::vector<std::int16_t> samples(22050);
    for (std::size_t i = 0; i < samples.size(); ++i) samples[i] = static_cast<std::int16_t>(i % 2000 - 1000);
    const std::vector<Cue> cues{{1, 0, "导语"}, {2, 11025, "第二段：城市更新"}, {3, 20000, "odd"}};
    const InfoTags tags{"节标题", "文章标题", "Briefing", "2", "2026-11-24", "注释", "Briefing"};
    write_wav(out, 22050, samples, cues, tags);
    CHECK_FALSE(fs::exists(out.string() + ".tmp"));

    SF_INFO info{};
    SNDFILE* f = sf_open(out.c_str(), SFM_READ, &info);
    REQUIRE(f);
    CHECK(info.samplerate == 22050);
    CHECK(info.channels == 1);
    CHECK(info.frames == 22050);
    CHECK(std::string(sf_get_string(f, SF_STR_TITLE)) == "节标题");
    CHECK(std::string(sf_get_string(f, SF_STR_ALBUM)) == "文章标题");
    CHECK(std::string(sf_get_string(f, SF_STR_TRACKNUMBER)) == "2");
    std::vector<std::int16_t> back(22050);
    CHECK(sf_read_short(f, back.data(), 22050) == 22050);
    CHECK(back == samples);
    SF_CUES read_cues{};
    REQUIRE(sf_command(f, SFC_GET_CUE, &read_cues, sizeof read_cues) == SF_TRUE);
    REQUIRE(read_cues.cue_count == 3);
    CHECK(read_cues.cue_points[1].sample_offset == 11025);
    CHECK(std::string(read_cues.cue_points[1].name) == "第二段：城市更新");
    sf_close(f);

    // Our own reader: `cue ` before LIST/adtl, sizes consistent.
    const test::Riff riff = test::read_riff(out.string());
    CHECK(riff.declared_size + 8 == riff.file_size);
    std::vector<std::string> order;
    for (const auto& c : riff.chunks) order.push_back(c.list.empty() ? c.id : c.id + "/" + c.list);
    CHECK(order == std::vector<std::string>{"fmt ", "LIST/INFO", "cue ", "LIST/adtl", "data"});
    const auto labels = test::adtl_labels(riff.chunks[3].body);
    REQUIRE(labels.size() == 3);
    CHECK(labels[0] == std::make_pair(1u, std::string("导语")));
    CHECK(labels[2] == std::make_pair(3u, std::string("odd")));
}

TEST_CASE("adtl chunk layout: labl size, NUL, word alignment, 4-byte total", "[write]") {
    const std::string a = adtl_chunk({{7, 0, "ab"}});
    // "adtl" + "labl" + size(4 + 4) + id + "ab\0\0"
    CHECK(a.size() == 20);
    CHECK(a.substr(0, 8) == "adtllabl");
    CHECK(test::u32le(a, 8) == 8);
    CHECK(test::u32le(a, 12) == 7);
    CHECK(a.substr(16, 4) == std::string("ab\0\0", 4));
    CHECK(adtl_chunk({{1, 0, "abc"}, {2, 0, "导语"}}).size() % 4 == 0);
}

TEST_CASE("an unwritable folder is an OutputError and leaves nothing behind", "[write]") {
    const fs::path dir = temp_dir("readonly");
    fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
    const bool is_root = ::geteuid() == 0;  // root ignores permissions
    if (!is_root) {
        CHECK_THROWS_AS(write_wav(dir / "x.wav", 22050, {1, 2, 3}, {}, {}), OutputError);
        CHECK_THROWS_AS(write_file_atomic(dir / "x.txt", "x"), OutputError);
    }
    CHECK_THROWS_AS(write_wav("/nonexistent-dir/x.wav", 22050, {1, 2, 3}, {}, {}), OutputError);
    CHECK_THROWS_AS(write_file_atomic("/nonexistent-dir/x.txt", "x"), OutputError);
    fs::permissions(dir, fs::perms::owner_all);
    CHECK(fs::is_empty(dir));
}

TEST_CASE("write_file_atomic replaces the file whole", "[write]") {
    const fs::path p = temp_dir("atomic") / "m.json";
    write_file_atomic(p, "old");
    write_file_atomic(p, "new content");
    std::ifstream in(p);
    std::string s;
    std::getline(in, s);
    CHECK(s == "new content");
    CHECK_FALSE(fs::exists(p.string() + ".tmp"));
}

TEST_CASE("safe names from hostile titles", "[write][names]") {
    struct Case {
        const char* title;
        const char* name;
    };
    const Case cases[] = {
        {"北京城市副中心", "北京城市副中心"},
        {"../../etc/passwd", "etc-passwd"},
        {"/", "x"},
        {"CON", "CON_"},
        {"lpt1.txt", "lpt1.txt_"},
        {"....", "x"},
        {".hidden", "hidden"},
        {"a\x01" "b\u202Ec", "abc"},
        {"上海·北京：合作《大计》", "上海-北京-合作-大计"},
        {"GDP增长 5.2%", "GDP增长-5.2"},
        {"Tab\tand\nnewline", "Tab-and-newline"},
        {"a<b>c:d\"e|f?g*h\\i", "a-b-c-d-e-f-g-h-i"},
    };
    for (const auto& c : cases) {
        INFO(c.title);
        CHECK(safe_name(c.title, "x") == c.name);
    }
    std::string long_title;
    for (int i = 0; i < 500; ++i) long_title += "长";
    const std::string capped = safe_name(long_title, "x", 80);
    CHECK(capped.size() == 78);  // 26 characters of 3 bytes, cut at a boundary
}

TEST_CASE("unique names get a counter", "[write][names]") {
    std::set<std::string> taken;
    CHECK(unique_name("a", taken) == "a");
    CHECK(unique_name("a", taken) == "a-2");
    CHECK(unique_name("a", taken) == "a-3");
}

TEST_CASE("playlist text is extended M3U with titles and durations", "[write]") {
    const std::string m3u = playlist_text({{"01-甲.wav", "甲", 12.4}, {"02-乙.wav", "乙\n二", 3.6}});
    CHECK(m3u == "#EXTM3U\n#EXTINF:12,甲\n01-甲.wav\n#EXTINF:4,乙 二\n02-乙.wav\n");
}
