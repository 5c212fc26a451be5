#include "listen/listen.hpp"

#include <sndfile.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>

#include "assemble/assemble.hpp"
#include "listen/limiter.hpp"
#include "listen/loudness.hpp"
#include "listen/resample.hpp"
#include "listen/serial_worker.hpp"
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

// A stretch of one section's audio handed to a worker: `warm` samples it
// hears first but does not count (filters and limiter settle on them), then
// `length` samples it counts.
struct Piece {
    const float* from;
    std::uint64_t warm, length;
};

// Where the pieces of a section of `size` samples lie: starting at first,
// first + stride, …, each `length` long (the last one shorter), after up to
// `warm` samples of warm-up.
struct Range {
    std::uint64_t from, warm, length;  // from = first warm-up sample
};

std::vector<Range> piece_ranges(std::uint64_t size, std::uint64_t first, std::uint64_t stride, std::uint64_t length,
                                std::uint64_t warm) {
    std::vector<Range> ranges;
    for (std::uint64_t at = first; at < size; at += stride) {
        const std::uint64_t w = std::min(warm, at);
        ranges.push_back({at - w, w, std::min<std::uint64_t>(length, size - at)});
    }
    return ranges;
}

// The pieces of `audio` (see piece_ranges).
std::vector<Piece> pieces_of(const std::vector<float>& audio, std::uint64_t first, std::uint64_t stride,
                             std::uint64_t length, std::uint64_t warm) {
    std::vector<Piece> pieces;
    for (const Range& r : piece_ranges(audio.size(), first, stride, length, warm))
        pieces.push_back({audio.data() + r.from, r.warm, r.length});
    return pieces;
}

// Reads only the pieces of a section that pieces_of(audio, stride / 2,
// stride, length, warm) would give, back to back into the returned buffer,
// and sets `pieces` to point into it: the trials of a long article hear a
// small part of it, so most of it need not be read.
std::vector<float> read_excerpts(const SectionPlan& p, int rate, std::uint64_t stride, std::uint64_t length,
                                 std::uint64_t warm, std::vector<Piece>& pieces) {
    SF_INFO info{};
    ReadHandle f(sf_open(p.path.c_str(), SFM_READ, &info));
    if (!f || info.channels != 1 || info.samplerate != rate || static_cast<std::uint64_t>(info.frames) != p.in_samples)
        return read_section(p.path, rate, p.in_samples).samples;  // names the problem
    const std::vector<Range> ranges = piece_ranges(p.in_samples, stride / 2, stride, length, warm);
    std::uint64_t total = 0;
    for (const Range& r : ranges) total += r.warm + r.length;
    std::vector<float> audio(total);
    std::uint64_t filled = 0;
    for (const Range& r : ranges) {
        const auto n = static_cast<sf_count_t>(r.warm + r.length);
        if (sf_seek(f.get(), static_cast<sf_count_t>(r.from), SEEK_SET) < 0 ||
            sf_read_float(f.get(), audio.data() + filled, n) != n)
            fail(p.path, "short read: " + std::string(sf_strerror(f.get())));
        pieces.push_back({audio.data() + filled, r.warm, r.length});
        filled += static_cast<std::uint64_t>(n);
    }
    return audio;
}

// Calls fn(worker, piece) for every piece, the pieces dealt out in turn to
// `workers` threads (this one is worker 0). Each worker keeps its own
// meters, merged afterwards, so the order of pieces does not matter.
template <class Fn>
void run_pieces(const std::vector<Piece>& pieces, std::size_t workers, Fn&& fn) {
    const auto share = [&](std::size_t w) {
        for (std::size_t i = w; i < pieces.size(); i += workers) fn(w, pieces[i]);
    };
    std::vector<std::future<void>> others;
    for (std::size_t w = 1; w < workers && w < pieces.size(); ++w)
        others.push_back(std::async(std::launch::async, share, w));
    share(0);
    for (auto& f : others) f.get();  // rethrows a worker's exception
}

