#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "ingest/ingest.hpp"
#include "text/errors.hpp"

using namespace briefing;
namespace fs = std::filesystem;

namespace {

fs::path write_temp(const std::string& name, const std::string& bytes) {
    const fs::path dir = fs::temp_directory_path() / "briefing_ingest_test";
    fs::create_directories(dir);
    const fs::path p = dir / name;
    std::ofstream(p, std::ios::binary) << bytes;
    return p;
}

std::string error_of(const fs::path& p) {
    try {
        ingest(p);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("captions and credits are classified", "[ingest]") {
    struct Case {
        const char* line;
        LineKind kind;
        const char* subject;
    };
    const Case cases[] = {
        {"滨江数字产业园资料图。", LineKind::Caption, "滨江数字产业园"},
        {"滨江数字产业园资料图", LineKind::Caption, "滨江数字产业园"},
        {"西溪湿地公园资料图，杭州日报提供。", LineKind::Caption, "西溪湿地公园"},
        {"西溪湿地公园资料图,杭州日报提供", LineKind::Caption, "西溪湿地公园"},
        {"运河码头资料图片", LineKind::Caption, "运河码头"},
        {"（其他3张照片由本报记者摄）", LineKind::Credit, ""},
        {"(图片由主办方提供)", LineKind::Credit, ""},
        {"资料图", LineKind::Credit, ""},
        {"记者查阅了大量资料图表后得出结论。", LineKind::Text, ""},
        {"（本报讯）", LineKind::Text, ""},
        {"他说，这张资料图很珍贵。", LineKind::Text, ""},
    };
    for (const auto& c : cases) {
        INFO(c.line);
        const LineClass got = classify_line(c.line);
        CHECK(got.kind == c.kind);
        CHECK(got.subject == c.subject);
    }
}

TEST_CASE("plain text: title, lead section, caption sections, credits dropped", "[ingest]") {
    const Article a = ingest(BRIEFING_TEST_INPUTS "/sample_article.txt");
    CHECK(a.title == "杭州举办数字经济博览会，2个新园区同日开放");
    REQUIRE(a.sections.size() == 3);
    CHECK(a.sections[0].title == a.title);
    CHECK(a.sections[0].paragraphs.size() == 2);
    CHECK(a.sections[1].title == "滨江数字产业园");
    CHECK(a.sections[1].paragraphs.size() == 2);
    CHECK(a.sections[2].title == "西溪湿地公园");
    REQUIRE(a.sections[2].paragraphs.size() == 1);
    for (const auto& s : a.sections)
        for (const auto& p : s.paragraphs) {
            CHECK(p.find("资料图") == std::string::npos);
            CHECK(p.find("摄") == std::string::npos);
        }
    CHECK(a.sha256.size() == 64);
}

TEST_CASE("markdown: # title, ## sections, inline marks stripped", "[ingest]") {
    const Article a = ingest(BRIEFING_TEST_INPUTS "/sample_article.md");
    CHECK(a.title == "春季农业生产全面展开");
    REQUIRE(a.sections.size() == 3);
    CHECK(a.sections[0].title == "春季农业生产全面展开");
    CHECK(a.sections[0].paragraphs.at(0) == "各地抓住有利时机，加快春耕备播。");
    CHECK(a.sections[1].title == "南方早稻育秧");
    // Consecutive lines join into one paragraph.
    CHECK(a.sections[1].paragraphs.size() == 1);
    CHECK(a.sections[2].title == "北方冬小麦返青");
    REQUIRE(a.sections[2].paragraphs.size() == 1);
    CHECK(a.sections[2].paragraphs[0] == "河南的冬小麦陆续进入返青期。气象部门提醒注意防范倒春寒。");
}

TEST_CASE("an article with no marks is one section", "[ingest]") {
    const Article a = parse_article("标题\n第一段。\n\n第二段。\n", false, "x.txt");
    REQUIRE(a.sections.size() == 1);
    CHECK(a.sections[0].title == "标题");
    CHECK(a.sections[0].paragraphs == std::vector<std::string>{"第一段。", "第二段。"});
}

TEST_CASE("a UTF-8 BOM is accepted and UTF-16 is converted", "[ingest]") {
    CHECK(ingest(write_temp("bom.txt", "\xEF\xBB\xBF标题\n正文。\n")).title == "标题");
    // "标题\n正文" in UTF-16LE with a BOM.
    const std::string utf16le("\xFF\xFE\x07\x68\x98\x98\x0A\x00\x63\x6B\x87\x65", 12);
    const Article a = ingest(write_temp("utf16.txt", utf16le));
    CHECK(a.title == "标题");
    CHECK(a.sections.at(0).paragraphs.at(0) == "正文");
}

TEST_CASE("bad input is refused with a message naming the file", "[ingest]") {
    CHECK_THAT(error_of("/nonexistent/article.txt"), Catch::Contains("no such file"));
    CHECK_THAT(error_of(fs::temp_directory_path()), Catch::Contains("is a directory"));
    CHECK_THAT(error_of(write_temp("empty.txt", "")), Catch::Contains("nothing to read"));
    CHECK_THAT(error_of(write_temp("blank.txt", " \n\t\n　\n")), Catch::Contains("nothing to read"));
    CHECK_THAT(error_of(write_temp("punct.txt", "。。。\n！？\n😀😀\n")), Catch::Contains("nothing to read"));
    CHECK_THAT(error_of(write_temp("title_only.txt", "只有标题\n")), Catch::Contains("nothing to read"));
    CHECK_THAT(error_of(write_temp("png.txt", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16))),
               Catch::Contains("binary"));
    const std::string bad = error_of(write_temp("bad.txt", "标题\n正文\xff。\n"));
    CHECK_THAT(bad, Catch::Contains("bad.txt") && Catch::Contains("byte offset 13") && Catch::Contains("line 2"));
}
