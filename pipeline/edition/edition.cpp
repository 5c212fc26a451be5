#include "edition/edition.hpp"

#include <fcntl.h>  // AT_FDCWD
#include <sndfile.h>
#include <sys/file.h>  // flock
#include <stdio.h>  // renameat2, RENAME_EXCHANGE
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <system_error>

#include <spdlog/spdlog.h>

#include "assemble/assemble.hpp"
#include "batch/output_lock.hpp"
#include "edition/enclosure.hpp"
#include "listen/limiter.hpp"
#include "listen/loudness.hpp"
#include "listen/resample.hpp"
#include "listen/transcripts.hpp"
#include "text/errors.hpp"
#include "text/sha256.hpp"
#include "write/file_names.hpp"
#include "write/text_files.hpp"
#include "write/wav_writer.hpp"

namespace briefing {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void check_cancel() {
    if (const int sig = EspeakEngine::cancel_signal().load()) throw Interrupted(sig);
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

json read_json(const fs::path& p) {
    try {
        return json::parse(slurp(p));
    } catch (const std::exception& e) {
        throw InputError(p.string() + ": cannot read the manifest: " + e.what());
    }
}

// One synthesised part (opening, an announcement, closing), at the edition
// rate, already brought to the preset's loudness.
struct SpokenPart {
    std::vector<float> audio;
    json sentences = json::array();  // {text, spoken, start_sample, end_sample} in this part
    std::string text, spoken;        // all sentences joined
};

// One article of the edition, from its render.
struct Item {
    Job job;
    fs::path folder;   // the article's output folder
    json manifest;     // its manifest.json
    fs::path wav;      // its full-article WAV
    int rate = 0;
    std::uint64_t samples = 0;      // in the WAV, at `rate`
    std::uint64_t out_samples = 0;  // at the edition rate
    SpokenPart announcement;
};

// A chapter of the programme: a span of the full file, and its part file.
struct Chapter {
    std::string kind, title, file;
    std::uint64_t start = 0, samples = 0;
};

std::vector<Item> load_items(const EditionOptions& o, const BatchSummary& summary) {
    std::map<std::string, std::string> folders;  // input → folder
    std::string failures;
    for (const auto& a : summary.articles) {
        folders[a.input] = a.folder;
        if (a.outcome == Outcome::Failed) failures += (failures.empty() ? "" : "; ") + a.message;
    }
    if (!failures.empty())
        throw InputError(o.batch.source.string() + ": the edition needs every article, and " +
                         std::to_string(summary.failed) + " failed: " + failures);
    std::vector<Item> items;
    for (const Job& job : discover_jobs(o.batch.source)) {
        Item item;
        item.job = job;
        item.folder = folders.at(job.input.string());
        item.manifest = read_json(item.folder / "manifest.json");
        const json& full = item.manifest.at("full");
        item.wav = item.folder / full.at("file").get<std::string>();
        item.rate = full.at("sample_rate").get<int>();
        item.samples = full.at("samples").get<std::uint64_t>();
        items.push_back(std::move(item));
    }
    if (items.empty()) throw InputError(o.batch.source.string() + ": no articles (.txt, .md) for the edition");
    return items;
}

std::string edition_settings(const VoicePreset& voice, const EditionOptions& o) {
    RenderOptions r;
    r.segment = o.batch.segment;
    r.artist = o.batch.artist;
    return render_fingerprint(voice, r);
}

// Everything the edition is made from; equal hashes mean an equal edition.
std::string inputs_sha256(const std::vector<Item>& items, const std::string& settings, const EditionOptions& o,
                          AudioFormat enclosure) {
    json j = {{"version", kVersion}, {"settings", settings}, {"title", o.title}, {"date", o.date},
              {"enclosure", format_name(enclosure)}, {"articles", json::array()}};
    for (const Item& item : items)
        j["articles"].push_back({item.folder.filename().string(), item.manifest.at("article").value("sha256", ""),
                                 item.manifest.value("settings", ""), item.manifest.value("rendered_at", ""),
                                 item.samples});
    return text::sha256_hex(j.dump());
}

bool edition_up_to_date(const fs::path& folder, const std::string& inputs) {
    std::error_code ec;
    if (!fs::is_regular_file(folder / "manifest.json", ec)) return false;
    try {
        const json m = json::parse(slurp(folder / "manifest.json"));
        if (m.value("inputs_sha256", "") != inputs) return false;
        for (const auto& name : m.at("files"))
            if (!fs::is_regular_file(folder / name.get<std::string>(), ec)) return false;
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

LimiterSettings limiter_settings(const VoicePreset& voice) {
    LimiterSettings s;
    s.ceiling_dbtp = voice.true_peak_dbtp;
    return s;
}

// Synthesises `sentences` (as written) as one part: normalised, through the
// cache, placed with the preset's pauses, resampled to `rate` and brought to
// the preset's loudness like an article (so the edition's one gain suits it).
SpokenPart speak_part(const std::vector<std::string>& sentences, int rate, const VoicePreset& voice,
                      EspeakEngine& engine, SentenceCache* cache, const Toolkit& tools) {
    std::vector<SpokenSentence> spoken;
    for (std::size_t i = 0; i < sentences.size(); ++i) {
        check_cancel();
        SpokenSentence s;
        s.paragraph = i + 1;  // each its own paragraph: the longer pause between them
        s.text = sentences[i];
        s.spoken = tools.normaliser(sentences[i]);
        const std::vector<SpeechRun> runs = speech_runs(tools.pronouncer.tokens(s.spoken));
        if (cache) {
            const std::string key = sentence_key(runs, voice.to_string(), engine.version(), engine.sample_rate());
            if (auto hit = cache->load(key, engine.sample_rate())) s.samples = std::move(*hit);
            else {
                s.samples = engine.synthesize(runs).samples;
                cache->store(key, engine.sample_rate(), s.samples);
            }
        } else {
            s.samples = engine.synthesize(runs).samples;
        }
        spoken.push_back(std::move(s));
    }
    const SectionAudio audio = assemble_section(0, "", engine.sample_rate(), voice, std::move(spoken));
    SpokenPart part;
    part.audio = resample(as_float(audio.samples), engine.sample_rate(), rate);
    LoudnessMeter meter(rate, false);  // only the loudness is used
    meter.add(part.audio);
    apply_gain(part.audio, db_to_factor(makeup_gain_db(meter.integrated_lufs(), voice.loudness_lufs)));
    limit_in_place(part.audio, rate, limiter_settings(voice));
    for (const auto& s : audio.sentences) {
        part.sentences.push_back({{"text", s.text},
                                  {"spoken", s.spoken},
                                  {"start_sample", rescale_position(s.start, engine.sample_rate(), rate)},
                                  {"end_sample", rescale_position(s.end, engine.sample_rate(), rate)}});
        part.text += s.text;
        part.spoken += s.spoken;
    }
    return part;
}

constexpr std::size_t kBlock = 1 << 16;  // samples read, limited and written at a time

using Sink = std::function<void(const float*, std::size_t)>;

// Feeds an article's full WAV, at the edition rate, to `sink` block by block,
// so one block is in memory at a time (the whole article only when it has
// to be resampled, since resample() converts whole signals).
void stream_article(const Item& item, int rate, const Sink& sink) {
    SF_INFO info{};
    std::unique_ptr<SNDFILE, int (*)(SNDFILE*)> f(sf_open(item.wav.c_str(), SFM_READ, &info), sf_close);
    if (!f) throw InputError(item.wav.string() + ": cannot read: " + sf_strerror(nullptr));
    if (info.channels != 1 || info.samplerate != item.rate || static_cast<std::uint64_t>(info.frames) != item.samples)
        throw InputError(item.wav.string() + ": does not match its manifest (" + std::to_string(info.frames) +
                         " samples at " + std::to_string(info.samplerate) + " Hz); render the article again");
    std::vector<float> block(item.rate == rate ? kBlock : item.samples);
    std::uint64_t got = 0;
    for (sf_count_t n; (n = sf_read_float(f.get(), block.data(), static_cast<sf_count_t>(block.size()))) > 0;) {
        got += static_cast<std::uint64_t>(n);
        if (item.rate == rate) sink(block.data(), static_cast<std::size_t>(n));
    }
    if (got != item.samples) throw InputError(item.wav.string() + ": short read; render the article again");
    if (item.rate == rate) return;
    const std::vector<float> converted = resample(block, item.rate, rate);
    for (std::size_t at = 0; at < converted.size(); at += kBlock)
        sink(converted.data() + at, std::min(kBlock, converted.size() - at));
}

// Where finished samples go besides a chapter's own part file.
struct Outputs {
    AudioWriter& full;
    EnclosureWriter* enclosure;  // nullptr when the enclosure is the WAV itself
    LoudnessMeter& after;        // measures what is written
    LimiterReport& limited;      // what the chapters' limiters did, added up
};

// One chapter on its way out, block by block: the edition's gain, then the
// same true-peak limiter as an article's sections (a chapter starts and ends
// in silence, so one limiter per chapter is exact), then int16 into its part
// file, the full WAV and the enclosure.
class ChapterOut {
public:
    ChapterOut(const fs::path& part, int rate, const InfoTags& tags, const std::vector<Cue>& cues, double factor,
               const VoicePreset& voice, Outputs& outputs)
        : part_(part, rate, AudioFormat::wav, tags, cues),
          limiter_(rate, limiter_settings(voice)),
          factor_(factor),
          out_(outputs) {}

    void add(const float* samples, std::size_t count) {
        gained_.assign(samples, samples + count);
        apply_gain(gained_, factor_);
        limited_.clear();
        limiter_.process(gained_, limited_);
        emit();
    }
    void add(const std::vector<float>& samples) { add(samples.data(), samples.size()); }

    // Flushes the limiter and commits the part file.
    void finish() {
        limited_.clear();
        limiter_.finish(limited_);
        emit();
        part_.commit();
        out_.limited.add(limiter_.report());
    }

private:
    void emit() {
        if (limited_.empty()) return;
        const std::vector<std::int16_t> pcm = to_int16(limited_, 1.0);
        out_.after.add(as_float(pcm));
        part_.write(pcm);
        out_.full.write(pcm);
        if (out_.enclosure) out_.enclosure->write(pcm.data(), pcm.size());
    }

    AudioWriter part_;
    PeakLimiter limiter_;
    double factor_;
    Outputs& out_;
    std::vector<float> gained_, limited_;
};

// The programme's subtitles: spoken parts and every article sentence.
void add_lines(std::vector<TimedLine>& lines, const json& sentences, std::uint64_t offset, int rate) {
    for (const auto& s : sentences)
        lines.push_back({samples_to_ms(offset + s.at("start_sample").get<std::uint64_t>(), rate),
                         samples_to_ms(offset + s.at("end_sample").get<std::uint64_t>(), rate),
                         s.at("text").get<std::string>()});
}

void add_article_lines(std::vector<TimedLine>& lines, const Item& item, std::uint64_t offset, int rate) {
    for (const auto& section : item.manifest.at("sections"))
        for (const auto& s : section.at("sentences"))
            lines.push_back(
                {samples_to_ms(offset + rescale_position(s.at("full_start_sample").get<std::uint64_t>(), item.rate, rate), rate),
                 samples_to_ms(offset + rescale_position(s.at("full_end_sample").get<std::uint64_t>(), item.rate, rate), rate),
                 s.at("text").get<std::string>()});
}

json part_json(const SpokenPart& part, std::uint64_t offset, int rate) {
    json sentences = json::array();
    for (const auto& s : part.sentences)
        sentences.push_back({{"text", s["text"]},
                             {"spoken", s["spoken"]},
                             {"start_ms", samples_to_ms(offset + s["start_sample"].get<std::uint64_t>(), rate)},
                             {"end_ms", samples_to_ms(offset + s["end_sample"].get<std::uint64_t>(), rate)}});
    return {{"text", part.text}, {"spoken", part.spoken}, {"sentences", std::move(sentences)}};
}

std::string two_digits(std::size_t n, std::size_t count) {
    std::string s = std::to_string(n);
    const std::size_t width = count >= 100 ? 3 : 2;
    return std::string(width - std::min(width, s.size()), '0') + s;
}

double round2(double v) { return std::isfinite(v) ? std::round(v * 100) / 100 : v; }

std::time_t now() { return std::time(nullptr); }

std::string iso_utc(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::vector<std::string> staged_files(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// The chapters (opening, one per article with its announcement, closing)
// and their part files, so every position is known before any audio is
// written. Items' out_samples must be set.
std::vector<Chapter> plan_chapters(const SpokenPart& opening, const std::vector<Item>& items,
                                   const std::vector<std::string>& titles, const SpokenPart& closing) {
    std::vector<Chapter> chapters;
    std::set<std::string> taken;
    const std::size_t count = items.size() + 2;
    auto add = [&](std::string kind, std::string title, std::uint64_t samples) {
        const std::uint64_t start = chapters.empty() ? 0 : chapters.back().start + chapters.back().samples;
        const std::string file =
            unique_name(two_digits(chapters.size() + 1, count) + "-" + safe_name(title, "part", 60), taken) + ".wav";
        chapters.push_back({std::move(kind), std::move(title), file, start, samples});
    };
    add("opening", "开场", opening.audio.size());
    for (std::size_t i = 0; i < items.size(); ++i)
        add("article", titles[i], items[i].announcement.audio.size() + items[i].out_samples);
    add("closing", "结束语", closing.audio.size());
    return chapters;
}

// The text companions of <stem>.wav: CUE sheet, playlist of the parts, SRT
// and VTT. Returns the manifest's "chapters".
json write_companions(const fs::path& dir, const std::string& stem, const InfoTags& tags,
                      const std::vector<Chapter>& chapters, const std::vector<TimedLine>& lines, int rate) {
    CueSheet sheet{stem + ".wav", tags.title, tags.artist, tags.date, rate, {}};
    std::vector<PlaylistEntry> playlist;
    json chapters_json = json::array();
    for (const Chapter& ch : chapters) {
        sheet.tracks.push_back({ch.title, tags.artist, ch.start});
        playlist.push_back({ch.file, ch.title, static_cast<double>(ch.samples) / rate});
        chapters_json.push_back({{"index", chapters_json.size() + 1},
                                 {"kind", ch.kind},
                                 {"title", ch.title},
                                 {"file", ch.file},
                                 {"start_sample", ch.start},
                                 {"start_ms", samples_to_ms(ch.start, rate)},
                                 {"duration_ms", samples_to_ms(ch.samples, rate)}});
    }
    write_file_atomic(dir / (stem + ".cue"), cue_sheet_text(sheet));
    write_file_atomic(dir / (stem + ".m3u8"), playlist_text(playlist));
    write_file_atomic(dir / (stem + ".srt"), srt_text(lines));
    write_file_atomic(dir / (stem + ".vtt"), vtt_text(lines));
    return chapters_json;
}

// Everything build_edition needs besides the items.
struct Build {
    const EditionOptions& o;
    const VoicePreset& voice;
    const Toolkit& tools;
    std::string slug, settings, inputs;
    AudioFormat enclosure;
};

// Writes the edition into `dir` (the staging folder); returns its manifest.
json build_edition(const Build& b, std::vector<Item>& items, const fs::path& dir, const fs::path& final_dir) {
    EspeakEngine engine(b.voice);
    std::optional<SentenceCache> cache;
    if (b.o.batch.use_cache) cache.emplace(cache_dir_of(b.o.batch), b.o.batch.cache_max_bytes);
    SentenceCache* c = cache ? &*cache : nullptr;
    const int rate = b.voice.output_sample_rate > 0 ? b.voice.output_sample_rate : engine.sample_rate();

    std::vector<std::string> titles;
    for (const Item& item : items) titles.push_back(item.manifest.at("article").value("title", ""));
    const ProgrammeText text = programme_text(b.o.title, b.o.date, titles);
    const SpokenPart opening = speak_part(text.opening, rate, b.voice, engine, c, b.tools);
    for (std::size_t i = 0; i < items.size(); ++i) {
        items[i].announcement = speak_part({text.announcements[i]}, rate, b.voice, engine, c, b.tools);
        items[i].out_samples = resampled_length(items[i].samples, items[i].rate, rate);
    }
    const SpokenPart closing = speak_part(text.closing, rate, b.voice, engine, c, b.tools);

    const std::vector<Chapter> chapters = plan_chapters(opening, items, titles, closing);
    const std::uint64_t total = chapters.back().start + chapters.back().samples;

    // Pass 1: the programme's loudness, one block in memory at a time.
    LoudnessMeter before(rate);
    const Sink measure = [&](const float* p, std::size_t n) { before.add(p, n); };
    before.add(opening.audio);
    for (const Item& item : items) {
        check_cancel();
        before.add(item.announcement.audio);
        stream_article(item, rate, measure);
    }
    before.add(closing.audio);
    const double measured = before.integrated_lufs(), peak = before.true_peak_dbtp();
    const double gain = makeup_gain_db(measured, b.voice.loudness_lufs);
    const double factor = db_to_factor(gain);

    // Pass 2: the full WAV, the enclosure and the parts, streamed.
    const std::string stem = b.slug;
    std::vector<Cue> cues;
    for (const Chapter& ch : chapters) cues.push_back({static_cast<std::uint32_t>(cues.size() + 1), ch.start, ch.title});
    const std::string comment = "Edition by Briefing of " + std::to_string(items.size()) + " articles";
    const InfoTags tags{b.o.title + " " + b.o.date, b.o.title, b.o.batch.artist, "", b.o.date, comment, "Briefing"};
    AudioWriter full(dir / (stem + ".wav"), rate, AudioFormat::wav, tags, cues);
    const std::string enclosure_file = stem + "." + format_name(b.enclosure);
    std::optional<EnclosureWriter> enclosure;
    if (b.enclosure != AudioFormat::wav) enclosure.emplace(dir / enclosure_file, b.enclosure, rate, tags);
    LoudnessMeter after(rate);
    LimiterReport limited;
    Outputs outputs{full, enclosure ? &*enclosure : nullptr, after, limited};
    const auto part_tags = [&](const Chapter& ch) {
        InfoTags t = tags;
        t.title = ch.title;
        return t;
    };
    // A spoken part alone is one chapter.
    const auto spoken_chapter = [&](const Chapter& ch, const SpokenPart& part) {
        ChapterOut out(dir / ch.file, rate, part_tags(ch), {{1, 0, ch.title}}, factor, b.voice, outputs);
        out.add(part.audio);
        out.finish();
    };
    std::vector<TimedLine> lines;
    spoken_chapter(chapters[0], opening);
    add_lines(lines, opening.sentences, 0, rate);
    json items_json = json::array();
    for (std::size_t i = 0; i < items.size(); ++i) {
        check_cancel();
        const Item& item = items[i];
        const Chapter& ch = chapters[i + 1];
        const std::uint64_t article_at = item.announcement.audio.size();
        std::vector<Cue> part_cues{{1, 0, "第" + std::to_string(i + 1) + "条"}};
        for (const auto& s : item.manifest.at("full").at("sections"))
            part_cues.push_back({static_cast<std::uint32_t>(part_cues.size() + 1),
                                 article_at + rescale_position(s.at("start_sample").get<std::uint64_t>(), item.rate, rate),
                                 s.at("title").get<std::string>()});
        ChapterOut out(dir / ch.file, rate, part_tags(ch), part_cues, factor, b.voice, outputs);
        out.add(item.announcement.audio);
        stream_article(item, rate, [&](const float* p, std::size_t n) { out.add(p, n); });
        out.finish();
        add_lines(lines, item.announcement.sentences, ch.start, rate);
        add_article_lines(lines, item, ch.start + article_at, rate);
        const fs::path article_manifest = fs::absolute(item.folder / "manifest.json").lexically_normal();
        items_json.push_back({{"index", i + 1},
                              {"title", titles[i]},
                              {"source", item.manifest.at("article").value("source", "")},
                              {"folder", item.folder.filename().string()},
                              {"manifest", article_manifest.lexically_relative(fs::absolute(final_dir)).string()},
                              {"article_sha256", item.manifest.at("article").value("sha256", "")},
                              {"announcement", part_json(item.announcement, ch.start, rate)},
                              {"start_sample", ch.start},
                              {"start_ms", samples_to_ms(ch.start, rate)},
                              {"article_start_ms", samples_to_ms(ch.start + article_at, rate)},
                              {"duration_ms", samples_to_ms(ch.samples, rate)}});
    }
    spoken_chapter(chapters.back(), closing);
    add_lines(lines, closing.sentences, chapters.back().start, rate);
    if (full.written() != total)
        throw OutputError((dir / (stem + ".wav")).string() + ": wrote " + std::to_string(full.written()) +
                          " samples, planned " + std::to_string(total));
    full.commit();
    if (enclosure) enclosure->commit();
    if (cache) cache->trim();

    json chapters_json = write_companions(dir, stem, tags, chapters, lines, rate);

    const std::time_t built = now();
    const std::string enclosure_name = b.enclosure == AudioFormat::wav ? stem + ".wav" : enclosure_file;
    const auto enclosure_bytes = fs::file_size(dir / enclosure_name);
    json m = {{"briefing_version", kVersion},
              {"built_at", iso_utc(built)},
              {"built_at_unix", static_cast<long long>(built)},
              {"edition", {{"title", b.o.title}, {"date", b.o.date}, {"slug", b.slug}}},
              {"source", b.o.batch.source.string()},
              {"settings", b.settings},
              {"inputs_sha256", b.inputs},
              {"sample_rate", rate},
              {"samples", total},
              {"duration_ms", samples_to_ms(total, rate)},
              {"file", stem + ".wav"},
              {"cue_sheet", stem + ".cue"},
              {"srt", stem + ".srt"},
              {"vtt", stem + ".vtt"},
              {"playlist", stem + ".m3u8"},
              {"chapters_file", "chapters.json"},
              {"enclosure",
               {{"file", enclosure_name},
                {"format", format_name(b.enclosure)},
                {"type", mime_type(b.enclosure)},
                {"length", enclosure_bytes},
                {"sample_rate", enclosure ? enclosure->file_rate() : rate},
                {"bitrate_kbps", b.enclosure == AudioFormat::mp3 ? mp3_bitrate_kbps(rate) : 0}}},
              {"loudness",
               {{"measured_lufs", round2(measured)},
                {"measured_true_peak_dbtp", round2(peak)},
                {"target_lufs", b.voice.loudness_lufs},
                {"true_peak_ceiling_dbtp", b.voice.true_peak_dbtp},
                {"gain_db", round2(gain)},
                {"limiter", limited.engaged()},
                {"max_gain_reduction_db", round2(limited.max_gain_reduction_db)},
                {"output_lufs", round2(after.integrated_lufs())},
                {"true_peak_dbtp", round2(after.true_peak_dbtp())}}},
              {"opening", part_json(opening, 0, rate)},
              {"closing", part_json(closing, chapters.back().start, rate)},
              {"chapters", std::move(chapters_json)},
              {"items", std::move(items_json)}};
    write_file_atomic(dir / "chapters.json", podcast_chapters(m).dump(2) + "\n");
    m["files"] = staged_files(dir);
    m["files"].push_back("manifest.json");
    write_file_atomic(dir / "manifest.json", m.dump(2) + "\n");
    return m;
}

}  // namespace

ProgrammeText programme_text(const std::string& title, const std::string& date,
                             const std::vector<std::string>& article_titles) {
    // The date goes in as "2026年11月24日": the normaliser reads it the way a
    // news reader does, digit by digit for the year.
    const std::string written_date = std::to_string(std::stoi(date.substr(0, 4))) + "年" +
                                     std::to_string(std::stoi(date.substr(5, 2))) + "月" +
                                     std::to_string(std::stoi(date.substr(8, 2))) + "日";
    ProgrammeText t;
    t.opening.push_back(title + "。");
    t.opening.push_back("今天是" + written_date + "。");
    t.opening.push_back("本期共有" + std::to_string(article_titles.size()) + "条新闻：");
    for (std::size_t i = 0; i < article_titles.size(); ++i) {
        t.opening.push_back(article_titles[i] + "。");
        t.announcements.push_back("第" + std::to_string(i + 1) + "条：" + article_titles[i] + "。");
    }
    t.closing.push_back("以上是" + written_date + title + "的全部内容。");
    t.closing.push_back("感谢收听，我们下期再见。");
    return t;
}

void check_date(const std::string& date) {
    const auto bad = [&](const std::string& why) {
        throw InputError("--date '" + date + "': " + why + " (expected YYYY-MM-DD, e.g. 2026-11-24)");
    };
    if (date.size() != 10 || date[4] != '-' || date[7] != '-') bad("not in the form YYYY-MM-DD");
    for (const std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (date[i] < '0' || date[i] > '9') bad("not in the form YYYY-MM-DD");
    const int y = std::stoi(date.substr(0, 4)), m = std::stoi(date.substr(5, 2)), d = std::stoi(date.substr(8, 2));
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days[m - 1] + (m == 2 && leap)) bad("no such date");
}

std::string edition_slug(const std::string& date, const std::string& title) {
    return date + "-" + safe_name(title, "edition", 60);
}

EditionResult run_edition(const EditionOptions& o, const Toolkit& tools) {
    check_date(o.date);
    if (o.title.empty()) throw InputError("--title: the edition needs a title");
    const VoicePreset voice = load_voice(o.batch.voice, o.batch.voices_dir);
    EditionResult result;
    // Articles first, in the batch's worker processes (before this process
    // starts its own engine), each skipped when up to date.
    result.batch = run_batch(o.batch, tools);
    std::vector<Item> items = load_items(o, result.batch);

    OutputLock lock(o.batch.output_root, o.batch.wait);
    const fs::path editions = o.batch.output_root / "editions";
    std::error_code ec;
    fs::create_directories(editions, ec);
    if (ec) throw OutputError(editions.string() + ": cannot create: " + ec.message());
    remove_stale_staging(editions);

    const std::string slug = edition_slug(o.date, o.title);
    result.folder = editions / slug;
    // The enclosure format depends on this machine's libsndfile; an
    // edition's rate is the preset's, or eSpeak NG's 22050 Hz for "keep".
    const int rate_guess = voice.output_sample_rate > 0 ? voice.output_sample_rate : items.front().rate;
    const AudioFormat enclosure = enclosure_format(rate_guess);
    const std::string settings = edition_settings(voice, o);
    const Build b{o, voice, tools, slug, settings, inputs_sha256(items, settings, o, enclosure), enclosure};
    if (!o.batch.force && edition_up_to_date(result.folder, b.inputs)) {
        result.up_to_date = true;
        result.manifest = read_json(result.folder / "manifest.json");
    } else {
        StagingFolder staging(editions, slug);
        result.manifest = build_edition(b, items, staging.path(), result.folder);
        staging.commit(result.folder);
    }
    result.feed_written = write_feed(o.batch.output_root, o.feed);
    return result;
}

}  // namespace briefing