// Pieces for measuring: short enough to share a section out among
// workers; each after 300 ms of warm-up, so that together they make the
// same 400 ms gating blocks as one meter would (LoudnessMeter::warm_up).
constexpr double kMeasurePieceSeconds = 10, kMeasureWarmUpSeconds = 0.3;

// Pass 1: the loudness and true peak of all sections together, at the
// input rate.
LoudnessMeter measure(const std::vector<SectionPlan>& plans, int rate, std::size_t workers) {
    std::vector<LoudnessMeter> meters;
    for (std::size_t w = 0; w < workers; ++w) meters.emplace_back(rate);
    const auto piece = static_cast<std::uint64_t>(kMeasurePieceSeconds * rate);
    for (const auto& p : plans) {
        check_cancel();
        const std::vector<float> audio = read_section(p.path, rate, p.in_samples).samples;
        run_pieces(pieces_of(audio, 0, piece, piece, static_cast<std::uint64_t>(kMeasureWarmUpSeconds * rate)), workers,
                   [&](std::size_t w, const Piece& c) {
                       meters[w].warm_up(c.from, c.warm);
                       meters[w].add(c.from + c.warm, c.length);
                   });
    }
    for (std::size_t w = 1; w < workers; ++w) meters[0].merge(meters[w]);
    return std::move(meters[0]);
}

// Gain then limiter, in place: what every section goes through.
LimiterReport level(std::vector<float>& audio, int rate, double factor, const LimiterSettings& limiter) {
    apply_gain(audio, factor);
    return limit_in_place(audio, rate, limiter);
}

// The most the make-up gain is raised to win back what the limiter takes:
// beyond this the limiter would be squashing speech, not trimming peaks.
constexpr double kMaxCompensationDb = 2;
// Compensations tried in one pass over the excerpts (one read serves both).
// The limiter's shortfall grows almost linearly with the gain (measured on
// eSpeak NG speech: 0.64, 1.03, 1.48 LU at +0, +1, +2 dB), so two points
// and a straight line find where it equals the compensation.
constexpr std::array<double, 2> kCompensationsDb{0.5, 1.5};
// What the trials hear: excerpts of kExcerptSeconds, evenly spread, about
// kTrialSeconds in all, each after kWarmUpSeconds the limiter and the meter
// hear but do not count (the limiter's memory is under 0.1 s). Up to
// kTrialSeconds of audio is heard whole, in back-to-back excerpts. Why not
// always whole: a limiter and a meter per tried gain over all of a long
// article cost as much as eSpeak NG's synthesis of it. Measured on the seed article (8.7 min): excerpts
// give the whole-article shortfall to within 0.01 LU when they cover it,
// and to within 0.06 LU (standard deviation over eight placements) when
// they cover 2 minutes of it, so an article lands within about ±0.1 LU of
// its target (the manifest reports what it measured).
constexpr double kTrialSeconds = 120, kExcerptSeconds = 1, kWarmUpSeconds = 0.3;

// What one worker's trials measured: the excerpts as they are, and after
// gain + limiter at each compensation.
struct Trials {
    LoudnessMeter raw;
    std::vector<LoudnessMeter> limited;
    explicit Trials(int rate) : raw(rate, false) {
        for (std::size_t k = 0; k < kCompensationsDb.size(); ++k) limited.emplace_back(rate, false);
    }
    void merge(const Trials& other) {
        raw.merge(other.raw);
        for (std::size_t k = 0; k < limited.size(); ++k) limited[k].merge(other.limited[k]);
    }
};

// Feeds one excerpt to every meter of the trials.
void try_piece(const Piece& piece, int rate, double base, const LimiterSettings& limiter, Trials& trials,
               std::vector<float>& audio) {
    trials.raw.warm_up(piece.from, piece.warm);
    trials.raw.add(piece.from + piece.warm, piece.length);
    for (std::size_t k = 0; k < kCompensationsDb.size(); ++k) {
        audio.assign(piece.from, piece.from + piece.warm + piece.length);
        level(audio, rate, db_to_factor(base + kCompensationsDb[k]), limiter);
        trials.limited[k].warm_up(audio.data(), piece.warm);
        trials.limited[k].add(audio.data() + piece.warm, piece.length);
    }
}

