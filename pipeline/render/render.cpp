#include "render/render.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <algorithm>
#include <set>
#include <system_error>

#include <spdlog/spdlog.h>

#include "assemble/assemble.hpp"
#include "listen/listen.hpp"
#include "listen/loudness.hpp"
#include "listen/serial_worker.hpp"
#include "text/clock.hpp"
#include "text/errors.hpp"
#include "write/file_names.hpp"
#include "write/staging.hpp"
#include "write/text_files.hpp"
#include "write/wav_writer.hpp"

namespace briefing {

const char* const kVersion = BRIEFING_VERSION;

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void check_cancel() {
    if (const int sig = EspeakEngine::cancel_signal().load()) throw Interrupted(sig);
}

std::string utc_now() { return text::now_text("%Y-%m-%dT%H:%M:%SZ", true); }

json voice_json(const VoicePreset& v) {
    return {{"name", v.name},
            {"source", v.source},
            {"espeak_voice", v.espeak_voice},
            {"english_voice", v.english_voice},
            {"variant", v.variant},
            {"rate", v.rate},
            {"pitch", v.pitch},
            {"range", v.range},
            {"volume", v.volume},
            {"pauses_ms",
             {{"sentence", v.pause_sentence_ms},
              {"paragraph", v.pause_paragraph_ms},
              {"section_start", v.pause_section_start_ms},
              {"section_end", v.pause_section_end_ms}}},
            {"output",
             {{"sample_rate", v.output_sample_rate},
              {"loudness_lufs", v.loudness_lufs},
              {"true_peak_dbtp", v.true_peak_dbtp},
              {"formats", v.output_formats}}}};
}

std::string section_file_name(std::size_t index, std::size_t count, const std::string& title,
                              std::set<std::string>& taken) {
    const int width = count >= 100 ? (count >= 1000 ? 4 : 3) : 2;
    std::string number = std::to_string(index + 1);
    number.insert(0, static_cast<std::size_t>(width) - std::min<std::size_t>(number.size(), width), '0');
    return unique_name(number + "-" + safe_name(title, "section", 60), taken) + ".wav";
}

// The audio for one sentence: from the cache when it has it.
std::vector<std::int16_t> sentence_audio(const std::vector<SpeechRun>& runs, const VoicePreset& voice,
                                         EspeakEngine& engine, SentenceCache* cache) {
    if (!cache) return engine.synthesize(runs).samples;
    const std::string key = sentence_key(runs, voice.to_string(), engine.version(), engine.sample_rate());
    if (auto hit = cache->load(key, engine.sample_rate())) return std::move(*hit);
    std::vector<std::int16_t> samples = engine.synthesize(runs).samples;
    cache->store(key, engine.sample_rate(), samples);
    return samples;
}

// Speaks one sentence unit; returns it with its audio.
SpokenSentence speak(const SentenceUnit& unit, const VoicePreset& voice, EspeakEngine& engine, const Toolkit& tools,
                     SentenceCache* cache) {
    SpokenSentence s;
    s.paragraph = unit.paragraph;
    s.text = unit.text;
    s.spoken = tools.normaliser(unit.text);
    s.samples = sentence_audio(speech_runs(tools.pronouncer.tokens(s.spoken)), voice, engine, cache);
    if (spdlog::should_log(spdlog::level::debug))
        spdlog::debug("sentence {}.{}: {} samples: {}", unit.section, unit.index, s.samples.size(), s.spoken);
    return s;
}

// Measures the article's loudness while it is synthesised, so the listen
// stage need not read every section back to measure it: each sentence, and
// each silence the assemble stage puts around it, goes to one meter in
// timeline order, on a thread of its own when there is a core to spare
// (synthesis leaves the second core idle). The audio is handed over in
// long stretches, which the meter filters fastest (loudness.cpp).
class TimelineMeter {
public:
    TimelineMeter(int rate, bool threaded) : meter_(rate), worker_(threaded, 8) { pending_.reserve(kStretch); }

    void silence(std::uint64_t count) { append(nullptr, count); }
    void sentence(const std::vector<std::int16_t>& samples) { append(samples.data(), samples.size()); }
    std::uint64_t samples() const { return fed_; }
    // Waits for the meter to catch up; rethrows its failure.
    const LoudnessMeter& result() {
        hand_over();
        worker_.drain();
        return meter_;
    }

private:
    static constexpr std::size_t kStretch = 1 << 17;

