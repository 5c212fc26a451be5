// `edition`: many articles → one daily programme, and the podcast feed.
//
//   briefing edition inbox/2026-11-24/ -o output/ --title 早间简报 --date 2026-11-24
//
// A run:
//   1. renders the articles with the batch machinery (batch/batch.hpp): each
//      article into "<output>/<article-slug>/", skipped when up to date, so an
//      article is never synthesised twice;
//   2. takes the output folder's lock (batch takes and releases it itself,
//      so the edition takes it once the articles are done) and removes
//      dead runs' staging folders under editions/; checks the edition: up to
//      date (nothing is written) when its manifest records the same
//      "inputs_sha256" (program version, preset values, title, date,
//      enclosure format, and per article its folder, input SHA-256, settings
//      and render time) and every file it lists is present;
//   3. otherwise builds "<output>/editions/<date>-<title-slug>/":
//        <stem>.wav      the programme: opening, then per article its
//                        announcement ("第一条：<title>") and its full-article
//                        WAV, then the closing; one cue + LIST/adtl label per
//                        chapter (opening, each article, closing), as in the
//                        full-article WAV, so FFmpeg-based players show them
//        <stem>.mp3      the podcast enclosure (edition/enclosure.hpp: MP3,
//                        else Ogg Opus, else WAV)
//        01-开场.wav …   one WAV per chapter (the parts), in order
//        <stem>.m3u8     playlist of the parts
//        <stem>.cue      CUE sheet of <stem>.wav
//        <stem>.srt/.vtt subtitles of the whole programme
//        chapters.json   Podcasting 2.0 chapters (edition/feed.hpp)
//        manifest.json   see below; written last
//      where <stem> is the folder name. Only the opening, the announcements
//      and the closing are synthesised, through the sentence cache;
//   4. rebuilds "<output>/feed.xml" from every edition on disk
//      (edition/feed.hpp), writing it only when it changed.
//
// Order: the job list's order for a .toml source, else sorted path order
// (file names), exactly as batch finds the jobs (batch/jobs.hpp).
//
// Loudness: the articles are each normalised by render; the spoken parts are
// normalised the same way (listen/loudness.hpp make-up gain, then the
// true-peak limiter of listen/limiter.hpp), then the whole programme is
// measured again and one make-up gain brings it to the preset's target,
// applied while streaming out, with one limiter per chapter holding the
// preset's true-peak ceiling. Memory: articles are streamed in blocks of
// 64 Ki samples (a whole article only when it must be resampled); the
// spoken parts, a few seconds each, are held whole.
//
// Rate: the preset's output.sample_rate, else eSpeak NG's. An article
// rendered at another rate is resampled on the way in.
//
// Atomic: the edition is staged in "editions/.<name>.tmp-<host>-<pid>" and
// swapped into place in one rename, manifest last, like render.
//
// Manifest: briefing_version, built_at (ISO 8601 UTC), built_at_unix,
// edition {title, date, slug}, source, settings, inputs_sha256,
// sample_rate, samples, duration_ms, file, cue_sheet, srt, vtt, playlist,
// chapters_file, enclosure {file, format, type, length, sample_rate,
// bitrate_kbps}, loudness {measured_lufs, gain_db, limiter,
// max_gain_reduction_db, output_lufs, true_peak_dbtp, …},
// opening / closing {text, spoken, sentences[{text, spoken, start_ms,
// end_ms}]}, chapters[{index, kind (opening|article|closing), title, file,
// start_sample, start_ms, duration_ms}], items[{index, title, source,
// folder, manifest (relative to the edition folder), article_sha256,
// announcement {text, spoken}, start_sample, start_ms, article_start_ms,
// duration_ms}], files.
//
// Errors: InputError (bad date, no articles, an article failed to render:
// the edition needs them all), VoiceError/EngineError, OutputError, and
// Interrupted. Thread rule: builds this process's one EspeakEngine, and only
// after the batch workers have finished; call from one thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "batch/batch.hpp"
#include "edition/feed.hpp"

namespace briefing {

struct EditionOptions {
    // How the articles are found and rendered (the batch rules), and the
    // preset, cache and output folder the spoken parts use too. `source` is
    // a folder or job list; dry_run, shard and report are not used here.
    BatchOptions batch;
    std::string title;  // edition title, e.g. "早间简报"
    std::string date;   // "YYYY-MM-DD"
    FeedOptions feed;   // title, description, base_url, author
};

struct EditionResult {
    std::filesystem::path folder;  // the edition's folder
    bool up_to_date = false;       // true: nothing was written for the edition
    bool feed_written = false;
    BatchSummary batch;            // what happened to the articles
    nlohmann::json manifest;       // the edition's manifest (as on disk)
};

EditionResult run_edition(const EditionOptions& options, const Toolkit& tools);

// What is said, as written (the normaliser turns "2026年11月24日" into
// 二零二六年十一月二十四日 and "3条" into 三条). Pure.
struct ProgrammeText {
    std::vector<std::string> opening;        // title, date, count, each title
    std::vector<std::string> announcements;  // "第1条：<title>。" per article
    std::vector<std::string> closing;
};
ProgrammeText programme_text(const std::string& title, const std::string& date,
                             const std::vector<std::string>& article_titles);

// Throws InputError unless `date` is a real calendar date "YYYY-MM-DD".
void check_date(const std::string& date);

// "<date>-<title made safe>" (write/file_names.hpp), the edition's folder.
std::string edition_slug(const std::string& date, const std::string& title);

}  // namespace briefing
