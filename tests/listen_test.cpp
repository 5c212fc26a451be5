// The listen stage: time formats and gain (pure), then whole renders of our
// own short article checked file by file against the manifest, through
// libsndfile, our RIFF walker, ffprobe and libebur128.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sndfile.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "listen/listen.hpp"
#include "listen/loudness.hpp"
#include "listen/resample.hpp"
#include "listen/transcripts.hpp"
#include "render/render.hpp"
#include "riff_reader.hpp"
#include "run_process.hpp"
#include "text/data_dir.hpp"
#include "text/errors.hpp"

using namespace briefing;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

fs::path fresh_dir(const char* name) {
    const fs::path d = fs::temp_directory_path() / "briefing_listen_test" / name;
    fs::remove_all(d);
    fs::create_directories(d);
    return d;
}

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

// Runs argv[0] with argv (no shell); returns its exit code and stdout.
std::pair<int, std::string> run(const std::vector<std::string>& argv) {
    const fs::path out = fs::temp_directory_path() / ("briefing_listen_run_" + std::to_string(::getpid()));
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::string text = test::slurp(out.string());
    fs::remove(out);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), text};
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
    const auto [code, out] = run({"ffprobe", "-v", "error", "-show_chapters", "-of", "json", full.string()});
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

// Integrated loudness and true peak of a file, measured afresh.
std::pair<double, double> loudness_of(const fs::path& p) {
    SF_INFO info{};
    SNDFILE* f = sf_open(p.c_str(), SFM_READ, &info);
    REQUIRE(f);
    LoudnessMeter meter(info.samplerate);
    std::vector<float> block(1 << 15);
    for (sf_count_t n; (n = sf_read_float(f, block.data(), static_cast<sf_count_t>(block.size()))) > 0;)
        meter.add(block.data(), static_cast<std::size_t>(n));
    sf_close(f);
    return {meter.integrated_lufs(), meter.true_peak_dbtp()};
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

TEST_CASE("gain: loudness to target unless the true-peak ceiling is lower", "[listen]") {
    CHECK(normalising_gain_db(-20, -8, -16, -1) == Approx(4));      // peak ends at -4: target wins
    CHECK(normalising_gain_db(-20, -2, -16, -1) == Approx(1));      // peak would be +2: ceiling wins
    CHECK(normalising_gain_db(-12, -0.5, -16, -1) == Approx(-4));   // turning down
    CHECK(normalising_gain_db(-HUGE_VAL, -HUGE_VAL, -16, -1) == 0);  // silence stays silent
    CHECK(db_to_factor(-6.0206) == Approx(0.5).epsilon(1e-4));
    CHECK(to_int16({0.5f, -1.0f, 0.9f}, 2.0) == std::vector<std::int16_t>{32767, -32768, 32767});
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

TEST_CASE("loudness: one gain to the target, true peak under the ceiling", "[listen][espeak]") {
    Fixture fx;
    VoicePreset quiet = fx.voice;
    quiet.loudness_lufs = -23;  // low enough that the peak ceiling cannot bind on eSpeak's speech
    const RenderResult r = fx.render("loudness", quiet);
    const json& l = r.manifest["loudness"];
    CHECK(l["target_lufs"] == -23);
    CHECK(l["gain_db"].get<double>() == Approx(-23 - l["measured_lufs"].get<double>()).margin(0.02));
    const auto [lufs, peak] = loudness_of(r.folder / r.manifest["full"]["file"].get<std::string>());
    CHECK(std::fabs(lufs - (-23)) < 1.0);
    CHECK(peak <= -1.0 + 0.1);
    CHECK(l["output_lufs"].get<double>() == Approx(lufs).margin(0.05));

    // The default target (-16 LUFS at -1 dBTP): whichever limit binds is met.
    const RenderResult d = fx.render("loudness-default", fx.voice);
    const auto [lufs_d, peak_d] = loudness_of(d.folder / d.manifest["full"]["file"].get<std::string>());
    INFO("measured " << lufs_d << " LUFS, " << peak_d << " dBTP");
    CHECK(peak_d <= -1.0 + 0.1);
    CHECK((std::fabs(lufs_d - (-16)) < 1.0 || peak_d > -1.0 - 0.1));
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
