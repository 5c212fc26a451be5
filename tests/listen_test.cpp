// The listen stage: time formats, gain and the true-peak limiter (pure, on
// synthetic signals), finish_article on synthetic sections (no eSpeak), then
// whole renders of our own short article checked file by file against the
// manifest, through libsndfile, our RIFF walker, ffprobe and libebur128.
#include <catch2/catch.hpp>
#include <ebur128.h>

#include <fcntl.h>
#include <sndfile.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "listen/limiter.hpp"
#include "listen/serial_worker.hpp"
#include "listen/true_peak.hpp"
#include "listen/listen.hpp"
#include "listen/loudness.hpp"
#include "listen/resample.hpp"
#include "listen/transcripts.hpp"
#include "render/render.hpp"
#include "riff_reader.hpp"
#include "run_process.hpp"
#include "text/data_dir.hpp"
#include "text/errors.hpp"
#include "write/text_files.hpp"

using namespace briefing;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr double kPi = 3.14159265358979323846;

fs::path fresh_dir(const char* name) { return test::fresh_dir("briefing_listen_test", name); }

struct Fixture {
    VoicePreset voice = load_voice("default", text::data_dir() / "voices");
    Normaliser normaliser = Normaliser::load(text::data_dir());
    Pronouncer pronouncer = Pronouncer::load(text::data_dir());

    // One engine per process: eSpeak NG 1.51 hangs in espeak_ng_Terminate
    // when a second engine is destroyed in the same process (measured), so
    // every render of a test case shares this one. The presets used below
    // differ only in their [output] keys, which the engine does not use.
    std::unique_ptr<EspeakEngine> engine;

    RenderResult render(const char* dir, const VoicePreset& v) {
        if (!engine) engine = std::make_unique<EspeakEngine>(v);
        RenderOptions options;
        options.output_root = fresh_dir(dir);
        return render_article(BRIEFING_TEST_INPUTS "/listen_article.md", options, v, *engine,
                              {normaliser, pronouncer});
    }
};

// What libsndfile reads back from one file.
struct WavInfo {
    int rate = 0;
    std::uint64_t frames = 0;
    std::map<int, std::string> tags;
    std::vector<std::pair<std::uint64_t, std::string>> cues;  // sample_offset, label
};

WavInfo read_wav(const fs::path& p) {
    SF_INFO info{};
    SNDFILE* f = sf_open(p.c_str(), SFM_READ, &info);
    INFO(p.string());
    REQUIRE(f);
    WavInfo w{info.samplerate, static_cast<std::uint64_t>(info.frames), {}, {}};
    for (int type : {SF_STR_TITLE, SF_STR_ALBUM, SF_STR_ARTIST, SF_STR_TRACKNUMBER, SF_STR_DATE, SF_STR_COMMENT})
        if (const char* s = sf_get_string(f, type)) w.tags[type] = s;
    std::uint32_t count = 0;
    if (sf_command(f, SFC_GET_CUE_COUNT, &count, sizeof count) == SF_TRUE && count > 0) {
        std::vector<char> buf(sizeof(std::uint32_t) + count * sizeof(SF_CUE_POINT));
        REQUIRE(sf_command(f, SFC_GET_CUE, buf.data(), static_cast<int>(buf.size())) == SF_TRUE);
        const auto* points = reinterpret_cast<const SF_CUE_POINT*>(buf.data() + sizeof(std::uint32_t));
        for (std::uint32_t i = 0; i < count; ++i) w.cues.emplace_back(points[i].sample_offset, points[i].name);
    }
    sf_close(f);
    return w;
}

// Checks the RIFF layout: sizes add up, `cue ` before `LIST adtl`, and the
// labels as FFmpeg reads them (text up to NUL, then at most one pad byte).
std::vector<std::string> check_riff(const fs::path& p) {
    INFO(p.string());
    const test::Riff riff = test::read_riff(p.string());
    CHECK(riff.declared_size + 8 == riff.file_size);
    std::vector<std::string> order;
    const test::Chunk* adtl = nullptr;
    for (const auto& c : riff.chunks) {
        order.push_back(c.list.empty() ? c.id : c.id + "/" + c.list);
        if (c.list == "adtl") adtl = &c;
    }
    CHECK(order == std::vector<std::string>{"fmt ", "LIST/INFO", "cue ", "LIST/adtl", "data"});
    REQUIRE(adtl);
    std::vector<std::string> labels;
    const std::string& b = adtl->body;
    std::size_t at = 4;
    while (at + 12 <= b.size() && b.compare(at, 4, "labl") == 0) {
        const std::size_t text_at = at + 12, nul = b.find('\0', text_at);
        REQUIRE(nul != std::string::npos);
        labels.push_back(b.substr(text_at, nul - text_at));
        at = nul + 1;
        at += at & 1;  // FFmpeg skips one pad byte to an even offset
    }
    return labels;
}


std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

std::int64_t clock_ms(const std::string& t) {  // "HH:MM:SS,mmm" or "HH:MM:SS.mmm"
    return std::stoll(t.substr(0, 2)) * 3600000 + std::stoll(t.substr(3, 2)) * 60000 +
           std::stoll(t.substr(6, 2)) * 1000 + std::stoll(t.substr(9, 3));
}

// Every sentence of the article in order, as in the manifest.
std::vector<json> all_sentences(const json& m) {
    std::vector<json> out;
    for (const auto& s : m["sections"])
        for (const auto& sentence : s["sentences"]) out.push_back(sentence);
    return out;
}

