#include "listen/listen.hpp"

#include <sndfile.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdint>
#include <memory>

#include "assemble/assemble.hpp"
#include "listen/limiter.hpp"
#include "listen/loudness.hpp"
#include "listen/resample.hpp"
#include "listen/transcripts.hpp"
#include "synth/espeak_engine.hpp"
#include "text/errors.hpp"
#include "text/utf8.hpp"
#include "write/text_files.hpp"

namespace briefing {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

[[noreturn]] void fail(const fs::path& file, const std::string& what) {
    throw OutputError(file.string() + ": " + what);
}

void check_cancel() {
    if (const int sig = EspeakEngine::cancel_signal().load()) throw Interrupted(sig);
}

// A section file read back whole: its audio (floats, int16 / 32768) and what
// its header carried.
struct SectionFile {
    std::vector<float> samples;
    InfoTags tags;
    std::vector<std::string> labels;  // cue labels, in cue order
};

struct CloseFile {
    void operator()(SNDFILE* f) const { sf_close(f); }  // read-only: nothing to lose
};
using ReadHandle = std::unique_ptr<SNDFILE, CloseFile>;

std::string read_tag(SNDFILE* f, int type) {
    const char* s = sf_get_string(f, type);
    return s ? s : "";
}

InfoTags read_tags(SNDFILE* f) {
    InfoTags t{read_tag(f, SF_STR_TITLE), read_tag(f, SF_STR_ALBUM),  read_tag(f, SF_STR_ARTIST),
               read_tag(f, SF_STR_TRACKNUMBER), read_tag(f, SF_STR_DATE), read_tag(f, SF_STR_COMMENT),
               read_tag(f, SF_STR_SOFTWARE)};
    // libsndfile appends " (libsndfile-x.y.z)" on every write; keep ours only.
    t.software = t.software.substr(0, t.software.find(" (libsndfile"));
    return t;
}

std::vector<std::string> read_labels(SNDFILE* f) {
    std::uint32_t count = 0;
    if (sf_command(f, SFC_GET_CUE_COUNT, &count, sizeof count) != SF_TRUE || count == 0) return {};
    const std::size_t bytes = sizeof(std::uint32_t) + count * sizeof(SF_CUE_POINT);
    std::vector<char> buf(bytes);
    if (sf_command(f, SFC_GET_CUE, buf.data(), static_cast<int>(bytes)) != SF_TRUE) return {};
    const auto* points = reinterpret_cast<const SF_CUE_POINT*>(buf.data() + sizeof(std::uint32_t));
    std::vector<std::string> labels;
    for (std::uint32_t i = 0; i < count; ++i) labels.emplace_back(points[i].name);
    return labels;
}

// Reads `path`, which must be mono at `rate` with `frames` samples.
SectionFile read_section(const fs::path& path, int rate, std::uint64_t frames) {
    SF_INFO info{};
    ReadHandle f(sf_open(path.c_str(), SFM_READ, &info));
    if (!f) fail(path, std::string("cannot read: ") + sf_strerror(nullptr));
    if (info.channels != 1 || info.samplerate != rate || static_cast<std::uint64_t>(info.frames) != frames)
        fail(path, "does not match the manifest (" + std::to_string(info.frames) + " samples at " +
                       std::to_string(info.samplerate) + " Hz, expected " + std::to_string(frames) + " at " +
                       std::to_string(rate) + " Hz)");
    SectionFile out;
    out.samples.resize(frames);
    const auto n = static_cast<sf_count_t>(frames);
    if (sf_read_float(f.get(), out.samples.data(), n) != n) fail(path, "short read: " + std::string(sf_strerror(f.get())));
    out.tags = read_tags(f.get());
    out.labels = read_labels(f.get());
    return out;
}

// Where one section lands in the output.
struct SectionPlan {
    fs::path path;
    std::string file;
    std::string title;
    std::uint64_t in_samples = 0;
    std::uint64_t out_samples = 0;
    std::uint64_t full_start = 0;  // first sample in the full file
};

std::vector<SectionPlan> plan_sections(const fs::path& folder, const json& sections, int in_rate, int out_rate) {
    std::vector<SectionPlan> plans;
    std::uint64_t at = 0;
    for (const auto& s : sections) {
        SectionPlan p;
        p.file = s.at("file").get<std::string>();
        p.path = folder / p.file;
        p.title = s.at("title").get<std::string>();
        p.in_samples = s.at("samples").get<std::uint64_t>();
        p.out_samples = resampled_length(p.in_samples, in_rate, out_rate);
        p.full_start = at;
        at += p.out_samples;
        plans.push_back(std::move(p));
    }
    return plans;
}

double round2(double v) { return std::isfinite(v) ? std::round(v * 100) / 100 : v; }

// Pass 1: the loudness of all sections together, at the input rate.
LoudnessMeter measure(const std::vector<SectionPlan>& plans, int rate) {
    LoudnessMeter meter(rate);
    for (const auto& p : plans) {
        check_cancel();
        meter.add(read_section(p.path, rate, p.in_samples).samples);
    }
    return meter;
}

// Gain then limiter, in place: what every section goes through.
LimiterReport level(std::vector<float>& audio, int rate, double factor, const LimiterSettings& limiter) {
    apply_gain(audio, factor);
    return limit_in_place(audio, rate, limiter);
}

// The most the make-up gain is raised to win back what the limiter takes:
// beyond this the limiter would be squashing speech, not trimming peaks.
constexpr double kMaxCompensationDb = 2;

// The one make-up gain (dB) for the article. The limiter takes a little
// energy off the peaks (0.6-0.8 LU on eSpeak NG speech at -16 LUFS), so
// the plain gain would land short of the target; trial runs of gain +
// limiter over the article, at the engine's rate, measure the shortfall and
// the gain is raised by it (twice at most: the second run checks the first
// correction, which itself makes the limiter work a little harder).
double choose_gain(const std::vector<SectionPlan>& plans, int rate, double measured, double target,
                   const LimiterSettings& limiter) {
    const double base = makeup_gain_db(measured, target);
    double gain = base;
    for (int trial = 0; trial < 2 && std::isfinite(measured); ++trial) {
        LoudnessMeter meter(rate, false);  // the limiter holds the peaks; only loudness is asked here
        LimiterReport limited;
        for (const auto& p : plans) {
            check_cancel();
            std::vector<float> audio = read_section(p.path, rate, p.in_samples).samples;
            limited.add(level(audio, rate, db_to_factor(gain), limiter));
            meter.add(audio);
        }
        const double shortfall = target - meter.integrated_lufs();
        spdlog::debug("trial gain {:.2f} dB: {:.2f} LUFS after the limiter", gain, target - shortfall);
        if (!limited.engaged() || std::fabs(shortfall) < 0.05 || !std::isfinite(shortfall)) break;
        gain = std::min(gain + shortfall, base + kMaxCompensationDb);
    }
    return gain;
}

std::string stem_of(const std::string& name) { return fs::path(name).stem().string(); }

// A paragraph's label when the file has none to keep (same rule as assemble).
std::string fallback_label(const std::string& text) {
    std::u32string cps = text::decode(text);
    if (cps.size() > 24) cps = cps.substr(0, 24) + U"…";
    return text::encode(cps);
}

// Rescales the section's sentence positions to `out_rate` (manifest in
// place) and adds their positions in the full file.
void update_sentences(json& sentences, const SectionPlan& p, int in_rate, int out_rate) {
    for (auto& s : sentences) {
        const std::uint64_t start = rescale_position(s.at("start_sample").get<std::uint64_t>(), in_rate, out_rate);
        const std::uint64_t end =
            std::min(rescale_position(s.at("end_sample").get<std::uint64_t>(), in_rate, out_rate), p.out_samples);
        s["start_sample"] = start;
        s["end_sample"] = end;
        s["start_ms"] = samples_to_ms(start, out_rate);
        s["end_ms"] = samples_to_ms(end, out_rate);
        s["full_start_sample"] = p.full_start + start;
        s["full_end_sample"] = p.full_start + end;
        s["full_start_ms"] = samples_to_ms(p.full_start + start, out_rate);
        s["full_end_ms"] = samples_to_ms(p.full_start + end, out_rate);
    }
}

// One cue per paragraph, at its first sentence; labels kept from the file.
std::vector<Cue> paragraph_cues(const json& sentences, const std::vector<std::string>& labels) {
    std::vector<Cue> cues;
    const json* previous = nullptr;
    for (const auto& s : sentences) {
        if (!previous || s.at("paragraph") != previous->at("paragraph")) {
            const std::size_t i = cues.size();
            cues.push_back({static_cast<std::uint32_t>(i + 1), s.at("start_sample").get<std::uint64_t>(),
                            i < labels.size() && !labels[i].empty() ? labels[i]
                                                                     : fallback_label(s.at("text").get<std::string>())});
        }
        previous = &s;
    }
    return cues;
}

std::vector<TimedLine> lines(const json& sentences, const char* start_key, const char* end_key) {
    std::vector<TimedLine> out;
    for (const auto& s : sentences)
        out.push_back({s.at(start_key).get<std::int64_t>(), s.at(end_key).get<std::int64_t>(),
                       s.at("text").get<std::string>()});
    return out;
}

// The full file and the extra formats, open together and fed section by section.
struct FullOutputs {
    std::unique_ptr<AudioWriter> wav;
    std::vector<std::unique_ptr<AudioWriter>> extra;
    json formats = json::array();
    json skipped = json::array();

