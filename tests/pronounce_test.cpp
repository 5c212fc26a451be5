// PLACEHOLDER: replaced by the pronounce work.
#include <catch2/catch.hpp>

#include "pronounce/pronounce.hpp"
#include "text/data_dir.hpp"

TEST_CASE("pronounce keeps the text", "[pronounce]") {
    auto p = briefing::Pronouncer::load(briefing::text::data_dir());
    std::string all;
    for (const auto& t : p.tokens("首都")) all += t.text;
    CHECK(all == "首都");
}