void check_subtitles(const fs::path& file, const json& m, char separator) {
    INFO(file.string());
    const std::vector<json> sentences = all_sentences(m);
    const std::vector<std::string> lines = lines_of(test::slurp(file.string()));
    std::size_t i = 0;
    for (std::size_t at = 0; at < lines.size(); ++at) {
        const std::size_t arrow = lines[at].find(" --> ");
        if (arrow == std::string::npos) continue;
        REQUIRE(i < sentences.size());
        CHECK(lines[at][8] == separator);
        CHECK(clock_ms(lines[at].substr(0, 12)) == sentences[i]["full_start_ms"].get<std::int64_t>());
        CHECK(clock_ms(lines[at].substr(arrow + 5, 12)) == sentences[i]["full_end_ms"].get<std::int64_t>());
        const std::string text = sentences[i]["text"];
        CHECK(lines[at + 1] == (separator == '.' ? vtt_escape(text) : text));
        if (separator == ',') CHECK(lines[at - 1] == std::to_string(i + 1));
        ++i;
    }
    CHECK(i == sentences.size());
}

void check_cue_sheet(const fs::path& file, const json& m) {
    const std::vector<std::string> lines = lines_of(test::slurp(file.string()));
    const int rate = m["full"]["sample_rate"];
    CHECK(std::find(lines.begin(), lines.end(), "FILE \"" + m["full"]["file"].get<std::string>() + "\" WAVE") !=
          lines.end());
    std::vector<std::string> titles, indexes;
    for (const auto& l : lines) {
        if (l.rfind("    TITLE ", 0) == 0) titles.push_back(l.substr(10));
        if (l.rfind("    INDEX 01 ", 0) == 0) indexes.push_back(l.substr(13));
    }
    const json& sections = m["full"]["sections"];
    REQUIRE(titles.size() == sections.size());
    REQUIRE(indexes.size() == sections.size());
    for (std::size_t i = 0; i < sections.size(); ++i) {
        std::string title = sections[i]["title"];
        std::replace(title.begin(), title.end(), '"', '\'');
        CHECK(titles[i] == "\"" + title + "\"");
        const std::string& t = indexes[i];  // mm:ss:ff
        const std::uint64_t frames = std::stoull(t.substr(0, 2)) * 60 * 75 + std::stoull(t.substr(3, 2)) * 75 +
                                     std::stoull(t.substr(6, 2));
        CHECK(frames == sections[i]["start_sample"].get<std::uint64_t>() * 75 / rate);
    }
}

void check_lrc(const fs::path& file, const json& section) {
    INFO(file.string());
    const std::vector<std::string> lines = lines_of(test::slurp(file.string()));
    CHECK(std::find(lines.begin(), lines.end(), "[ti:" + section["title"].get<std::string>() + "]") != lines.end());
    std::size_t i = 0;
    const json& sentences = section["sentences"];
    for (const auto& l : lines) {
        if (l.size() < 10 || l[0] != '[' || !std::isdigit(static_cast<unsigned char>(l[1]))) continue;
        const std::int64_t cs = std::stoll(l.substr(1, 2)) * 6000 + std::stoll(l.substr(4, 2)) * 100 +
                                std::stoll(l.substr(7, 2));
        if (i == sentences.size()) {  // the closing stamp at the last sentence's end
            CHECK(cs == sentences.back()["end_ms"].get<std::int64_t>() / 10);
            CHECK(l.size() == 10);
            ++i;
            continue;
        }
        REQUIRE(i < sentences.size());
        CHECK(cs == sentences[i]["start_ms"].get<std::int64_t>() / 10);
        CHECK(l.substr(10) == sentences[i]["text"].get<std::string>());
        ++i;
    }
    CHECK(i == sentences.size() + 1);
}

// Every check that holds for any preset.
void check_article(const fs::path& folder, const json& m) {
    REQUIRE(m.contains("full"));
    const int rate = m["full"]["sample_rate"];
    const std::string playlist = test::slurp((folder / m["playlist"].get<std::string>()).string());

    // Section files: tags kept, one cue per paragraph at its first sentence.
    for (const auto& s : m["sections"]) {
        const fs::path file = folder / s["file"].get<std::string>();
        INFO(file.string());
        const WavInfo w = read_wav(file);
        CHECK(w.rate == rate);
        CHECK(w.frames == s["samples"].get<std::uint64_t>());
        CHECK(w.tags.at(SF_STR_TITLE) == s["title"]);
        CHECK(w.tags.at(SF_STR_ALBUM) == m["article"]["title"]);
        CHECK(w.tags.at(SF_STR_TRACKNUMBER) == std::to_string(s["index"].get<int>()));
        CHECK(w.tags.count(SF_STR_ARTIST) + w.tags.count(SF_STR_DATE) + w.tags.count(SF_STR_COMMENT) == 3);
        CHECK(playlist.find("," + s["title"].get<std::string>() + "\n" + s["file"].get<std::string>() + "\n") !=
              std::string::npos);
        std::vector<std::uint64_t> starts;
        const json* previous = nullptr;
        for (const auto& sentence : s["sentences"]) {
            if (!previous || sentence["paragraph"] != (*previous)["paragraph"])
                starts.push_back(sentence["start_sample"]);
            CHECK(sentence["full_start_sample"].get<std::uint64_t>() ==
                  s["full_start_sample"].get<std::uint64_t>() + sentence["start_sample"].get<std::uint64_t>());
            previous = &sentence;
        }
        REQUIRE(w.cues.size() == starts.size());
        for (std::size_t i = 0; i < starts.size(); ++i) CHECK(w.cues[i].first == starts[i]);
        const std::vector<std::string> labels = check_riff(file);
        CHECK(labels.size() == starts.size());
        check_lrc(folder / s["lrc"].get<std::string>(), s);
    }

    // The full file: one titled cue per section at its first sample.
    const fs::path full = folder / m["full"]["file"].get<std::string>();
    const WavInfo w = read_wav(full);
    CHECK(w.rate == rate);
    CHECK(w.frames == m["full"]["samples"].get<std::uint64_t>());
    CHECK(w.tags.at(SF_STR_TITLE) == m["article"]["title"]);
    CHECK(w.tags.at(SF_STR_ALBUM) == m["article"]["title"]);
    CHECK(w.tags.count(SF_STR_ARTIST) + w.tags.count(SF_STR_TRACKNUMBER) + w.tags.count(SF_STR_DATE) +
              w.tags.count(SF_STR_COMMENT) ==
          4);
    const json& sections = m["full"]["sections"];
    REQUIRE(w.cues.size() == sections.size());
    const std::vector<std::string> labels = check_riff(full);
    REQUIRE(labels.size() == sections.size());
    std::uint64_t at = 0;
    for (std::size_t i = 0; i < sections.size(); ++i) {
        CHECK(sections[i]["start_sample"].get<std::uint64_t>() == at);
        CHECK(w.cues[i].first == at);
        CHECK(w.cues[i].second == sections[i]["title"]);
        CHECK(labels[i] == sections[i]["title"]);
        CHECK(m["sections"][i]["full_start_sample"].get<std::uint64_t>() == at);
        at += m["sections"][i]["samples"].get<std::uint64_t>();
    }
    CHECK(at == w.frames);
    CHECK(m["duration_ms"] == m["full"]["duration_ms"]);

    check_cue_sheet(folder / m["full"]["cue_sheet"].get<std::string>(), m);
    check_subtitles(folder / m["full"]["srt"].get<std::string>(), m, ',');
    check_subtitles(folder / m["full"]["vtt"].get<std::string>(), m, '.');
}

