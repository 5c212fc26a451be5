#include <catch2/catch.hpp>

#include "segment/segment.hpp"
#include "text/utf8.hpp"

using namespace briefing;
using V = std::vector<std::string>;

TEST_CASE("sentences end at end marks and closers stay with their sentence", "[segment]") {
    struct Case {
        const char* in;
        V out;
    };
    const Case cases[] = {
        {"今天晴。明天雨！后天呢？", {"今天晴。", "明天雨！", "后天呢？"}},
        {"他说：“我们到了。”大家笑了。", {"他说：“我们到了。”", "大家笑了。"}},
        {"真的吗？！不会吧……好吧。", {"真的吗？！", "不会吧……", "好吧。"}},
        {"第一；第二", {"第一；", "第二"}},
        {"Hello world! Fine?", {"Hello world!", "Fine?"}},
        {"（完）。", {"（完）。"}},
        {"。。。", {}},
        {"没有句号的段落", {"没有句号的段落"}},
    };
    for (const auto& c : cases) {
        INFO(c.in);
        CHECK(split_sentences(c.in, 60) == c.out);
    }
}

TEST_CASE("long units split at the clause mark nearest the middle", "[segment]") {
    const std::string s = "一二三四五六七八九十，一二三四五六七八九十，一二三四五六七八九十。";
    // Both marks are 5 from the middle (15): the first wins, and the rest fits.
    CHECK(split_sentences(s, 20) == V{"一二三四五六七八九十，", "一二三四五六七八九十，一二三四五六七八九十。"});
    const std::string uneven = "一二三四五，六七八九十一二三四五六七八九十，一二三四五六七八九十。";
    CHECK(split_sentences(uneven, 20) ==
          V{"一二三四五，六七八九十一二三四五六七八九十，", "一二三四五六七八九十。"});
    CHECK(split_sentences(s, 12) ==
          V{"一二三四五六七八九十，", "一二三四五六七八九十，", "一二三四五六七八九十。"});
}

TEST_CASE("an endless line with no punctuation is cut into bounded units", "[segment]") {
    std::string s;
    for (int i = 0; i < 50000; ++i) s += "长";
    const V units = split_sentences(s, 60);
    REQUIRE(units.size() == 834);
    std::size_t total = 0;
    for (const auto& u : units) {
        CHECK(text::length_cp(u) <= 60);
        total += text::length_cp(u);
    }
    CHECK(total == 50000);
}

TEST_CASE("segment numbers sections, paragraphs and reads the title first", "[segment]") {
    Article a;
    a.title = "标题";
    a.sections = {{"标题", {"甲。乙。", "丙。"}}, {"第二节", {"丁。"}}};
    const auto units = segment(a);
    REQUIRE(units.size() == 5);
    CHECK(units[0].text == "标题");
    CHECK(units[0].paragraph == 0);
    CHECK(units[1].text == "甲。");
    CHECK(units[1].paragraph == 1);
    CHECK(units[2].index == 2);
    CHECK(units[3].paragraph == 2);
    CHECK(units[4].section == 1);
    CHECK(units[4].paragraph == 1);
    CHECK(units[4].index == 0);
    SegmentOptions no_title;
    no_title.read_title = false;
    CHECK(segment(a, no_title).size() == 4);
}
