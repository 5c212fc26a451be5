#include "edition/enclosure.hpp"

#include <samplerate.h>
#include <sndfile.h>

#include <cmath>
#include <system_error>

#include "text/errors.hpp"

namespace briefing {

namespace fs = std::filesystem;

namespace {

SNDFILE* sf(void* file) { return static_cast<SNDFILE*>(file); }

int sf_format(AudioFormat format) {
    switch (format) {
        case AudioFormat::mp3: return SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
        case AudioFormat::ogg_opus: return SF_FORMAT_OGG | SF_FORMAT_OPUS;
        case AudioFormat::ogg_vorbis: return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
        case AudioFormat::flac: return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
        case AudioFormat::wav: break;
    }
    return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
}

constexpr int kOpusRate = 48000;

bool ascii(const std::string& s) {
    for (const char c : s)
        if (static_cast<unsigned char>(c) > 0x7F) return false;
    return true;
}

// libsndfile maps the compression level 0..1 linearly onto LAME's constant
// bit rates, from the top rate of the MPEG version down to 8 kbit/s
// (measured with libsndfile 1.2.0: 0.7 → 56, 0.8 → 40 kbit/s at 22050 Hz).
double mp3_compression_level(int sample_rate) {
    const double top = sample_rate >= 32000 ? 320 : sample_rate >= 16000 ? 160 : 64;
    return (top - mp3_bitrate_kbps(sample_rate)) / (top - 8);
}

}  // namespace

int mp3_bitrate_kbps(int sample_rate) { return sample_rate >= 32000 ? 64 : sample_rate >= 16000 ? 48 : 32; }

AudioFormat enclosure_format(int sample_rate) {
    if (can_write(AudioFormat::mp3, sample_rate)) return AudioFormat::mp3;
    if (can_write(AudioFormat::ogg_opus, kOpusRate)) return AudioFormat::ogg_opus;
    return AudioFormat::wav;
}

const char* mime_type(AudioFormat format) {
    switch (format) {
        case AudioFormat::mp3: return "audio/mpeg";
        case AudioFormat::ogg_opus:
        case AudioFormat::ogg_vorbis: return "audio/ogg";
        case AudioFormat::flac: return "audio/flac";
        case AudioFormat::wav: break;
    }
    return "audio/wav";
}

EnclosureWriter::EnclosureWriter(fs::path target, AudioFormat format, int sample_rate, const InfoTags& tags)
    : target_(std::move(target)),
      tmp_(target_.string() + ".tmp"),
      format_(format),
      in_rate_(sample_rate),
      file_rate_(format == AudioFormat::ogg_opus ? kOpusRate : sample_rate) {
    SF_INFO info{};
    info.samplerate = file_rate_;
    info.channels = 1;
    info.format = sf_format(format);
    file_ = sf_open(tmp_.c_str(), SFM_WRITE, &info);
    if (!file_) throw OutputError(target_.string() + ": cannot create: " + sf_strerror(nullptr));
    if (format == AudioFormat::mp3) {
        // SFC_SET_BITRATE_MODE answers 0 even when it works (libsndfile
        // 1.2.0, measured: the file comes out at the constant rate), so its
        // answer is not checked; the level's is.
        int mode = SF_BITRATE_MODE_CONSTANT;
        sf_command(sf(file_), SFC_SET_BITRATE_MODE, &mode, sizeof mode);
        double level = mp3_compression_level(sample_rate);
        if (sf_command(sf(file_), SFC_SET_COMPRESSION_LEVEL, &level, sizeof level) != SF_TRUE)
            fail("cannot set the MP3 bit rate");
    } else if (format == AudioFormat::ogg_opus) {
        double level = 0.7;  // about 40 kbit/s at 48 kHz mono: plenty for speech
        sf_command(sf(file_), SFC_SET_COMPRESSION_LEVEL, &level, sizeof level);
    }
    if (file_rate_ != in_rate_) {
        int err = 0;
        converter_ = src_new(SRC_SINC_MEDIUM_QUALITY, 1, &err);
        if (!converter_) fail(std::string("cannot start the resampler: ") + src_strerror(err));
    }
    const std::pair<int, const std::string*> fields[] = {
        {SF_STR_TITLE, &tags.title}, {SF_STR_ALBUM, &tags.album}, {SF_STR_ARTIST, &tags.artist},
        {SF_STR_DATE, &tags.date},   {SF_STR_COMMENT, &tags.comment}};
    for (const auto& [type, value] : fields)
        if (!value->empty() && (format != AudioFormat::mp3 || ascii(*value)) &&
            sf_set_string(sf(file_), type, value->c_str()) != 0)
            fail("cannot set a tag");
}

EnclosureWriter::~EnclosureWriter() {
    if (converter_) src_delete(static_cast<SRC_STATE*>(converter_));
    if (file_) sf_close(sf(file_));
    if (!committed_) {
        std::error_code ec;
        fs::remove(tmp_, ec);
    }
}

void EnclosureWriter::fail(const std::string& what) {
    throw OutputError(target_.string() + ": " + what + ": " + sf_strerror(sf(file_)));
}

void EnclosureWriter::write(const std::int16_t* samples, std::size_t count) {
    if (!converter_) {
        const auto n = static_cast<sf_count_t>(count);
        if (sf_write_short(sf(file_), samples, n) != n) fail("short write (disk full?)");
        return;
    }
    std::vector<float> in(count);
    src_short_to_float_array(samples, in.data(), static_cast<int>(count));
    convert(in.data(), count, false);
}

// Feeds the converter and writes what it gives back; `last` drains it.
void EnclosureWriter::convert(const float* in, std::size_t count, bool last) {
    const double ratio = static_cast<double>(file_rate_) / in_rate_;
    std::vector<float> out(static_cast<std::size_t>(static_cast<double>(count) * ratio) + 4096);
    SRC_DATA d{};
    d.data_in = in;
    d.input_frames = static_cast<long>(count);
    d.src_ratio = ratio;
    d.end_of_input = last ? 1 : 0;
    do {
        d.data_out = out.data();
        d.output_frames = static_cast<long>(out.size());
        if (const int err = src_process(static_cast<SRC_STATE*>(converter_), &d))
            throw OutputError(target_.string() + ": resampling failed: " + src_strerror(err));
        if (sf_write_float(sf(file_), out.data(), d.output_frames_gen) != d.output_frames_gen)
            fail("short write (disk full?)");
        d.data_in += d.input_frames_used;
        d.input_frames -= d.input_frames_used;
    } while (d.input_frames > 0 || (last && d.output_frames_gen > 0));
}

void EnclosureWriter::commit() {
    if (converter_) convert(nullptr, 0, true);
    const int err = sf_close(sf(file_));
    file_ = nullptr;
    if (err != 0) throw OutputError(target_.string() + ": write failed: " + sf_error_number(err));
    std::error_code ec;
    fs::rename(tmp_, target_, ec);
    if (ec) throw OutputError(target_.string() + ": cannot rename into place: " + ec.message());
    committed_ = true;
}

}  // namespace briefing