    void write(const std::vector<std::int16_t>& samples) {
        wav->write(samples);
        for (auto& w : extra) w->write(samples);
    }
    void commit() {
        wav->commit();
        for (auto& w : extra) w->commit();
    }
};

FullOutputs open_full(const fs::path& folder, const std::string& stem, int rate, const InfoTags& tags,
                      const std::vector<Cue>& chapters, const std::vector<AudioFormat>& formats) {
    FullOutputs out;
    out.wav = std::make_unique<AudioWriter>(folder / (stem + ".wav"), rate, AudioFormat::wav, tags, chapters);
    for (const AudioFormat f : formats) {
        const std::string name = stem + "." + format_name(f);
        if (!can_write(f, rate)) {
            const std::string reason = std::string("this libsndfile cannot write ") + format_name(f) + " at " +
                                       std::to_string(rate) + " Hz";
            spdlog::warn("{}: skipped: {}", name, reason);
            out.skipped.push_back({{"format", format_name(f)}, {"reason", reason}});
            continue;
        }
        out.extra.push_back(std::make_unique<AudioWriter>(folder / name, rate, f, tags));
        out.formats.push_back({{"format", format_name(f)}, {"file", name}});
    }
    return out;
}

std::vector<Cue> section_chapters(const std::vector<SectionPlan>& plans) {
    std::vector<Cue> cues;
    for (const auto& p : plans)
        cues.push_back({static_cast<std::uint32_t>(cues.size() + 1), p.full_start, p.title});
    return cues;
}

json loudness_json(double measured, double peak, const ListenOptions& o, double gain, const LimiterReport& limited,
                   const LoudnessMeter& after) {
    const double compensation = gain - makeup_gain_db(measured, o.loudness_lufs);
    const double percent =
        limited.samples ? 100.0 * static_cast<double>(limited.limited_samples) / static_cast<double>(limited.samples) : 0;
    return {{"measured_lufs", round2(measured)},
            {"measured_true_peak_dbtp", round2(peak)},
            {"target_lufs", o.loudness_lufs},
            {"true_peak_ceiling_dbtp", o.true_peak_dbtp},
            {"gain_db", round2(gain)},
            {"limiter_compensation_db", round2(compensation)},
            {"limiter", limited.engaged()},
            {"max_gain_reduction_db", round2(limited.max_gain_reduction_db)},
            {"limited_percent", round2(percent)},
            {"true_peak_dbtp", round2(after.true_peak_dbtp())},
            {"output_lufs", round2(after.integrated_lufs())}};
}

std::vector<float> as_float(const std::vector<std::int16_t>& samples) {
    std::vector<float> out(samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) out[i] = static_cast<float>(samples[i]) / 32768.0f;
    return out;
}

}  // namespace

