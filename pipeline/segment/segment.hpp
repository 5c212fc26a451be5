// Stage `segment`: Article → sentence units, the pieces eSpeak NG is given
// one at a time.
//
// Rules:
//   - A unit ends after 。！？；!?; (a run of them, or …/……, counts as one
//     end) and at every paragraph end.
//   - Closing quotes and brackets (” ’ 」 』 ） 》 〉 】 ) ] " ') that follow an
//     end mark stay with their sentence.
//   - A unit with more than `max_han` Han characters (Latin letters and digits
//     count too) is split at the clause mark (，、：,:) nearest its middle,
//     again and again until every piece fits; a piece with no clause mark is
//     split at a space, else cut at the limit, so no input (even one endless
//     line) gives eSpeak NG a run-on or makes this stage slow.
//   - Units are trimmed; units with nothing speakable are dropped.
//   - The article title is unit 0 of section 0 (paragraph 0) when
//     `read_title` is set, so the headline is read first.
//
// Pure; thread-safe. Near-linear when clause marks or spaces exist; a run
// with neither costs O(n²/max_han) (50,000 characters: a few milliseconds).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "ingest/ingest.hpp"

namespace briefing {

struct SentenceUnit {
    std::size_t section = 0;    // 0-based index into Article::sections
    std::size_t paragraph = 0;  // 1-based paragraph within the section; 0 = the article title
    std::size_t index = 0;      // 0-based position of the unit within its section
    std::string text;           // UTF-8, as written
};

struct SegmentOptions {
    std::size_t max_han = 60;  // longest unit, in Han characters (and Latin letters/digits)
    bool read_title = true;    // read the article title before the lead section
};

// Sentence units of one paragraph, in order (no section/paragraph numbers).
std::vector<std::string> split_sentences(const std::string& paragraph, std::size_t max_han);

// All units of the article, in reading order.
std::vector<SentenceUnit> segment(const Article& article, const SegmentOptions& options = {});

}  // namespace briefing
