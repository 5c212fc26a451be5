#include "write/wav_writer.hpp"

#include <sndfile.h>

#include <cstring>
#include <memory>
#include <stdexcept>
#include <system_error>

#include "text/errors.hpp"

namespace briefing {

namespace fs = std::filesystem;

namespace {

void put_u32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

[[noreturn]] void fail(const fs::path& target, const std::string& what) {
    throw OutputError(target.string() + ": " + what);
}

SNDFILE* sf(void* file) { return static_cast<SNDFILE*>(file); }

int sf_format(AudioFormat format) {
    switch (format) {
        case AudioFormat::wav: return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
        case AudioFormat::flac: return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
        case AudioFormat::ogg_vorbis: return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
        case AudioFormat::ogg_opus: return SF_FORMAT_OGG | SF_FORMAT_OPUS;
        case AudioFormat::mp3: return SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III;
    }
    return 0;
}

// These throw std::runtime_error; AudioWriter adds the file name and
// libsndfile's own message.
bool ascii(const std::string& s) {
    for (const char c : s)
        if (static_cast<unsigned char>(c) > 0x7F) return false;
    return true;
}

// `ascii_only`: leave out values with other characters (see AudioWriter).
void set_tags(SNDFILE* file, const InfoTags& tags, bool ascii_only) {
    const std::pair<int, const std::string*> fields[] = {
        {SF_STR_TITLE, &tags.title},   {SF_STR_ALBUM, &tags.album},     {SF_STR_ARTIST, &tags.artist},
        {SF_STR_TRACKNUMBER, &tags.track}, {SF_STR_DATE, &tags.date}, {SF_STR_COMMENT, &tags.comment},
        {SF_STR_SOFTWARE, &tags.software}};
    for (const auto& [type, value] : fields)
        if (!value->empty() && (!ascii_only || ascii(*value)) && sf_set_string(file, type, value->c_str()) != 0)
            throw std::runtime_error("cannot set a tag");
}

void set_cues(SNDFILE* file, const std::vector<Cue>& cues) {
    if (cues.empty()) return;
    // SF_CUES is a count followed by the points; size it for `cues`.
    const std::size_t bytes = sizeof(uint32_t) + cues.size() * sizeof(SF_CUE_POINT);
    std::unique_ptr<char[]> buf(new char[bytes]());
    const auto count = static_cast<uint32_t>(cues.size());
    std::memcpy(buf.get(), &count, sizeof count);
    auto* points = reinterpret_cast<SF_CUE_POINT*>(buf.get() + sizeof(uint32_t));
    for (std::size_t i = 0; i < cues.size(); ++i) {
        points[i].indx = static_cast<int32_t>(cues[i].id);
        points[i].position = static_cast<uint32_t>(cues[i].sample);
        points[i].fcc_chunk = 0x61746164;  // 'data', little-endian
        points[i].sample_offset = static_cast<uint32_t>(cues[i].sample);
    }
    if (sf_command(file, SFC_SET_CUE, buf.get(), static_cast<int>(bytes)) != SF_TRUE)
        throw std::runtime_error("cannot set cue points");
    std::string adtl = adtl_chunk(cues);
    SF_CHUNK_INFO chunk{};
    std::strcpy(chunk.id, "LIST");
    chunk.id_size = 4;
    chunk.datalen = static_cast<unsigned>(adtl.size());
    chunk.data = adtl.data();
    if (sf_set_chunk(file, &chunk) != SF_ERR_NO_ERROR) throw std::runtime_error("cannot add the chapter labels");
}

std::vector<Cue> capped(const std::vector<Cue>& cues) {
    if (cues.size() <= kMaxCues) return cues;
    return std::vector<Cue>(cues.begin(), cues.begin() + kMaxCues);
}

}  // namespace

std::string adtl_chunk(const std::vector<Cue>& cues) {
    // Two readers constrain the layout:
    //  - FFmpeg reads a labl's text up to its NUL and then expects the next
    //    subchunk right there, after at most the one RIFF pad byte that
    //    makes it even. So each labl's size is exactly 4 + text + NUL, plus
    //    a pad byte (not counted in the size) when that is odd.
    //  - libsndfile pads custom chunks to a multiple of 4, and its reader
    //    rejects a LIST/adtl that ends in padding that is not a subchunk.
    //    So the *last* labl's text gets as many extra NULs (counted in its
    //    size) as bring the whole body to a multiple of 4; every reader
    //    stops at the first NUL.
    std::string out = "adtl";
    for (std::size_t i = 0; i < cues.size(); ++i) {
        const Cue& cue = cues[i];
        std::size_t text_bytes = cue.label.size() + 1;
        const bool last = i + 1 == cues.size();
        if (last) text_bytes += (4 - (out.size() + 12 + text_bytes) % 4) % 4;
        out += "labl";
        put_u32(out, static_cast<uint32_t>(4 + text_bytes));
        put_u32(out, cue.id);
        out += cue.label;
        out.append(text_bytes - cue.label.size(), '\0');
        if (out.size() % 2) out.push_back('\0');  // RIFF pad byte, outside the size
    }
    return out;
}

const char* format_name(AudioFormat format) {
    switch (format) {
        case AudioFormat::wav: return "wav";
        case AudioFormat::flac: return "flac";
        case AudioFormat::ogg_vorbis: return "ogg";
        case AudioFormat::ogg_opus: return "opus";
        case AudioFormat::mp3: return "mp3";
    }
    return "?";
}

bool can_write(AudioFormat format, int sample_rate) {
    SF_INFO info{};
    info.samplerate = sample_rate;
    info.channels = 1;
    info.format = sf_format(format);
    if (!sf_format_check(&info)) return false;
    if (format != AudioFormat::ogg_opus) return true;
    // sf_format_check accepts any rate for Opus, but sf_open refuses these.
    for (const int rate : {8000, 12000, 16000, 24000, 48000})
        if (sample_rate == rate) return true;
    return false;
}

AudioWriter::AudioWriter(fs::path target, int sample_rate, AudioFormat format, const InfoTags& tags,
                         const std::vector<Cue>& cues)
    : target_(std::move(target)), tmp_(target_.string() + ".tmp") {
    SF_INFO info{};
    info.samplerate = sample_rate;
    info.channels = 1;
    info.format = sf_format(format);
    file_ = sf_open(tmp_.c_str(), SFM_WRITE, &info);
    if (!file_) briefing::fail(target_, std::string("cannot create: ") + sf_strerror(nullptr));
    // Both must precede the first sample: libsndfile puts them in the header.
    try {
        set_tags(sf(file_), tags, format == AudioFormat::mp3);
        if (format == AudioFormat::wav) set_cues(sf(file_), capped(cues));
    } catch (const std::runtime_error& e) {
        fail(e.what());
    }
}

AudioWriter::~AudioWriter() {
    if (file_) sf_close(sf(file_));
    if (!committed_) {
        std::error_code ec;
        fs::remove(tmp_, ec);
    }
}

void AudioWriter::fail(const std::string& what) { briefing::fail(target_, what + ": " + sf_strerror(sf(file_))); }

void AudioWriter::write(const std::int16_t* samples, std::size_t count) {
    constexpr std::size_t kBlock = 1 << 16;
    for (std::size_t at = 0; at < count; at += kBlock) {
        const auto n = static_cast<sf_count_t>(std::min(kBlock, count - at));
        if (sf_write_short(sf(file_), samples + at, n) != n) fail("short write (disk full?)");
    }
    written_ += count;
}

void AudioWriter::commit() {
    const int err = sf_close(sf(file_));
    file_ = nullptr;
    if (err != 0) briefing::fail(target_, std::string("write failed: ") + sf_error_number(err));
    std::error_code ec;
    fs::rename(tmp_, target_, ec);
    if (ec) briefing::fail(target_, "cannot rename into place: " + ec.message());
    committed_ = true;
}

void write_wav(const fs::path& target, int sample_rate, const std::vector<std::int16_t>& samples,
               const std::vector<Cue>& cues, const InfoTags& tags) {
    AudioWriter wav(target, sample_rate, AudioFormat::wav, tags, cues);
    wav.write(samples);
    wav.commit();
}

}  // namespace briefing