    // Appends `count` samples from `from` (nullptr: silence).
    void append(const std::int16_t* from, std::uint64_t count) {
        fed_ += count;
        while (count > 0) {
            const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(count, kStretch - pending_.size()));
            if (from) {
                pending_.insert(pending_.end(), from, from + n);
                from += n;
            } else {
                pending_.resize(pending_.size() + n, 0);
            }
            count -= n;
            if (pending_.size() == kStretch) hand_over();
        }
    }
    void hand_over() {
        if (pending_.empty()) return;
        worker_.post([this, pcm = std::move(pending_)] {
            as_float(pcm, scratch_);
            meter_.add(scratch_);
        });
        pending_ = {};
        pending_.reserve(kStretch);
    }

    LoudnessMeter meter_;
    std::vector<float> scratch_;  // the worker's, reused
    std::uint64_t fed_ = 0;
    std::vector<std::int16_t> pending_;
    SerialWorker worker_;  // last: its tasks use the members above
};

json section_json(const SectionAudio& audio, const std::string& file) {
    json sentences = json::array();
    for (const auto& s : audio.sentences)
        sentences.push_back({{"paragraph", s.paragraph},
                             {"start_ms", samples_to_ms(s.start, audio.sample_rate)},
                             {"end_ms", samples_to_ms(s.end, audio.sample_rate)},
                             {"start_sample", s.start},
                             {"end_sample", s.end},
                             {"text", s.text},
                             {"spoken", s.spoken}});
    return {{"index", audio.index + 1},
            {"title", audio.title},
            {"file", file},
            {"samples", audio.samples.size()},
            {"duration_ms", samples_to_ms(audio.samples.size(), audio.sample_rate)},
            {"sentences", std::move(sentences)}};
}

