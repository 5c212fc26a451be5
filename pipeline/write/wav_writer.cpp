#include "write/wav_writer.hpp"

#include <sndfile.h>

#include <cstring>
#include <memory>
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

// Owns the open SNDFILE and the temporary path until commit.
class TempWav {
public:
    TempWav(fs::path target, int rate) : target_(std::move(target)), tmp_(target_.string() + ".tmp") {
        SF_INFO info{};
        info.samplerate = rate;
        info.channels = 1;
        info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
        file_ = sf_open(tmp_.c_str(), SFM_WRITE, &info);
        if (!file_) fail(target_, std::string("cannot create: ") + sf_strerror(nullptr));
    }
    ~TempWav() {
        if (file_) sf_close(file_);
        if (!committed_) {
            std::error_code ec;
            fs::remove(tmp_, ec);
        }
    }
    SNDFILE* get() { return file_; }
    [[noreturn]] void fail_here(const std::string& what) { fail(target_, what + ": " + sf_strerror(file_)); }

    void commit() {
        const int err = sf_close(file_);
        file_ = nullptr;
        if (err != 0) fail(target_, std::string("write failed: ") + sf_error_number(err));
        std::error_code ec;
        fs::rename(tmp_, target_, ec);
        if (ec) fail(target_, "cannot rename into place: " + ec.message());
        committed_ = true;
    }

private:
    fs::path target_;
    std::string tmp_;
    SNDFILE* file_ = nullptr;
    bool committed_ = false;
};

void set_tags(TempWav& wav, const InfoTags& tags) {
    const std::pair<int, const std::string*> fields[] = {
        {SF_STR_TITLE, &tags.title},   {SF_STR_ALBUM, &tags.album},     {SF_STR_ARTIST, &tags.artist},
        {SF_STR_TRACKNUMBER, &tags.track}, {SF_STR_DATE, &tags.date}, {SF_STR_COMMENT, &tags.comment},
        {SF_STR_SOFTWARE, &tags.software}};
    for (const auto& [type, value] : fields)
        if (!value->empty() && sf_set_string(wav.get(), type, value->c_str()) != 0)
            wav.fail_here("cannot set a RIFF INFO tag");
}

void set_cues(TempWav& wav, const std::vector<Cue>& cues) {
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
    if (sf_command(wav.get(), SFC_SET_CUE, buf.get(), static_cast<int>(bytes)) != SF_TRUE)
        wav.fail_here("cannot set cue points");
    std::string adtl = adtl_chunk(cues);
    SF_CHUNK_INFO chunk{};
    std::strcpy(chunk.id, "LIST");
    chunk.id_size = 4;
    chunk.datalen = static_cast<unsigned>(adtl.size());
    chunk.data = adtl.data();
    if (sf_set_chunk(wav.get(), &chunk) != SF_ERR_NO_ERROR) wav.fail_here("cannot add the chapter labels");
}

void write_samples(TempWav& wav, const std::vector<std::int16_t>& samples) {
    constexpr std::size_t kBlock = 1 << 16;
    for (std::size_t at = 0; at < samples.size(); at += kBlock) {
        const auto n = static_cast<sf_count_t>(std::min(kBlock, samples.size() - at));
        if (sf_write_short(wav.get(), samples.data() + at, n) != n) wav.fail_here("short write (disk full?)");
    }
}

std::vector<Cue> capped(const std::vector<Cue>& cues) {
    if (cues.size() <= kMaxCues) return cues;
    return std::vector<Cue>(cues.begin(), cues.begin() + kMaxCues);
}

}  // namespace

std::string adtl_chunk(const std::vector<Cue>& cues) {
    // Each label's text is NUL-padded to a multiple of 4 inside its labl
    // subchunk, so every subchunk (and the whole body) stays 4-byte aligned.
    // libsndfile pads custom chunks to 4 bytes, and its own reader rejects
    // a file whose LIST/adtl ends in padding that is not a subchunk.
    std::string out = "adtl";
    for (const auto& cue : cues) {
        const std::size_t text_bytes = (cue.label.size() + 1 + 3) / 4 * 4;
        out += "labl";
        put_u32(out, static_cast<uint32_t>(4 + text_bytes));
        put_u32(out, cue.id);
        out += cue.label;
        out.append(text_bytes - cue.label.size(), '\0');
    }
    return out;
}

void write_wav(const fs::path& target, int sample_rate, const std::vector<std::int16_t>& samples,
               const std::vector<Cue>& cues, const InfoTags& tags) {
    TempWav wav(target, sample_rate);
    set_tags(wav, tags);
    set_cues(wav, capped(cues));
    write_samples(wav, samples);
    wav.commit();
}

}  // namespace briefing
