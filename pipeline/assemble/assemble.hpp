// Stage `assemble`: sentence audio + the preset's pauses → one section's
// timeline.
//
// Briefing owns timing: every position here is a running sample total
// (samples at `sample_rate`, counted from the first sample of the section
// file), so a player seeking to a sentence's start hears it begin. Pauses:
//   section_start silence, then each sentence followed by
//     - section_end   after the last sentence of the section,
//     - paragraph     after the last sentence of a paragraph,
//     - sentence      otherwise.
// A cue (chapter point) marks the first sample of every paragraph.
//
// Pure; holds one section's audio at a time (callers write it and drop it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "synth/voice_preset.hpp"

namespace briefing {

// One sentence ready to place: its audio and what it says.
struct SpokenSentence {
    std::size_t paragraph = 0;  // as SentenceUnit::paragraph (0 = article title)
    std::string text;           // as written
    std::string spoken;         // as normalised
    std::vector<std::int16_t> samples;
};

struct TimedSentence {
    std::size_t paragraph = 0;
    std::string text;
    std::string spoken;
    std::uint64_t start = 0;  // first sample of its audio, in the section file
    std::uint64_t end = 0;    // one past its last sample (before the pause)
};

struct Cue {
    std::uint32_t id = 0;      // 1-based, unique within the file
    std::uint64_t sample = 0;  // position in samples
    std::string label;         // UTF-8
};

struct SectionAudio {
    std::size_t index = 0;  // 0-based section index
    std::string title;
    int sample_rate = 0;
    std::vector<std::int16_t> samples;  // mono int16
    std::vector<TimedSentence> sentences;
    std::vector<Cue> cues;  // one per paragraph start, in order
};

// Converts a duration to whole samples at `rate` (rounded down).
std::uint64_t ms_to_samples(int ms, int rate);
// Converts a sample position to milliseconds (rounded to nearest).
std::int64_t samples_to_ms(std::uint64_t samples, int rate);

// The silence (ms) after a sentence: section_end after the section's last
// one, paragraph after a paragraph's last one, sentence otherwise. (render
// follows the timeline as it synthesises, to measure it on the way.)
int pause_after_ms(const VoicePreset& p, bool last_in_section, bool paragraph_ends);

// Places `sentences` (moved from) on the section timeline.
SectionAudio assemble_section(std::size_t index, std::string title, int sample_rate, const VoicePreset& pauses,
                              std::vector<SpokenSentence> sentences);

}  // namespace briefing
