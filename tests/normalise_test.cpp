// PLACEHOLDER: replaced by the normalise work.
#include <catch2/catch.hpp>

#include "normalise/normalise.hpp"
#include "text/data_dir.hpp"

TEST_CASE("normalise folds full-width digits", "[normalise]") {
    auto n = briefing::Normaliser::load(briefing::text::data_dir());
    CHECK(n("１２") == "12");
}
