// WAV output through libsndfile: 16-bit PCM mono, with chapter points.
//
// What a written file holds, in this order (FFmpeg-based players need `cue `
// before `LIST adtl` to show titled chapters):
//   RIFF/WAVE: fmt , LIST/INFO (the tags), cue  (one point per Cue, position
//   in dwSampleOffset), LIST/adtl (one labl per cue: its label in UTF-8), data.
// libsndfile writes `cue ` itself but never the labels, so write_wav builds
// the LIST/adtl chunk (4-byte aligned, as libsndfile pads custom chunks) and
// hands it to sf_set_chunk before the first sample is written.
//
// Every libsndfile call is checked, including sf_close. The file is written as
// "<target>.tmp" beside the target and renamed over it only when complete;
// on any failure the temporary is removed and OutputError is thrown, so the
// target is either the old file or the complete new one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "assemble/assemble.hpp"

namespace briefing {

// RIFF INFO tags; empty strings are not written.
struct InfoTags {
    std::string title;    // INAM
    std::string album;    // IPRD
    std::string artist;   // IART
    std::string track;    // ITRK
    std::string date;     // ICRD
    std::string comment;  // ICMT
    std::string software; // ISFT (libsndfile appends its own name)
};

// At most this many cues are written per file (libsndfile's reader stops at
// 2500); later ones are dropped.
constexpr std::size_t kMaxCues = 2000;

// The LIST/adtl chunk body ("adtl" + one "labl" subchunk per cue: cue id and
// NUL-terminated UTF-8 text, NUL-padded to a multiple of 4 bytes). Exposed for
// tests.
std::string adtl_chunk(const std::vector<Cue>& cues);

void write_wav(const std::filesystem::path& target, int sample_rate, const std::vector<std::int16_t>& samples,
               const std::vector<Cue>& cues, const InfoTags& tags);

}  // namespace briefing