// The compensation c (dB) at which the limiter's shortfall s(c) equals c,
// on the straight line through the two tried points, kept within
// [0, kMaxCompensationDb]: the article then lands on its target.
// s(c) = what the limiter took at gain base + c.
double solve_compensation(const Trials& trials, double base) {
    const double raw = trials.raw.integrated_lufs();
    if (!std::isfinite(raw)) return 0;
    std::array<double, 2> h{};  // s(c) - c at the two tried compensations
    for (std::size_t k = 0; k < 2; ++k) {
        const double c = kCompensationsDb[k];
        const double shortfall = raw + base + c - trials.limited[k].integrated_lufs();
        spdlog::debug("trial +{:.1f} dB: the limiter takes {:.2f} LU", c, shortfall);
        h[k] = std::isfinite(shortfall) ? shortfall - c : -c;
    }
    const double c0 = kCompensationsDb[0], c1 = kCompensationsDb[1];
    if (!(h[0] > h[1])) return h[0] > 0 ? kMaxCompensationDb : 0;  // not falling: no crossing to find
    const double c = c0 + (c1 - c0) * h[0] / (h[0] - h[1]);
    return std::clamp(c, 0.0, kMaxCompensationDb);
}

// The one make-up gain (dB) for the article. The limiter takes a little
// energy off the peaks (0.6-1.1 LU on eSpeak NG speech at -16 LUFS), so
// the plain gain would land short of the target; trial runs of gain +
// limiter (at the engine's rate, on excerpts) measure the shortfall at a
// few raised gains, and the gain is raised by the amount that wins back
// what it makes the limiter take.
double choose_gain(const std::vector<SectionPlan>& plans, int rate, double measured, double target,
                   const LimiterSettings& limiter, std::size_t workers) {
    const double base = makeup_gain_db(measured, target);
    if (!std::isfinite(measured)) return base;
    std::uint64_t total = 0;
    for (const auto& p : plans) total += p.in_samples;
    const auto length = static_cast<std::uint64_t>(kExcerptSeconds * rate);
    const auto wanted = static_cast<std::uint64_t>(kTrialSeconds * rate);
    const std::uint64_t stride = total <= wanted ? length : length * total / wanted;
    const auto warm = static_cast<std::uint64_t>(kWarmUpSeconds * rate);
    std::vector<Trials> trials;
    std::vector<std::vector<float>> scratch(workers);
    for (std::size_t w = 0; w < workers; ++w) trials.emplace_back(rate);
    for (const auto& p : plans) {
        check_cancel();
        std::vector<Piece> pieces;
        const std::vector<float> audio = stride == length
                                             ? read_section(p.path, rate, p.in_samples).samples
                                             : read_excerpts(p, rate, stride, length, warm, pieces);
        if (stride == length) pieces = pieces_of(audio, 0, stride, length, warm);
        run_pieces(pieces, workers,
                   [&](std::size_t w, const Piece& c) { try_piece(c, rate, base, limiter, trials[w], scratch[w]); });
    }
    for (std::size_t w = 1; w < workers; ++w) trials[0].merge(trials[w]);
    return base + solve_compensation(trials[0], base);
}

