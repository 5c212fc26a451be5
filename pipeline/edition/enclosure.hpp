// The podcast enclosure: the whole edition in one compressed file that every
// podcast app can download and play.
//
// Choice, best first (enclosure_format):
//   1. MP3 (libsndfile's SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, LAME):
//      every podcast app plays it. Constant bit rate, so apps compute the
//      duration and seek exactly: 48 kbit/s below 32 kHz (speech at eSpeak
//      NG's 22050 Hz needs no more), 64 kbit/s at 32 kHz and above.
//   2. Ogg Opus at 48 kHz (resampled: Opus accepts only 8/12/16/24/48 kHz).
//   3. WAV, when this libsndfile writes neither.
// MP3 tags are left out when not ASCII (LAME writes Latin-1; see
// write/wav_writer.hpp); the feed carries the titles anyway.
//
// Samples in are mono int16 at the rate given to the constructor; for Opus
// they are converted to 48 kHz on the way, block by block. The file
// is written as "<target>.tmp" and renamed by commit(); without commit() the
// temporary is removed. Errors are OutputError naming the file. One writer
// per file, one thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "write/wav_writer.hpp"

namespace briefing {

// The best format this machine can write for an enclosure of audio at
// `sample_rate` (see above).
AudioFormat enclosure_format(int sample_rate);

// The MIME type for the feed's <enclosure type=…>: audio/mpeg, audio/ogg,
// audio/wav (audio/flac for FLAC).
const char* mime_type(AudioFormat format);

// The constant bit rate (kbit/s) used for MP3 at `sample_rate`.
int mp3_bitrate_kbps(int sample_rate);

class EnclosureWriter {
public:
    EnclosureWriter(std::filesystem::path target, AudioFormat format, int sample_rate, const InfoTags& tags);
    ~EnclosureWriter();
    EnclosureWriter(const EnclosureWriter&) = delete;
    EnclosureWriter& operator=(const EnclosureWriter&) = delete;

    // Appends `count` samples, in blocks of any size. Resampled here, as one
    // continuous stream (libsamplerate), when the format needs another rate.
    void write(const std::int16_t* samples, std::size_t count);

    // Closes (checking sf_close) and renames into place.
    void commit();

    AudioFormat format() const { return format_; }
    int file_rate() const { return file_rate_; }  // the rate inside the file

private:
    [[noreturn]] void fail(const std::string& what);

    std::filesystem::path target_, tmp_;
    AudioFormat format_;
    int in_rate_, file_rate_;
    void* file_ = nullptr;  // SNDFILE*
    void* converter_ = nullptr;  // SRC_STATE*, only when file_rate_ != in_rate_
    void convert(const float* in, std::size_t count, bool last);
    bool committed_ = false;
};

}  // namespace briefing