// ffprobe's chapters for the full file: exactly the manifest's sections.
void check_ffprobe(const fs::path& folder, const json& m) {
    const fs::path full = folder / m["full"]["file"].get<std::string>();
    const auto [code, out] = test::run_program({"ffprobe", "-v", "error", "-show_chapters", "-of", "json", full.string()});
    INFO(out);
    REQUIRE(code == 0);  // 127: ffprobe missing (scripts/setup.sh installs ffmpeg)
    const json chapters = json::parse(out)["chapters"];
    const json& sections = m["full"]["sections"];
    REQUIRE(chapters.size() == sections.size());
    for (std::size_t i = 0; i < sections.size(); ++i) {
        CHECK(chapters[i]["time_base"] == "1/" + std::to_string(m["full"]["sample_rate"].get<int>()));
        CHECK(chapters[i]["start"].get<std::uint64_t>() == sections[i]["start_sample"].get<std::uint64_t>());
        CHECK(std::llround(std::stod(chapters[i]["start_time"].get<std::string>()) * 1000) ==
              sections[i]["start_ms"].get<std::int64_t>());
        CHECK(chapters[i]["tags"]["title"] == sections[i]["title"]);
    }
}

// The reference meter: libebur128 (integrated + true peak), independent of
// our own LoudnessMeter, which it checks.
std::pair<double, double> reference_loudness(const float* samples, std::size_t count, int rate) {
    ebur128_state* st = ebur128_init(1, static_cast<unsigned long>(rate), EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK);
    REQUIRE(st);
    ebur128_add_frames_float(st, samples, count);
    double lufs = 0, peak = 0;
    ebur128_loudness_global(st, &lufs);
    ebur128_true_peak(st, 0, &peak);
    ebur128_destroy(&st);
    return {lufs, peak > 0 ? 20 * std::log10(peak) : -HUGE_VAL};
}

std::vector<float> read_all(const fs::path& p, int* rate = nullptr) {
    SF_INFO info{};
    SNDFILE* f = sf_open(p.c_str(), SFM_READ, &info);
    REQUIRE(f);
    std::vector<float> out(static_cast<std::size_t>(info.frames));
    sf_read_float(f, out.data(), info.frames);
    sf_close(f);
    if (rate) *rate = info.samplerate;
    return out;
}

// Integrated loudness and true peak of a file, measured afresh by the reference.
std::pair<double, double> loudness_of(const fs::path& p) {
    int rate = 0;
    const std::vector<float> audio = read_all(p, &rate);
    return reference_loudness(audio.data(), audio.size(), rate);
}

double true_peak_of(const std::vector<float>& samples, int rate) {
    return reference_loudness(samples.data(), samples.size(), rate).second;
}

// Quiet deterministic noise (a linear congruential generator), ±amplitude.
std::vector<float> noise(std::size_t count, float amplitude) {
    std::vector<float> out(count);
    std::uint32_t x = 12345;
    for (float& v : out) {
        x = x * 1664525u + 1013904223u;
        v = amplitude * (static_cast<float>(x >> 8) / static_cast<float>(1u << 23) - 1.0f);
    }
    return out;
}

// Adds a sine burst of `amplitude` over [from, to) (samples).
void add_sine(std::vector<float>& audio, std::size_t from, std::size_t to, double hz, double amplitude, int rate) {
    for (std::size_t i = from; i < to; ++i)
        audio[i] += static_cast<float>(amplitude * std::sin(2 * kPi * hz * static_cast<double>(i - from) / rate));
}

// Peaky "voiced" bursts: 5 cosine-phase harmonics of 150 Hz (a pulse train
// with a crest factor of 10 dB, like eSpeak NG's glottal pulses), 200 ms
// on, 100 ms off, between 300 ms of silence at each end; every `accent`-th
// burst (if any) twice as loud, the rare peak a limiter is for.
std::vector<float> buzz_section(int rate, double amplitude, int bursts, int accent) {
    const std::size_t edge = static_cast<std::size_t>(rate) * 3 / 10, on = static_cast<std::size_t>(rate) / 5,
                      off = static_cast<std::size_t>(rate) / 10;
    std::vector<float> audio(2 * edge + static_cast<std::size_t>(bursts) * (on + off), 0.0f);
    for (int b = 0; b < bursts; ++b) {
        const std::size_t from = edge + static_cast<std::size_t>(b) * (on + off);
        const double a = accent && b % accent == accent - 1 ? 2 * amplitude : amplitude;
        for (std::size_t i = from; i < from + on; ++i)
            for (int h = 1; h <= 5; ++h)
                audio[i] += static_cast<float>(a / 5 *
                                               std::cos(2 * kPi * 150.0 * h * static_cast<double>(i - from) / rate));
    }
    return audio;
}

