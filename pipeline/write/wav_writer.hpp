// Audio output through libsndfile: 16-bit mono WAV with chapter points, and
// the same audio in other containers (FLAC, Ogg, MP3) with the same tags.
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

// The LIST/adtl chunk body: "adtl" + one "labl" subchunk per cue (cue id and
// NUL-terminated UTF-8 text; size exactly 4 + text + NUL, with a RIFF pad
// byte after odd sizes, as FFmpeg's reader needs), the last label NUL-padded
// so the body is a multiple of 4 bytes (as libsndfile needs). Exposed for
// tests.
std::string adtl_chunk(const std::vector<Cue>& cues);

// Writes a complete mono 16-bit WAV in one call (an AudioWriter underneath).
void write_wav(const std::filesystem::path& target, int sample_rate, const std::vector<std::int16_t>& samples,
               const std::vector<Cue>& cues, const InfoTags& tags);

// The containers AudioWriter can produce. Only WAV carries cues and labels;
// the others carry the tags (FLAC and Ogg as Vorbis comments, in UTF-8).
// MP3 gets ID3 tags through LAME, which libsndfile 1.2 feeds as Latin-1, so
// UTF-8 text comes out garbled (measured: "åå¸…" for a Chinese title):
// for MP3, tag values that are not plain ASCII are left out.
enum class AudioFormat { wav, flac, ogg_vorbis, ogg_opus, mp3 };

// "wav", "flac", "ogg", "opus", "mp3" (the words used in presets and file
// extensions).
const char* format_name(AudioFormat format);

// Whether this machine's libsndfile can write `format` at `sample_rate`
// (sf_format_check, plus Opus's own rate list, which sf_format_check does not
// know: 8000, 12000, 16000, 24000 or 48000 Hz).
bool can_write(AudioFormat format, int sample_rate);

// Streams one mono file to disk block by block, so a long recording never
// has to be in memory at once.
//
// Everything that libsndfile puts in the header (tags, cues, the LIST/adtl
// labels) is given to the constructor, before the first sample, because
// libsndfile refuses cues after audio has been written. The file is written
// as "<target>.tmp" and renamed over `target` by commit(); if the writer is
// destroyed without commit() (an exception, an interruption) the temporary
// is removed and `target` is untouched.
//
// Samples are 16-bit at `sample_rate`; cue positions are in those samples.
// Cues are ignored for formats other than WAV. Errors are OutputError naming
// `target`. Not thread-safe; one writer per file.
class AudioWriter {
public:
    AudioWriter(std::filesystem::path target, int sample_rate, AudioFormat format, const InfoTags& tags,
                const std::vector<Cue>& cues = {});
    ~AudioWriter();
    AudioWriter(const AudioWriter&) = delete;
    AudioWriter& operator=(const AudioWriter&) = delete;

    // Appends `count` samples.
    void write(const std::int16_t* samples, std::size_t count);
    void write(const std::vector<std::int16_t>& samples) { write(samples.data(), samples.size()); }

    // Samples written so far.
    std::uint64_t written() const { return written_; }

    // Closes the file (checking sf_close) and renames it into place.
    void commit();

private:
    [[noreturn]] void fail(const std::string& what);

    std::filesystem::path target_;
    std::filesystem::path tmp_;
    void* file_ = nullptr;  // SNDFILE*, kept opaque so this header needs no <sndfile.h>
    std::uint64_t written_ = 0;
    bool committed_ = false;
};

}  // namespace briefing