// Every file render wrote, so an up-to-date check can verify they are all there.
json staged_files(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

std::string render_fingerprint(const VoicePreset& voice, const RenderOptions& options) {
    return std::string("briefing ") + kVersion + "; " + voice.to_string() +
           "; max_sentence=" + std::to_string(options.segment.max_han) +
           " read_title=" + (options.segment.read_title ? "1" : "0") + " artist=" + options.artist;
}

std::string article_slug(const Article& article) { return safe_name(article.title, "article"); }

std::vector<std::vector<SpeechRun>> article_speech(const Article& article, const SegmentOptions& options,
                                                   const Toolkit& tools) {
    std::vector<std::vector<SpeechRun>> out;
    for (const auto& unit : segment(article, options))
        out.push_back(speech_runs(tools.pronouncer.tokens(tools.normaliser(unit.text))));
    return out;
}

std::size_t warm_cache(const std::vector<std::vector<SpeechRun>>& speech, std::size_t offset, std::size_t stride,
                       const VoicePreset& voice, EspeakEngine& engine, SentenceCache& cache) {
    std::size_t made = 0;
    for (std::size_t i = offset; i < speech.size(); i += stride) {
        check_cancel();
        const std::string key = sentence_key(speech[i], voice.to_string(), engine.version(), engine.sample_rate());
        if (cache.load(key, engine.sample_rate())) continue;
        cache.store(key, engine.sample_rate(), engine.synthesize(speech[i]).samples);
        ++made;
    }
    return made;
}

nlohmann::json tokens_json(const std::vector<Token>& tokens) {
    json out = json::array();
    for (const auto& t : tokens) {
        json j = {{"text", t.text}};
        if (!t.pinyin.empty()) j["pinyin"] = t.pinyin;
        if (!t.lang.empty()) j["lang"] = t.lang;
        out.push_back(std::move(j));
    }
    return out;
}

nlohmann::json inspect_article(const Article& article, const SegmentOptions& options, const Toolkit& tools) {
    json sections = json::array();
    for (const auto& s : article.sections) sections.push_back({{"title", s.title}, {"sentences", json::array()}});
    for (const auto& unit : segment(article, options)) {
        const std::string spoken = tools.normaliser(unit.text);
        sections[unit.section]["sentences"].push_back({{"paragraph", unit.paragraph},
                                                       {"text", unit.text},
                                                       {"spoken", spoken},
                                                       {"tokens", tokens_json(tools.pronouncer.tokens(spoken))}});
    }
    return {{"title", article.title}, {"source", article.source}, {"sections", std::move(sections)}};
}

RenderResult render_article(const fs::path& input, const RenderOptions& options, const VoicePreset& voice,
                            EspeakEngine& engine, const Toolkit& tools) {
    const Article article = ingest(input, options.max_input_bytes);
    const std::vector<SentenceUnit> units = segment(article, options.segment);
    const std::string slug = options.slug.empty() ? article_slug(article) : options.slug;
    StagingFolder staging(options.output_root, slug);
    const int rate = engine.sample_rate();

    json sections = json::array();
    std::vector<PlaylistEntry> playlist;
    std::set<std::string> taken;
    std::uint64_t total_samples = 0;
    TimelineMeter timeline(rate, options.threads > 1);
    std::size_t next = 0;
    for (std::size_t s = 0; s < article.sections.size(); ++s) {
        std::vector<SpokenSentence> spoken;
        timeline.silence(ms_to_samples(voice.pause_section_start_ms, rate));
        for (; next < units.size() && units[next].section == s; ++next) {
            check_cancel();
            spoken.push_back(speak(units[next], voice, engine, tools, options.cache));
            const bool last = next + 1 == units.size() || units[next + 1].section != s;
            timeline.sentence(spoken.back().samples);
            timeline.silence(ms_to_samples(
                pause_after_ms(voice, last, !last && units[next + 1].paragraph != units[next].paragraph), rate));
        }
        if (spoken.empty()) timeline.silence(ms_to_samples(voice.pause_section_end_ms, rate));
        const Section& section = article.sections[s];
        SectionAudio audio = assemble_section(s, section.title, rate, voice, std::move(spoken));
        const std::string file = section_file_name(s, article.sections.size(), section.title, taken);
        InfoTags tags{section.title, article.title, options.artist, std::to_string(s + 1), utc_now().substr(0, 10),
                      "Rendered by Briefing from " + fs::path(article.source).filename().string(), "Briefing"};
        write_wav(staging.path() / file, rate, audio.samples, audio.cues, tags);
        total_samples += audio.samples.size();
        playlist.push_back({file, section.title, static_cast<double>(audio.samples.size()) / rate});
        sections.push_back(section_json(audio, file));
    }
    check_cancel();
    const std::string playlist_name = slug + ".m3u8";

    json manifest = {{"briefing_version", kVersion},
                     {"rendered_at", utc_now()},
                     {"article", {{"title", article.title}, {"source", article.source}, {"sha256", article.sha256}}},
                     {"voice", voice_json(voice)},
                     {"engine", {{"name", "eSpeak NG"}, {"version", engine.version()}, {"sample_rate", rate}}},
                     {"duration_ms", samples_to_ms(total_samples, rate)},
                     {"playlist", playlist_name},
                     {"sections", std::move(sections)}};
    // Loudness, resampling, the full file, transcripts; may change durations.
    ListenOptions listen = listen_options(voice, options.artist, utc_now().substr(0, 10));
    listen.threads = options.threads;
    const LoudnessMeter& measured = timeline.result();
    // The timeline meter must have heard exactly what was written; if the
    // two ever disagree, listen measures the files instead.
    const bool heard_all = timeline.samples() == total_samples;
    if (!heard_all) spdlog::warn("measuring while synthesising missed some audio; measuring the files instead");
    finish_article(staging.path(), manifest, listen, heard_all ? &measured : nullptr);
    playlist.clear();
    for (const auto& s : manifest["sections"])
        playlist.push_back({s["file"], s["title"], s["duration_ms"].get<double>() / 1000.0});
    write_file_atomic(staging.path() / playlist_name, playlist_text(playlist));
    manifest["settings"] = render_fingerprint(voice, options);
    manifest["files"] = staged_files(staging.path());
    write_file_atomic(staging.path() / "manifest.json", manifest.dump(2) + "\n");
    const fs::path folder = options.output_root / slug;
    staging.commit(folder);
    return {folder, std::move(manifest)};
}

}  // namespace briefing