// A folder with section WAVs and a manifest as render leaves them for
// finish_article: one sentence per 1.5 s, a paragraph per two sentences.
json synthetic_article(const fs::path& folder, const std::vector<std::vector<float>>& sections, int rate) {
    json m = {{"engine", {{"sample_rate", rate}}},
              {"article", {{"title", "合成"}, {"source", "synthetic.txt"}}},
              {"playlist", "synthetic.m3u8"},
              {"sections", json::array()}};
    std::string playlist = "#EXTM3U\n";
    for (std::size_t i = 0; i < sections.size(); ++i) {
        const std::string file = "0" + std::to_string(i + 1) + "-s.wav";
        json sentences = json::array();
        const std::uint64_t n = sections[i].size(), step = static_cast<std::uint64_t>(rate) * 3 / 2;
        for (std::uint64_t at = 0, k = 0; at < n; at += step, ++k)
            sentences.push_back({{"start_sample", at},
                                 {"end_sample", std::min(at + step, n)},
                                 {"paragraph", k / 2},
                                 {"text", "第" + std::to_string(k + 1) + "句。"}});
        const std::string title = "节" + std::to_string(i + 1);
        write_wav(folder / file, rate, to_int16(sections[i], 1.0), {},
                  {title, "合成", "Briefing", std::to_string(i + 1), "2026-11-24", "synthetic", "Briefing"});
        playlist += "#EXTINF:1," + title + "\n" + file + "\n";
        m["sections"].push_back(
            {{"index", i + 1}, {"file", file}, {"title", title}, {"samples", n}, {"sentences", std::move(sentences)}});
    }
    write_file_atomic(folder / "synthetic.m3u8", playlist);  // render writes it; check_article reads it
    return m;
}

std::vector<float> read_floats(const fs::path& p) {
    SF_INFO info{};
    SNDFILE* f = sf_open(p.c_str(), SFM_READ, &info);
    REQUIRE(f);
    std::vector<float> out(static_cast<std::size_t>(info.frames));
    CHECK(sf_read_float(f, out.data(), info.frames) == info.frames);
    sf_close(f);
    return out;
}

ListenOptions synthetic_options() {
    ListenOptions o;  // -16 LUFS, -1 dBTP, the rate kept
    o.date = "2026-11-24";
    return o;
}

// How many samples of `out` (a written file) are `in` (as first written to
// int16) times one factor, to within one int16 step: the factor is fitted
// from the loudest unlimited samples (the manifest's gain_db is rounded).
std::size_t samples_at_one_gain(const std::vector<float>& in, const std::vector<float>& out) {
    REQUIRE(in.size() == out.size());
    const std::vector<std::int16_t> written = to_int16(in, 1.0);
    double num = 0, den = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
        num += static_cast<double>(out[i]) * written[i] / 32768.0;
        den += static_cast<double>(written[i]) * written[i] / 32768.0 / 32768.0;
    }
    const double factor = den > 0 ? num / den : 1;
    std::size_t n = 0;
    for (std::size_t i = 0; i < in.size(); ++i)
        n += std::fabs(out[i] * 32768.0 - written[i] * factor) <= 1.0;
    return n;
}

}  // namespace

TEST_CASE("time formats: CUE frames, LRC centiseconds, SRT commas, VTT dots", "[listen]") {
    CHECK(cue_time(0, 22050) == "00:00:00");
    CHECK(cue_time(22050 * 61 + 294 * 73 + 293, 22050) == "01:01:73");  // 294 samples a frame, floor
    CHECK(cue_time(22050 * 61 + 22050 - 1, 22050) == "01:01:74");
    CHECK(cue_time(48000ULL * 60 * 125, 48000) == "125:00:00");  // minutes past 99
    CHECK(lrc_time(0) == "00:00.00");
    CHECK(lrc_time(61239) == "01:01.23");  // truncated, never late
    CHECK(lrc_time(999) == "00:00.99");
    CHECK(srt_time(3723004) == "01:02:03,004");
    CHECK(vtt_time(3723004) == "01:02:03.004");
    CHECK(srt_time(59999) == "00:00:59,999");
    CHECK(vtt_time(-5) == "00:00:00.000");
}

TEST_CASE("transcript texts: SRT blocks, VTT escapes, LRC closing stamp, CUE quotes", "[listen]") {
    const std::vector<TimedLine> lines{{300, 2500, "第一句。"}, {2800, 4100, "a<b & c>d\nnext"}};
    CHECK(srt_text(lines) ==
          "1\n00:00:00,300 --> 00:00:02,500\n第一句。\n\n2\n00:00:02,800 --> 00:00:04,100\na<b & c>d next\n\n");
    CHECK(vtt_text(lines) == "WEBVTT\n\n00:00:00.300 --> 00:00:02.500\n第一句。\n\n"
                             "00:00:02.800 --> 00:00:04.100\na&lt;b &amp; c&gt;d next\n\n");
    CHECK(lrc_text({"节", "Briefing", ""}, lines) ==
          "[ti:节]\n[ar:Briefing]\n[00:00.30]第一句。\n[00:02.80]a<b & c>d next\n[00:04.10]\n");
    CHECK(cue_quote("新增\"夜归人\"专线") == "\"新增'夜归人'专线\"");
    const CueSheet sheet{"a.wav", "标题", "Briefing", "2026-11-24", 22050, {{"一", "Briefing", 0}, {"二", "B", 22050}}};
    CHECK(cue_sheet_text(sheet) == "REM DATE 2026-11-24\nPERFORMER \"Briefing\"\nTITLE \"标题\"\nFILE \"a.wav\" WAVE\n"
                                   "  TRACK 01 AUDIO\n    TITLE \"一\"\n    PERFORMER \"Briefing\"\n"
                                   "    INDEX 01 00:00:00\n  TRACK 02 AUDIO\n    TITLE \"二\"\n"
                                   "    PERFORMER \"B\"\n    INDEX 01 00:01:00\n");
}

