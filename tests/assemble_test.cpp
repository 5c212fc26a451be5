#include <catch2/catch.hpp>

#include "assemble/assemble.hpp"

using namespace briefing;

namespace {

SpokenSentence sentence(std::size_t paragraph, std::size_t n, const char* text) {
    return {paragraph, text, text, std::vector<std::int16_t>(n, 100)};
}

}  // namespace

TEST_CASE("sentences are placed with the preset's pauses", "[assemble]") {
    VoicePreset p;
    p.pause_section_start_ms = 100;
    p.pause_sentence_ms = 200;
    p.pause_paragraph_ms = 500;
    p.pause_section_end_ms = 1000;
    const int rate = 1000;  // one sample a millisecond keeps the arithmetic readable
    std::vector<SpokenSentence> in{sentence(1, 50, "甲。"), sentence(1, 60, "乙。"), sentence(2, 70, "丙。")};
    const SectionAudio a = assemble_section(0, "节", rate, p, std::move(in));
    REQUIRE(a.sentences.size() == 3);
    CHECK(a.sentences[0].start == 100);
    CHECK(a.sentences[0].end == 150);
    CHECK(a.sentences[1].start == 350);  // + sentence pause
    CHECK(a.sentences[1].end == 410);
    CHECK(a.sentences[2].start == 910);  // + paragraph pause
    CHECK(a.sentences[2].end == 980);
    CHECK(a.samples.size() == 1980);     // + section end
    CHECK(a.samples[100] == 100);
    CHECK(a.samples[150] == 0);
    REQUIRE(a.cues.size() == 2);  // one per paragraph
    CHECK(a.cues[0].sample == 100);
    CHECK(a.cues[1].sample == 910);
    CHECK(a.cues[1].id == 2);
    CHECK(a.cues[1].label == "丙。");
}

TEST_CASE("sample and millisecond conversions", "[assemble]") {
    CHECK(ms_to_samples(300, 22050) == 6615);
    CHECK(samples_to_ms(22050, 22050) == 1000);
    CHECK(samples_to_ms(11, 22050) == 0);
    CHECK(samples_to_ms(12, 22050) == 1);
}
