// `batch`: render many articles, unattended, never redoing finished work,
// never leaving a broken file, never stopping for one bad article.
//
// A run:
//   1. finds the jobs (batch/jobs.hpp) and keeps this machine's shard;
//   2. locks each output folder (batch/output_lock.hpp; a shard locks only its
//      own share, so shards on shared storage run at once) and removes
//      staging leftovers of killed runs;
//   3. plans: an article is up to date (skipped) when its folder's manifest
//      records the same input SHA-256 and the same settings fingerprint
//      (program version, preset values, output settings: see
//      render_fingerprint) and every file it lists is present. `force`
//      re-renders all; `dry_run` only reports the plan. Articles whose titles
//      give the same folder name get "-2", "-3", … in job order;
//   4. renders the rest in `jobs` worker processes, each with its own eSpeak
//      NG engine (libespeak-ng is one engine per process). Workers take
//      articles one at a time from a shared counter. When there are fewer
//      articles than workers, their sentences are first synthesised into the
//      sentence cache by all workers (striped), so even one long article uses
//      every core;
//   5. reports: per article rendered / up to date / failed (with the reason),
//      audio produced, wall time, cache statistics; as JSON with `report`.
//
// Faults: every output is committed atomically by render (staging folder,
// manifest last, one rename), so SIGKILL at any moment leaves earlier outputs
// valid and the next run finishes the rest. SIGINT/SIGTERM stop the workers,
// which remove their staging folders; run_batch then throws Interrupted.
//
// Progress: on a terminal, a one-line progress bar on stderr; otherwise one
// timestamped line per finished article.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "batch/jobs.hpp"
#include "render/render.hpp"

namespace briefing {

struct BatchOptions {
    std::filesystem::path source;                 // folder, job list (.toml) or one article
    std::filesystem::path output_root = "output";
    std::filesystem::path voices_dir;             // where preset names are looked up
    std::string voice = "default";                // preset for jobs that name none
    unsigned jobs = 0;                            // worker processes; 0 = number of cores
    bool force = false;
    bool dry_run = false;
    bool wait = false;                            // wait for another run's lock instead of failing
    bool use_cache = true;
    std::filesystem::path cache_dir;              // "" = default_cache_dir(output_root)
    std::uint64_t cache_max_bytes = 2ull << 30;
    std::optional<Shard> shard;
    std::filesystem::path report;                 // "" = no JSON report
    SegmentOptions segment;
    std::string artist = "Briefing";
    std::uint64_t max_input_bytes = kDefaultMaxInputBytes;
};

enum class Outcome { Rendered, UpToDate, WouldRender, Failed };

struct ArticleResult {
    std::string input;
    Outcome outcome = Outcome::Failed;
    std::string folder;   // the article's output folder
    std::string message;  // why it failed
    std::int64_t audio_ms = 0;
};

struct BatchSummary {
    std::vector<ArticleResult> articles;
    std::size_t rendered = 0, up_to_date = 0, would_render = 0, failed = 0;
    std::int64_t audio_ms = 0;  // audio produced by this run
    double wall_seconds = 0;
    CacheStats cache;
};

// The sentence cache folder a batch with these options uses.
std::filesystem::path cache_dir_of(const BatchOptions& options);

// Runs a batch. Throws InputError (no such source, malformed job list),
// OutputError (lock, unwritable folder), EngineError (eSpeak NG unusable in
// the workers) or Interrupted. Failures of single articles are in the summary.
BatchSummary run_batch(const BatchOptions& options, const Toolkit& tools);

// The summary as the JSON `--report` writes.
nlohmann::json summary_json(const BatchSummary& summary);

// Synthesises the sentences of the given articles into the cache with `jobs`
// worker processes (sentence i of all of them goes to worker i % jobs).
// Used by `render --jobs N` and by batch. Call before this process creates
// its own EspeakEngine. Returns the workers' cache statistics added up.
// Throws EngineError or Interrupted.
struct WarmItem {
    std::vector<std::vector<SpeechRun>> speech;
    VoicePreset voice;
};
CacheStats warm_in_parallel(const std::vector<WarmItem>& items, unsigned jobs, const std::filesystem::path& cache_dir,
                      std::uint64_t cache_max_bytes);

}  // namespace briefing