TEST_CASE("make-up gain: target minus measured, whatever the peak, and silence stays silent", "[listen]") {
    CHECK(makeup_gain_db(-20, -16) == Approx(4));
    CHECK(makeup_gain_db(-12, -16) == Approx(-4));     // turning down
    CHECK(makeup_gain_db(-HUGE_VAL, -16) == 0);         // silence
    CHECK(db_to_factor(-6.0206) == Approx(0.5).epsilon(1e-4));
    std::vector<float> v{0.25f, -0.5f};
    apply_gain(v, 2.0);
    CHECK(v == std::vector<float>{0.5f, -1.0f});
    CHECK(to_int16({0.5f, -1.0f, 0.9f}, 2.0) == std::vector<std::int16_t>{32767, -32768, 32767});
}

TEST_CASE("to_int16 rounds half away from zero, as std::round does", "[listen]") {
    const float q = 1.0f / 32768;  // one step of int16
    const std::vector<float> in{0.5f * q, -0.5f * q, 0.49f * q, -0.49f * q, 2.5f * q, -2.5f * q, 7.75f * q, -7.25f * q, 0};
    CHECK(to_int16(in, 1.0) == std::vector<std::int16_t>{1, -1, 0, 0, 3, -3, 8, -7, 0});
    for (float x = -1.1f; x < 1.1f; x += 0.000123f) {
        const double expected = std::clamp(std::round(x * 0.9 * 32768.0), -32768.0, 32767.0);
        REQUIRE(to_int16({x}, 0.9).at(0) == static_cast<std::int16_t>(expected));
    }
}

// True peak: both are 4x-oversampling estimates with different interpolators,
// which agree within 0.1 dB where speech has its energy and differ near
// Nyquist (BS.1770-4 Annex 2 allows such a 4x meter to under-read by up to
// 0.69 dB there): full-band noise is held to 0.5 dB.
TEST_CASE("our loudness meter agrees with libebur128: integrated within 0.02 LU and true peak within 0.1 dB on tones and bursts",
          "[listen][loudness]") {
    for (const int rate : {22050, 44100, 48000}) {
        // Speech-like bursts with silences (both gates at work), noise, a tone.
        std::vector<float> bursts = buzz_section(rate, 0.1, 16, 8);
        std::vector<float> hiss = noise(static_cast<std::size_t>(rate) * 3, 0.2f);
        std::vector<float> tone(static_cast<std::size_t>(rate) * 2, 0.0f);
        add_sine(tone, 0, tone.size(), 997, 0.5, rate);
        for (const auto* signal : {&bursts, &hiss, &tone}) {
            INFO("rate " << rate << ", signal of " << signal->size() << " samples");
            LoudnessMeter ours(rate);
            for (std::size_t at = 0; at < signal->size(); at += 1000)  // fed in odd blocks
                ours.add(signal->data() + at, std::min<std::size_t>(1000, signal->size() - at));
            const auto [lufs, peak] = reference_loudness(signal->data(), signal->size(), rate);
            CHECK(ours.integrated_lufs() == Approx(lufs).margin(0.02));
            CHECK(ours.true_peak_dbtp() == Approx(peak).margin(signal == &hiss ? 0.5 : 0.1));
        }
    }
    LoudnessMeter silent(22050);
    const std::vector<float> zeros(22050, 0.0f);
    silent.add(zeros);
    CHECK(silent.integrated_lufs() == -HUGE_VAL);
    CHECK(silent.true_peak_dbtp() == -HUGE_VAL);
    CHECK_THROWS_AS(LoudnessMeter(4000), OutputError);
    CHECK_THROWS_AS(LoudnessMeter(22050, false).true_peak_dbtp(), std::logic_error);
}

TEST_CASE("loudness meter: pieces with warm-up, merged, measure what one meter does", "[listen][loudness]") {
    const int rate = 22050;
    std::vector<float> audio;
    for (int i = 0; i < 4; ++i) {
        const std::vector<float> part = buzz_section(rate, 0.05 + 0.02 * i, 12, 4);
        audio.insert(audio.end(), part.begin(), part.end());
    }
    LoudnessMeter whole(rate);
    whole.add(audio);
    // Two meters take turns with 2 s pieces, each after 0.3 s of warm-up.
    std::vector<LoudnessMeter> meters;
    meters.emplace_back(rate);
    meters.emplace_back(rate);
    const std::size_t piece = 2 * rate, warm = 3 * rate / 10;
    for (std::size_t at = 0, k = 0; at < audio.size(); at += piece, ++k) {
        const std::size_t w = std::min(warm, at);
        meters[k % 2].warm_up(audio.data() + at - w, w);
        meters[k % 2].add(audio.data() + at, std::min(piece, audio.size() - at));
    }
    meters[0].merge(meters[1]);
    CHECK(meters[0].integrated_lufs() == Approx(whole.integrated_lufs()).margin(0.001));
    CHECK(meters[0].true_peak_dbtp() == Approx(whole.true_peak_dbtp()).margin(1e-6));
    CHECK_THROWS_AS(meters[0].merge(LoudnessMeter(44100)), std::invalid_argument);
}

