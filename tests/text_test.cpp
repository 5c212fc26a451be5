#include <catch2/catch.hpp>

#include "text/utf8.hpp"

using namespace briefing::text;

TEST_CASE("find_invalid_utf8 locates the first bad byte and its line", "[text]") {
    CHECK_FALSE(find_invalid_utf8("北京 abc\n上海").has_value());
    auto stray = find_invalid_utf8("ab\ncd\xff");
    REQUIRE(stray);
    CHECK(stray->byte_offset == 5);
    CHECK(stray->line == 2);
    CHECK(find_invalid_utf8("\xe5\x8c").has_value());      // truncated 北
    CHECK(find_invalid_utf8("\xc0\xaf").has_value());      // overlong '/'
    CHECK(find_invalid_utf8("\xed\xa0\x80").has_value());  // surrogate
}

TEST_CASE("decode and encode round-trip", "[text]") {
    const std::string s = "上海·Beijing 𠀀";
    CHECK(encode(decode(s)) == s);
    CHECK(length_cp(s) == decode(s).size());
    CHECK_THROWS_AS(decode("\xff"), std::invalid_argument);
}

TEST_CASE("character classes", "[text]") {
    CHECK(is_han(U'北'));
    CHECK(is_han(U'〇'));
    CHECK_FALSE(is_han(U'，'));
    CHECK(is_space(U'\u3000'));
    CHECK(is_unspeakable(U'\u0001'));
    CHECK(is_unspeakable(U'\u202E'));
    CHECK(is_unspeakable(U'\uE000'));
    CHECK_FALSE(is_unspeakable(U'中'));
}

TEST_CASE("trim and nfkc", "[text]") {
    CHECK(trim("\u3000 北京 \n") == "北京");
    CHECK(nfkc("２０２１ＡＢ") == "2021AB");
}