ListenOptions listen_options(const VoicePreset& voice, std::string artist, std::string date) {
    ListenOptions o;
    o.sample_rate = voice.output_sample_rate;
    o.loudness_lufs = voice.loudness_lufs;
    o.true_peak_dbtp = voice.true_peak_dbtp;
    o.artist = std::move(artist);
    o.date = std::move(date);
    const std::string& list = voice.output_formats;
    for (std::size_t at = 0; at <= list.size();) {
        std::size_t end = list.find(',', at);
        if (end == std::string::npos) end = list.size();
        const std::string f = list.substr(at, end - at);
        at = end + 1;
        if (f.empty() || f == "wav") continue;
        if (f == "flac") o.formats.push_back(AudioFormat::flac);
        else if (f == "ogg") o.formats.push_back(AudioFormat::ogg_vorbis);
        else if (f == "opus") o.formats.push_back(AudioFormat::ogg_opus);
        else if (f == "mp3") o.formats.push_back(AudioFormat::mp3);
        else throw VoiceError(voice.source + ": output.formats: '" + f + "' is not one of flac, ogg, opus, mp3");
    }
    return o;
}

void finish_article(const fs::path& folder, json& manifest, const ListenOptions& options) {
    const int in_rate = manifest.at("engine").at("sample_rate").get<int>();
    const int out_rate = options.sample_rate > 0 ? options.sample_rate : in_rate;
    json& sections = manifest.at("sections");
    const std::vector<SectionPlan> plans = plan_sections(folder, sections, in_rate, out_rate);
    const std::string article_title = manifest.at("article").at("title").get<std::string>();
    const std::string stem = stem_of(manifest.at("playlist").get<std::string>());

    const LoudnessMeter before = measure(plans, in_rate);
    const double measured = before.integrated_lufs(), peak = before.true_peak_dbtp();
    LimiterSettings limiter;
    limiter.ceiling_dbtp = options.true_peak_dbtp;
    const double gain = choose_gain(plans, in_rate, measured, options.loudness_lufs, limiter);
    const double factor = db_to_factor(gain);
    LimiterReport limited;
    spdlog::debug("loudness {:.2f} LUFS, true peak {:.2f} dBTP: gain {:.2f} dB", measured, peak, gain);

    const std::string comment =
        "Rendered by Briefing from " + fs::path(manifest.at("article").value("source", "")).filename().string();
    const InfoTags full_tags{article_title, article_title, options.artist, "0", options.date, comment, "Briefing"};
    FullOutputs full = open_full(folder, stem, out_rate, full_tags, section_chapters(plans), options.formats);
    LoudnessMeter after(out_rate);

    json full_sections = json::array();
    std::vector<TimedLine> full_lines;
    for (std::size_t i = 0; i < plans.size(); ++i) {
        check_cancel();
        const SectionPlan& p = plans[i];
        json& section = sections[i];
        SectionFile in = read_section(p.path, in_rate, p.in_samples);
        // Gain, then the limiter, at the output rate: resampling moves
        // inter-sample peaks, so they are caught where they will be played.
        std::vector<float> leveled = resample(in.samples, in_rate, out_rate);
        std::vector<float>().swap(in.samples);
        limited.add(level(leveled, out_rate, factor, limiter));
        const std::vector<std::int16_t> audio = to_int16(leveled, 1.0);
        std::vector<float>().swap(leveled);
        after.add(as_float(audio));

        json& sentences = section.at("sentences");
        update_sentences(sentences, p, in_rate, out_rate);
        write_wav(p.path, out_rate, audio, paragraph_cues(sentences, in.labels), in.tags);
        full.write(audio);

        const std::string lrc = stem_of(p.file) + ".lrc";
        write_file_atomic(folder / lrc, lrc_text({p.title, in.tags.artist, in.tags.album},
                                                 lines(sentences, "start_ms", "end_ms")));
        for (auto& line : lines(sentences, "full_start_ms", "full_end_ms")) full_lines.push_back(std::move(line));

        section["samples"] = p.out_samples;
        section["duration_ms"] = samples_to_ms(p.out_samples, out_rate);
        section["lrc"] = lrc;
        section["full_start_sample"] = p.full_start;
        section["full_start_ms"] = samples_to_ms(p.full_start, out_rate);
        full_sections.push_back({{"index", i + 1},
                                 {"title", p.title},
                                 {"start_sample", p.full_start},
                                 {"start_ms", samples_to_ms(p.full_start, out_rate)}});
    }
    full.commit();

    const std::uint64_t total = plans.empty() ? 0 : plans.back().full_start + plans.back().out_samples;
    CueSheet sheet{stem + ".wav", article_title, options.artist, options.date, out_rate, {}};
    for (const auto& p : plans) sheet.tracks.push_back({p.title, options.artist, p.full_start});
    if (plans.size() > kMaxCueTracks)
        spdlog::warn("{}.cue: only the first {} of {} sections fit a CUE sheet", stem, kMaxCueTracks, plans.size());
    write_file_atomic(folder / (stem + ".cue"), cue_sheet_text(sheet));
    write_file_atomic(folder / (stem + ".srt"), srt_text(full_lines));
    write_file_atomic(folder / (stem + ".vtt"), vtt_text(full_lines));

    manifest["duration_ms"] = samples_to_ms(total, out_rate);
    if (limited.engaged())
        spdlog::debug("limiter: up to {:.2f} dB on {} of {} samples", limited.max_gain_reduction_db,
                      limited.limited_samples, limited.samples);
    manifest["loudness"] = loudness_json(measured, peak, options, gain, limited, after);
    json format_names = json::array();
    for (const AudioFormat f : options.formats) format_names.push_back(format_name(f));
    manifest["output"] = {{"sample_rate", out_rate}, {"formats", std::move(format_names)}};
    manifest["full"] = {{"file", stem + ".wav"},        {"cue_sheet", stem + ".cue"},
                        {"srt", stem + ".srt"},         {"vtt", stem + ".vtt"},
                        {"samples", total},             {"duration_ms", samples_to_ms(total, out_rate)},
                        {"sample_rate", out_rate},      {"formats", std::move(full.formats)},
                        {"skipped_formats", std::move(full.skipped)}, {"sections", std::move(full_sections)}};
}

}  // namespace briefing