TEST_CASE("true peak: a quarter-rate sine sampled off its crests reads 3 dB above its samples", "[listen][loudness]") {
    // sin(pi/2 n + pi/4): every sample is ±0.707 of the amplitude, the crests fall between them.
    std::vector<float> x(4096);
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = static_cast<float>(0.5 * std::sin(3.14159265358979 / 2 * static_cast<double>(i) + 3.14159265358979 / 4));
    std::vector<float> peaks(x.size() - 20);
    true_peak::interval_peaks(x.data() + 10, peaks.size(), peaks.data());
    const float highest = *std::max_element(peaks.begin(), peaks.end());
    CHECK(true_peak::max_abs(x.data(), 10, x.size() - 10) == Approx(0.5 * std::sqrt(0.5)).epsilon(1e-4));
    CHECK(20 * std::log10(highest / 0.5) == Approx(0).margin(0.2));  // the crest, within 0.2 dB
    CHECK(true_peak::max_interval_peak(x.data() + 10, peaks.size(), 0) == highest);
    CHECK(true_peak::max_interval_peak(x.data() + 10, peaks.size(), 2.0f) == 2.0f);  // nothing beats it
    // The bound holds on any signal: here, noise.
    const std::vector<float> n = noise(4096, 0.9f);
    true_peak::interval_peaks(n.data() + 10, peaks.size(), peaks.data());
    for (std::size_t i = 0; i < peaks.size(); ++i) {
        const float around = true_peak::max_abs(n.data(), i + 10 - true_peak::kBefore, i + 10 + true_peak::kAfter + 1);
        REQUIRE(peaks[i] <= around * true_peak::bound_factor());
    }
}

TEST_CASE("serial worker: tasks run in order, a failure comes back once, inline without a thread",
          "[listen][worker]") {
    for (const bool threaded : {true, false}) {
        INFO("threaded " << threaded);
        std::vector<int> ran;
        {
            SerialWorker worker(threaded, 2);
            for (int i = 0; i < 50; ++i) worker.post([&ran, i] { ran.push_back(i); });
            worker.drain();
            CHECK(ran.size() == 50);
            CHECK(std::is_sorted(ran.begin(), ran.end()));
            const auto fails = [] { throw OutputError("disk full"); };
            if (threaded) {
                worker.post(fails);
                CHECK_THROWS_AS(worker.drain(), OutputError);
                worker.drain();  // reported once; the worker goes on
            } else {
                CHECK_THROWS_AS(worker.post(fails), OutputError);  // inline: straight back
            }
            worker.post([&ran] { ran.push_back(99); });
            worker.drain();
            CHECK(ran.back() == 99);
        }
    }
    // Destroyed with work queued: it finishes the running task and drops the rest.
    std::atomic<int> done{0};
    {
        SerialWorker worker(true, 100);
        for (int i = 0; i < 100; ++i) worker.post([&done] {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            ++done;
        });
    }
    CHECK(done.load() <= 100);
}

TEST_CASE("positions rescale to the nearest sample, and resampled lengths are exact", "[listen]") {
    CHECK(rescale_position(22050, 22050, 48000) == 48000);
    CHECK(rescale_position(6615, 22050, 44100) == 13230);
    CHECK(rescale_position(1, 22050, 48000) == 2);
    std::vector<float> tone(22050 + 7);
    for (std::size_t i = 0; i < tone.size(); ++i) tone[i] = 0.5f * std::sin(static_cast<float>(i) * 0.05f);
    CHECK(resample(tone, 22050, 48000).size() == resampled_length(tone.size(), 22050, 48000));
    CHECK(resample(tone, 22050, 22050) == tone);
}

TEST_CASE("limiter: a loud sine burst in quiet noise is capped, the length kept, quiet parts sample-equal",
          "[listen][limiter]") {
    const int rate = 22050;
    std::vector<float> in = noise(2 * rate, 0.01f);
    const std::size_t from = rate * 8 / 10, to = rate;  // 0.8 s to 1.0 s
    add_sine(in, from, to, 1000, 0.75, rate);
    apply_gain(in, 2.0);  // the article's make-up gain: the burst now peaks at +3.5 dBFS
    REQUIRE(true_peak_of(in, rate) > 3);

    PeakLimiter limiter(rate, LimiterSettings{});
    std::vector<float> out;
    // Odd block sizes: the state runs on across blocks.
    for (std::size_t at = 0, block = 1; at < in.size(); at += block, block = block * 3 % 1001 + 1)
        limiter.process(in.data() + at, std::min(block, in.size() - at), out);
    CHECK(out.size() < in.size());  // the look-ahead is still held back
    limiter.finish(out);
    REQUIRE(out.size() == in.size());

    CHECK(true_peak_of(out, rate) <= -1.0 + 0.1);
    const double threshold = db_to_factor(-1.0 - LimiterSettings{}.margin_db);
    CHECK(*std::max_element(out.begin(), out.end()) <= threshold);
    const LimiterReport& r = limiter.report();
    CHECK(r.engaged());
    CHECK(r.samples == in.size());
    // The burst (1.5) plus the noise (0.02) over the threshold; a little
    // more where the burst's abrupt onset overshoots between samples.
    CHECK(r.max_gain_reduction_db >= 20 * std::log10(1.5 / threshold));
    CHECK(r.max_gain_reduction_db <= 20 * std::log10(1.52 / threshold) + 0.2);
    // Quiet parts: bit-identical before the attack starts (5 ms + detector)
    // and after the release ends (80 ms + look-ahead).
    const std::size_t before = from - rate / 100, after = to + rate / 10;
    CHECK(std::equal(in.begin(), in.begin() + before, out.begin()));
    CHECK(std::equal(in.begin() + after, in.end(), out.begin() + after));
    CHECK(r.limited_samples < after - before);
    // In the burst the gain dips, it never boosts.
    for (std::size_t i = before; i < after; ++i) REQUIRE(std::fabs(out[i]) <= std::fabs(in[i]) + 1e-7f);
}

TEST_CASE("limiter: peaks between samples are caught", "[listen][limiter]") {
    // A sine at a quarter of the rate, 45 degrees off the sample grid: every
    // sample is at 0.707 of the true peak, which is 0 dBTP. A sample-peak
    // limiter would see -3 dB and pass it.
    const int rate = 48000;
    std::vector<float> in(rate / 2, 0.0f);
    for (std::size_t i = rate / 10; i < in.size() - rate / 10; ++i)
        in[i] = static_cast<float>(std::sin(kPi / 2 * static_cast<double>(i) + kPi / 4));
    REQUIRE(*std::max_element(in.begin(), in.end()) < db_to_factor(-2.9));
    REQUIRE(true_peak_of(in, rate) > -0.5);
    std::vector<float> out = in;
    const LimiterReport r = limit_in_place(out, rate, LimiterSettings{});
    CHECK(r.engaged());
    CHECK(true_peak_of(out, rate) <= -1.0 + 0.1);
}