// Runs `audio` (already at the one gain) through a fresh limiter block by
// block and posts each block, as int16, to `sink` on the writer.
template <class Sink>
LimiterReport limit_and_write(const std::vector<float>& audio, int rate, const LimiterSettings& settings,
                              SerialWorker& writer, Sink sink) {
    constexpr std::size_t kBlock = 1 << 16;
    PeakLimiter limiter(rate, settings);
    std::vector<float> out;
    const auto post = [&] {
        if (out.empty()) return;
        writer.post([sink, pcm = to_int16(out, 1.0)] { sink(pcm); });
        out.clear();
    };
    for (std::size_t at = 0; at < audio.size(); at += kBlock) {
        limiter.process(audio.data() + at, std::min(kBlock, audio.size() - at), out);
        post();
    }
    limiter.finish(out);
    post();
    return limiter.report();
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

void finish_article(const fs::path& folder, json& manifest, const ListenOptions& options,
                    const LoudnessMeter* premeasured) {
    const int in_rate = manifest.at("engine").at("sample_rate").get<int>();
    const int out_rate = options.sample_rate > 0 ? options.sample_rate : in_rate;
    json& sections = manifest.at("sections");
    const std::vector<SectionPlan> plans = plan_sections(folder, sections, in_rate, out_rate);
    const std::string article_title = manifest.at("article").at("title").get<std::string>();
    const std::string stem = stem_of(manifest.at("playlist").get<std::string>());

    const std::size_t workers = std::max(1, options.threads);
    const auto started = std::chrono::steady_clock::now();
    const auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(); };
    std::optional<LoudnessMeter> own;
    if (!premeasured) own = measure(plans, in_rate, workers);
    const LoudnessMeter& before = premeasured ? *premeasured : *own;
    spdlog::debug("listen: measured in {:.3f} s", seconds());
    const double measured = before.integrated_lufs(), peak = before.true_peak_dbtp();
    LimiterSettings limiter;
    limiter.ceiling_dbtp = options.true_peak_dbtp;
    const double gain = choose_gain(plans, in_rate, measured, options.loudness_lufs, limiter, workers);
    spdlog::debug("listen: gain chosen at {:.3f} s", seconds());
    const double factor = db_to_factor(gain);
    LimiterReport limited;
    spdlog::debug("loudness {:.2f} LUFS, true peak {:.2f} dBTP: gain {:.2f} dB", measured, peak, gain);

    const std::string comment =
        "Rendered by Briefing from " + fs::path(manifest.at("article").value("source", "")).filename().string();
    const InfoTags full_tags{article_title, article_title, options.artist, "0", options.date, comment, "Briefing"};
    FullOutputs full = open_full(folder, stem, out_rate, full_tags, section_chapters(plans), options.formats);
    LoudnessMeter after(out_rate);
    std::unique_ptr<AudioWriter> section_out;  // the section file being written (writer's tasks only)
    // Writing (files and the output meter) overlaps limiting on a second thread.
    SerialWorker writer(workers > 1);

    json full_sections = json::array();
    std::vector<TimedLine> full_lines;
    for (std::size_t i = 0; i < plans.size(); ++i) {
        check_cancel();
        const SectionPlan& p = plans[i];
        json& section = sections[i];
        SectionFile in = read_section(p.path, in_rate, p.in_samples);
        // Gain, then the limiter, at the output rate: resampling moves
        // inter-sample peaks, so they are caught where they will be played.
        std::vector<float> leveled = resample(std::move(in.samples), in_rate, out_rate);
        apply_gain(leveled, factor);

        json& sentences = section.at("sentences");
        update_sentences(sentences, p, in_rate, out_rate);
        writer.post([&, path = p.path, tags = in.tags, cues = paragraph_cues(sentences, in.labels)] {
            section_out = std::make_unique<AudioWriter>(path, out_rate, AudioFormat::wav, tags, cues);
        });
        limited.add(limit_and_write(leveled, out_rate, limiter, writer, [&](const std::vector<std::int16_t>& pcm) {
            after.add(as_float(pcm));
            section_out->write(pcm);
            full.write(pcm);
        }));
        writer.post([&] {
            section_out->commit();
            section_out.reset();
        });

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
    writer.post([&] { full.commit(); });
    writer.drain();
    spdlog::debug("listen: audio written at {:.3f} s", seconds());

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