TEST_CASE("limiter: audio under the ceiling passes bit-identical, in any blocks, and edge cases", "[listen][limiter]") {
    const int rate = 22050;
    std::vector<float> in = noise(rate, 0.5f);  // peaks under -6 dBFS
    std::vector<float> whole = in;
    const LimiterReport r = limit_in_place(whole, rate, LimiterSettings{});
    CHECK(whole == in);
    CHECK_FALSE(r.engaged());
    CHECK(r.max_gain_reduction_db == 0);
    CHECK(r.samples == in.size());

    // The same output whether fed whole or one sample at a time.
    add_sine(in, rate / 4, rate / 2, 440, 0.9, rate);
    std::vector<float> a = in, b;
    limit_in_place(a, rate, LimiterSettings{});
    PeakLimiter one(rate, LimiterSettings{});
    for (const float x : in) one.process(&x, 1, b);
    one.finish(b);
    CHECK(a == b);
    CHECK(one.report().engaged());

    std::vector<float> empty;
    CHECK(limit_in_place(empty, rate, LimiterSettings{}).samples == 0);
    CHECK(empty.empty());
    LimiterSettings bad;
    bad.release_ms = 0;
    CHECK_THROWS_AS(PeakLimiter(rate, bad), std::invalid_argument);
    CHECK_THROWS_AS(PeakLimiter(0, LimiterSettings{}), std::invalid_argument);
}

TEST_CASE("finish_article with the limiter on synthetic sections: -16 LUFS under -1 dBTP, lengths and chapters unchanged",
          "[listen][limiter]") {
    const int rate = 22050;
    const fs::path folder = fresh_dir("synthetic");
    // Peaky bursts far below -16 LUFS: the gain to -16 puts the accented
    // bursts over the ceiling, while the middle section, quieter and without
    // accents, stays under it and so must come out at exactly the one gain.
    const std::vector<std::vector<float>> in{buzz_section(rate, 0.1, 16, 8), buzz_section(rate, 0.05, 7, 0),
                                             buzz_section(rate, 0.1, 16, 8)};
    json m = synthetic_article(folder, in, rate);
    finish_article(folder, m, synthetic_options());

    const auto [lufs, peak] = loudness_of(folder / "synthetic.wav");
    const json& l = m["loudness"];
    INFO("measured " << lufs << " LUFS, " << peak << " dBTP; manifest " << l.dump());
    CHECK(std::fabs(lufs - (-16)) < 1.0);
    CHECK(peak <= -1.0 + 0.1);
    CHECK(l["limiter"] == true);
    CHECK(l["max_gain_reduction_db"].get<double>() > 1);
    CHECK(l["limited_percent"].get<double>() > 0);
    CHECK(l["limited_percent"].get<double>() < 100);
    CHECK(l["output_lufs"].get<double>() == Approx(lufs).margin(0.05));
    CHECK(l["true_peak_dbtp"].get<double>() == Approx(peak).margin(0.1));  // our meter vs libebur128
    CHECK(l["limiter_compensation_db"].get<double>() ==
          Approx(l["gain_db"].get<double>() - (-16 - l["measured_lufs"].get<double>())).margin(0.02));

    // Sample-exact lengths; chapters where the sections were.
    std::uint64_t at = 0;
    std::vector<std::vector<float>> out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        out.push_back(read_floats(folder / m["sections"][i]["file"].get<std::string>()));
        CHECK(out[i].size() == in[i].size());
        CHECK(m["sections"][i]["samples"] == in[i].size());
        CHECK(m["full"]["sections"][i]["start_sample"] == at);
        CHECK(m["sections"][i]["sentences"][0]["full_start_sample"] == at);
        at += in[i].size();
    }
    CHECK(m["full"]["samples"] == at);
    check_article(folder, m);

    // One gain for all: the quiet section is its input times that gain, every
    // sample; the loud ones too, except around their peaks.
    CHECK(samples_at_one_gain(in[1], out[1]) == in[1].size());
    for (const std::size_t i : {std::size_t{0}, std::size_t{2}}) {
        const std::size_t same = samples_at_one_gain(in[i], out[i]);
        CHECK(same < in[i].size());
        CHECK(same > in[i].size() / 4);
    }
}

TEST_CASE("finish_article: under the ceiling the limiter stays out and the gain is target minus measured",
          "[listen][limiter]") {
    const int rate = 22050;
    const fs::path folder = fresh_dir("synthetic-sine");
    // A steady 1 kHz sine has a crest of 3 dB: at -16 LUFS it peaks near -13 dBTP.
    std::vector<float> tone(rate * 3, 0.0f);
    add_sine(tone, rate / 2, rate * 5 / 2, 1000, 0.05, rate);
    json m = synthetic_article(folder, {tone}, rate);
    finish_article(folder, m, synthetic_options());
    const json& l = m["loudness"];
    CHECK(l["limiter"] == false);
    CHECK(l["max_gain_reduction_db"] == 0);
    CHECK(l["limited_percent"] == 0);
    CHECK(l["limiter_compensation_db"] == 0);
    CHECK(l["gain_db"].get<double>() == Approx(-16 - l["measured_lufs"].get<double>()).margin(0.01));
    const std::vector<float> out = read_floats(folder / "synthetic.wav");
    CHECK(samples_at_one_gain(tone, out) == tone.size());
    const auto [lufs, peak] = loudness_of(folder / "synthetic.wav");
    CHECK(std::fabs(lufs - (-16)) < 0.1);
    CHECK(peak < -10);
    check_article(folder, m);
}

TEST_CASE("listen_options reads the preset's [output] keys", "[listen]") {
    VoicePreset v;
    v.output_sample_rate = 48000;
    v.loudness_lufs = -18;
    v.true_peak_dbtp = -2;
    v.output_formats = "flac,,mp3,wav";
    const ListenOptions o = listen_options(v, "Me", "2026-11-24");
    CHECK(o.sample_rate == 48000);
    CHECK(o.loudness_lufs == -18);
    CHECK(o.true_peak_dbtp == -2);
    CHECK(o.formats == std::vector<AudioFormat>{AudioFormat::flac, AudioFormat::mp3});
    CHECK(o.artist == "Me");
    v.output_formats = "aiff";
    CHECK_THROWS_AS(listen_options(v, "", ""), VoiceError);
}

TEST_CASE("full WAV, CUE sheet, LRC, SRT, VTT agree with the manifest, and ffprobe sees titled chapters",
          "[listen][espeak]") {
    Fixture fx;
    VoicePreset v = fx.voice;
    v.output_formats = "opus";  // Opus cannot be written at eSpeak NG's 22050 Hz: skipped, not an error
    const RenderResult r = fx.render("default", v);
    const json& m = r.manifest;
    REQUIRE(m["sections"].size() == 3);
    CHECK(m["full"]["sample_rate"] == m["engine"]["sample_rate"]);
    CHECK(m["full"]["formats"].empty());
    REQUIRE(m["full"]["skipped_formats"].size() == 1);
    CHECK(m["full"]["skipped_formats"][0]["format"] == "opus");
    CHECK_FALSE(fs::exists(r.folder / (fs::path(m["full"]["file"].get<std::string>()).stem().string() + ".opus")));
    check_article(r.folder, m);
    check_ffprobe(r.folder, m);
    CHECK(m["sections"][1]["title"] == "新增\"夜归人\"专线");
}

TEST_CASE("loudness at the default preset: full WAV at -16 LUFS within 1 LU, true peak under -1 dBTP",
          "[listen][espeak]") {
    Fixture fx;
    REQUIRE(fx.voice.loudness_lufs == -16);
    REQUIRE(fx.voice.true_peak_dbtp == -1);
    const RenderResult r = fx.render("loudness", fx.voice);
    const json& m = r.manifest;
    const auto [lufs, peak] = loudness_of(r.folder / m["full"]["file"].get<std::string>());
    const json& l = m["loudness"];
    INFO("measured " << lufs << " LUFS, " << peak << " dBTP; manifest " << l.dump());
    CHECK(std::fabs(lufs - (-16)) < 1.0);
    CHECK(peak <= -1.0 + 0.1);
    // eSpeak NG's speech needs the limiter at -16 LUFS, and the manifest says what it did.
    CHECK(l["target_lufs"] == -16);
    CHECK(l["limiter"] == true);
    CHECK(l["max_gain_reduction_db"].get<double>() > 0);
    CHECK(l["output_lufs"].get<double>() == Approx(lufs).margin(0.05));
    CHECK(l["true_peak_dbtp"].get<double>() == Approx(peak).margin(0.1));  // our meter vs libebur128
    CHECK(l["limiter_compensation_db"].get<double>() >= 0);
    CHECK(l["limiter_compensation_db"].get<double>() <= 2.0 + 0.01);
    // Every section file under the ceiling too, and the lengths add up.
    std::uint64_t total = 0;
    for (const auto& s : m["sections"]) {
        const auto [section_lufs, section_peak] = loudness_of(r.folder / s["file"].get<std::string>());
        CHECK(section_peak <= -1.0 + 0.1);
        total += s["samples"].get<std::uint64_t>();
    }
    CHECK(m["full"]["samples"] == total);
    check_article(r.folder, m);
}

TEST_CASE("resampled to 48 kHz with extra formats: positions rescaled, chapters exact", "[listen][espeak]") {
    Fixture fx;
    VoicePreset v = fx.voice;
    v.output_sample_rate = 48000;
    v.output_formats = "flac,ogg,opus,mp3";
    const RenderResult r = fx.render("resampled", v);
    const json& m = r.manifest;
    CHECK(m["full"]["sample_rate"] == 48000);
    CHECK(m["engine"]["sample_rate"] == 22050);
    check_article(r.folder, m);
    check_ffprobe(r.folder, m);
    // Limited at 48 kHz, where resampling has moved the peaks.
    const auto [lufs, peak] = loudness_of(r.folder / m["full"]["file"].get<std::string>());
    INFO("measured " << lufs << " LUFS, " << peak << " dBTP");
    CHECK(std::fabs(lufs - (-16)) < 1.0);
    CHECK(peak <= -1.0 + 0.1);
    // Sentence positions scaled from eSpeak NG's rate: the first starts after section_start pause.
    CHECK(m["sections"][0]["sentences"][0]["start_sample"] == 48000 * fx.voice.pause_section_start_ms / 1000);

    std::set<std::string> written;
    for (const auto& f : m["full"]["formats"]) {
        written.insert(f["format"].get<std::string>());
        const fs::path file = r.folder / f["file"].get<std::string>();
        INFO(file.string());
        SF_INFO info{};
        SNDFILE* s = sf_open(file.c_str(), SFM_READ, &info);
        REQUIRE(s);
        CHECK(info.samplerate == 48000);
        const char* title = sf_get_string(s, SF_STR_TITLE);
        if (f["format"] == "mp3")
            CHECK((title == nullptr || *title == 0));  // Chinese would be garbled as Latin-1 ID3: left out
        else
            CHECK((title && std::string(title) == m["article"]["title"]));
        const char* artist = sf_get_string(s, SF_STR_ARTIST);
        CHECK((artist && std::string(artist) == "Briefing"));
        sf_close(s);
    }
    for (const auto& f : m["full"]["skipped_formats"]) written.insert(f["format"].get<std::string>());
    CHECK(written == std::set<std::string>{"flac", "ogg", "opus", "mp3"});
    CHECK(written.size() == m["full"]["formats"].size() + m["full"]["skipped_formats"].size());
}

