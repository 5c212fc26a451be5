#include "batch/batch.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <set>
#include <system_error>

#include <spdlog/spdlog.h>

#include "batch/output_lock.hpp"
#include "batch/workers.hpp"
#include "text/clock.hpp"
#include "text/errors.hpp"
#include "text/utf8.hpp"
#include "write/file_names.hpp"
#include "write/text_files.hpp"

namespace briefing {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// CLI exit classes, recorded per failed article.
constexpr int kInputFailure = 2, kVoiceFailure = 3, kOutputFailure = 4, kInternalFailure = 5;

// What the plan decided for one job.
struct Planned {
    Job job;
    fs::path root;
    std::string slug;
    VoicePreset voice;
};

unsigned worker_count(const BatchOptions& o, std::size_t work) {
    unsigned n = o.jobs ? o.jobs : std::max(1u, static_cast<unsigned>(::sysconf(_SC_NPROCESSORS_ONLN)));
    return static_cast<unsigned>(std::min<std::size_t>(n, std::max<std::size_t>(work, 1)));
}

RenderOptions render_options(const BatchOptions& o, const fs::path& root) {
    RenderOptions r;
    r.output_root = root;
    r.segment = o.segment;
    r.artist = o.artist;
    r.max_input_bytes = o.max_input_bytes;
    return r;
}

// True when `folder` holds a complete render of this input with these settings.
bool up_to_date(const fs::path& folder, const std::string& sha256, const std::string& fingerprint) {
    std::error_code ec;
    const fs::path manifest_path = folder / "manifest.json";
    if (!fs::is_regular_file(manifest_path, ec)) return false;
    try {
        std::FILE* f = std::fopen(manifest_path.c_str(), "rb");
        if (!f) return false;
        const json m = json::parse(f);
        std::fclose(f);
        if (m.value("settings", "") != fingerprint || m["article"].value("sha256", "") != sha256) return false;
        for (const auto& name : m.at("files"))
            if (!fs::is_regular_file(folder / name.get<std::string>(), ec)) return false;
        return true;
    } catch (const std::exception&) {
        return false;  // unreadable or older manifest: render again
    }
}

class VoiceBook {
public:
    VoiceBook(fs::path dir, std::string fallback) : dir_(std::move(dir)), fallback_(std::move(fallback)) {}
    const VoicePreset& get(const std::string& name) {
        const std::string key = name.empty() ? fallback_ : name;
        auto it = loaded_.find(key);
        if (it == loaded_.end()) it = loaded_.emplace(key, load_voice(key, dir_)).first;
        return it->second;
    }

private:
    fs::path dir_;
    std::string fallback_;
    std::map<std::string, VoicePreset> loaded_;
};

ArticleResult failure(const Job& job, const std::string& message) {
    return {job.input.string(), Outcome::Failed, "", message, 0};
}

// Decides, per job, whether to skip it, render it or report it failed.
std::vector<Planned> plan(const std::vector<Job>& jobs, const BatchOptions& o, BatchSummary& summary) {
    VoiceBook voices(o.voices_dir, o.voice);
    std::map<fs::path, std::set<std::string>> taken;  // folder names per output root
    std::vector<Planned> todo;
    for (const auto& job : jobs) {
        try {
            const VoicePreset& voice = voices.get(job.voice);
            const fs::path root = job.output.value_or(o.output_root);
            const Article article = ingest(job.input, o.max_input_bytes);
            const std::string slug = unique_name(article_slug(article), taken[root]);
            const std::string fingerprint = render_fingerprint(voice, render_options(o, root));
            if (!o.force && up_to_date(root / slug, article.sha256, fingerprint)) {
                summary.articles.push_back({job.input.string(), Outcome::UpToDate, (root / slug).string(), "", 0});
                continue;
            }
            if (o.dry_run) {
                summary.articles.push_back({job.input.string(), Outcome::WouldRender, (root / slug).string(), "", 0});
                continue;
            }
            todo.push_back({job, root, slug, voice});
        } catch (const std::exception& e) {
            summary.articles.push_back(failure(job, e.what()));
        }
    }
    return todo;
}

// Shards write disjoint folders, so each locks its own name and they run side by side.
std::string lock_name(const BatchOptions& o) {
    if (!o.shard) return ".briefing.lock";
    return ".briefing-shard-" + std::to_string(o.shard->index + 1) + "-of-" + std::to_string(o.shard->count) + ".lock";
}

std::string clock_now() { return text::now_text("%Y-%m-%d %H:%M:%S", false); }

// Progress on stderr: a bar on a terminal, plain lines otherwise.
class Progress {
public:
    Progress(std::size_t total, std::chrono::steady_clock::time_point start)
        : total_(total), start_(start), tty_(::isatty(2) == 1) {}

    void finished(const std::string& input, bool ok, std::int64_t audio_ms, const std::string& message) {
        ++done_;
        audio_ms_ += audio_ms;
        if (tty_) return draw();
        if (ok)
            std::fprintf(stderr, "%s briefing: rendered %s (%zu/%zu, %.1f min audio)\n", clock_now().c_str(),
                         input.c_str(), done_, total_, audio_ms / 60000.0);
        else
            std::fprintf(stderr, "%s briefing: FAILED %s: %s (%zu/%zu)\n", clock_now().c_str(), input.c_str(),
                         message.c_str(), done_, total_);
    }
    void end() {
        if (tty_ && total_) std::fprintf(stderr, "\n");
    }

private:
    void draw() {
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        const double eta = done_ ? elapsed / static_cast<double>(done_) * static_cast<double>(total_ - done_) : 0;
        const int width = 30, filled = static_cast<int>(width * done_ / std::max<std::size_t>(total_, 1));
        std::fprintf(stderr, "\r[%.*s%*s] %zu/%zu articles, %.1f min audio, ETA %d:%02d ", filled,
                     "##############################", width - filled, "", done_, total_, audio_ms_ / 60000.0,
                     static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
        std::fflush(stderr);
    }
    std::size_t total_, done_ = 0;
    std::int64_t audio_ms_ = 0;
    std::chrono::steady_clock::time_point start_;
    bool tty_;
};

int failure_code(const std::exception& e) {
    if (dynamic_cast<const InputError*>(&e)) return kInputFailure;
    if (dynamic_cast<const VoiceError*>(&e) || dynamic_cast<const EngineError*>(&e)) return kVoiceFailure;
    if (dynamic_cast<const OutputError*>(&e)) return kOutputFailure;
    return kInternalFailure;
}

// One worker: its own engine and cache, articles from the shared counter.
int render_worker(SharedWork& work, const std::vector<Planned>& todo, const BatchOptions& o, const Toolkit& tools) {
    std::unique_ptr<EspeakEngine> engine;
    try {
        engine = std::make_unique<EspeakEngine>(todo.front().voice);
    } catch (const std::exception& e) {
        work.set_fatal(e.what());
        return kVoiceFailure;
    }
    std::unique_ptr<SentenceCache> cache;
    if (o.use_cache) cache = std::make_unique<SentenceCache>(cache_dir_of(o), o.cache_max_bytes);
    for (std::size_t i = work.claim(::getpid()); i < work.size(); i = work.claim(::getpid())) {
        ResultSlot& slot = work.slot(i);
        const Planned& p = todo[i];
        const CacheStats before = cache ? cache->stats() : CacheStats{};
        try {
            engine->use_preset(p.voice);
            RenderOptions r = render_options(o, p.root);
            r.cache = cache.get();
            r.slug = p.slug;
            const RenderResult result = render_article(p.job.input, r, p.voice, *engine, tools);
            slot.audio_ms = result.manifest["duration_ms"].get<std::int64_t>();
            slot.code = 0;
        } catch (const Interrupted& e) {
            return 128 + e.signal;
        } catch (const std::exception& e) {
            slot.code = failure_code(e);
            set_message(slot, e.what());
        }
        if (cache) {
            slot.cache_hits = cache->stats().hits - before.hits;
            slot.cache_misses = cache->stats().misses - before.misses;
            slot.cache_corrupt = cache->stats().corrupt - before.corrupt;
        }
        slot.state.store(static_cast<int>(SlotState::Done));
    }
    return 0;
}

// Sentences first, spread over all workers, when articles alone cannot keep
// every worker busy.
CacheStats warm_small_batch(const std::vector<Planned>& todo, unsigned workers, const BatchOptions& o,
                            const Toolkit& tools) {
    std::vector<WarmItem> items;
    for (const auto& p : todo) {
        try {
            items.push_back({article_speech(ingest(p.job.input, o.max_input_bytes), o.segment, tools), p.voice});
        } catch (const InputError&) {
            // Reported when the article itself is rendered.
        }
    }
    return warm_in_parallel(items, workers, cache_dir_of(o), o.cache_max_bytes);
}

void collect(SharedWork& work, const std::vector<Planned>& todo, BatchSummary& summary) {
    for (std::size_t i = 0; i < todo.size(); ++i) {
        ResultSlot& s = work.slot(i);
        const std::string input = todo[i].job.input.string();
        const std::string folder = (todo[i].root / todo[i].slug).string();
        const auto state = static_cast<SlotState>(s.state.load());
        if (state == SlotState::Done && s.code == 0) {
            summary.articles.push_back({input, Outcome::Rendered, folder, "", s.audio_ms});
        } else if (state == SlotState::Done) {
            summary.articles.push_back({input, Outcome::Failed, folder, s.message, 0});
        } else {
            const std::string why = state == SlotState::Claimed ? "its worker process died while rendering it"
                                                                : "not rendered: no worker was left to take it";
            summary.articles.push_back({input, Outcome::Failed, folder, why, 0});
        }
        summary.cache.hits += s.cache_hits;
        summary.cache.misses += s.cache_misses;
        summary.cache.corrupt += s.cache_corrupt;
    }
}

void render_all(const std::vector<Planned>& todo, const BatchOptions& o, const Toolkit& tools, BatchSummary& summary,
                std::chrono::steady_clock::time_point start) {
    const unsigned workers = worker_count(o, todo.size());
    if (o.jobs != 1 && todo.size() < worker_count(o, SIZE_MAX) && o.use_cache)
        summary.cache = warm_small_batch(todo, worker_count(o, SIZE_MAX), o, tools);
    SharedWork work(todo.size());
    Progress progress(todo.size(), start);
    std::vector<bool> shown(todo.size(), false);
    auto tick = [&] {
        for (std::size_t i = 0; i < todo.size(); ++i) {
            ResultSlot& s = work.slot(i);
            if (shown[i] || s.state.load() != static_cast<int>(SlotState::Done)) continue;
            shown[i] = true;
            progress.finished(todo[i].job.input.string(), s.code == 0, s.audio_ms, s.message);
        }
    };
    run_workers(workers, [&](unsigned) { return render_worker(work, todo, o, tools); }, tick);
    progress.end();
    if (const int sig = EspeakEngine::cancel_signal().load()) throw Interrupted(sig);
    collect(work, todo, summary);
    const std::string fatal = work.fatal();
    if (!fatal.empty() &&
        std::none_of(summary.articles.begin(), summary.articles.end(),
                     [](const ArticleResult& a) { return a.outcome == Outcome::Rendered; }))
        throw EngineError(fatal);
}

void count(BatchSummary& s) {
    for (const auto& a : s.articles) {
        s.rendered += a.outcome == Outcome::Rendered;
        s.up_to_date += a.outcome == Outcome::UpToDate;
        s.would_render += a.outcome == Outcome::WouldRender;
        s.failed += a.outcome == Outcome::Failed;
        s.audio_ms += a.audio_ms;
    }
}

const char* outcome_name(Outcome o) {
    switch (o) {
        case Outcome::Rendered: return "rendered";
        case Outcome::UpToDate: return "up_to_date";
        case Outcome::WouldRender: return "would_render";
        case Outcome::Failed: return "failed";
    }
    return "failed";
}

}  // namespace

fs::path cache_dir_of(const BatchOptions& o) {
    return o.cache_dir.empty() ? default_cache_dir(o.output_root) : o.cache_dir;
}

CacheStats warm_in_parallel(const std::vector<WarmItem>& items, unsigned jobs, const fs::path& dir,
                            std::uint64_t cache_max_bytes) {
    if (items.empty() || jobs == 0) return {};
    SharedWork shared(jobs);  // slot w: worker w's cache statistics
    const auto body = [&](unsigned w) -> int {
        try {
            EspeakEngine engine(items.front().voice);
            SentenceCache cache(dir, cache_max_bytes);
            std::size_t base = 0;  // sentences before this item, so striping runs across items
            for (const auto& item : items) {
                engine.use_preset(item.voice);
                const std::size_t offset = (w + jobs - base % jobs) % jobs;
                warm_cache(item.speech, offset, jobs, item.voice, engine, cache);
                base += item.speech.size();
            }
            ResultSlot& slot = shared.slot(w);
            slot.cache_hits = cache.stats().hits;
            slot.cache_misses = cache.stats().misses;
            slot.cache_corrupt = cache.stats().corrupt;
        } catch (const Interrupted& e) {
            return 128 + e.signal;
        } catch (const std::exception& e) {
            shared.set_fatal(e.what());
            return kVoiceFailure;
        }
        return 0;
    };
    run_workers(jobs, body, [] {});
    if (const int sig = EspeakEngine::cancel_signal().load()) throw Interrupted(sig);
    if (!shared.fatal().empty()) throw EngineError(shared.fatal());
    CacheStats total;
    for (unsigned w = 0; w < jobs; ++w) {
        total.hits += shared.slot(w).cache_hits;
        total.misses += shared.slot(w).cache_misses;
        total.corrupt += shared.slot(w).cache_corrupt;
    }
    return total;
}

BatchSummary run_batch(const BatchOptions& o, const Toolkit& tools) {
    const auto start = std::chrono::steady_clock::now();
    std::vector<Job> jobs = discover_jobs(o.source);
    if (o.shard) jobs.erase(std::remove_if(jobs.begin(), jobs.end(), [&](const Job& j) { return !in_shard(j, *o.shard); }),
                            jobs.end());
    std::set<fs::path> roots{o.output_root};
    for (const auto& j : jobs)
        if (j.output) roots.insert(*j.output);
    std::vector<std::unique_ptr<OutputLock>> locks;
    if (!o.dry_run)
        for (const auto& root : roots) {  // sorted, so two runs cannot deadlock
            locks.push_back(std::make_unique<OutputLock>(root, o.wait, lock_name(o)));
            remove_stale_staging(root);
        }
    BatchSummary summary;
    const std::vector<Planned> todo = plan(jobs, o, summary);
    if (!todo.empty()) render_all(todo, o, tools, summary, start);
    if (o.use_cache && !o.dry_run) {
        SentenceCache cache(cache_dir_of(o), o.cache_max_bytes);
        cache.trim();
        summary.cache.evicted = cache.stats().evicted;
    }
    count(summary);
    summary.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!o.report.empty()) write_file_atomic(o.report, summary_json(summary).dump(2) + "\n");
    return summary;
}

json summary_json(const BatchSummary& s) {
    json articles = json::array();
    for (const auto& a : s.articles)
        articles.push_back({{"input", a.input},
                            {"status", outcome_name(a.outcome)},
                            {"folder", a.folder},
                            {"message", a.message},
                            {"audio_ms", a.audio_ms}});
    return {{"rendered", s.rendered},
            {"up_to_date", s.up_to_date},
            {"would_render", s.would_render},
            {"failed", s.failed},
            {"audio_minutes", static_cast<double>(s.audio_ms) / 60000.0},
            {"wall_seconds", s.wall_seconds},
            {"cache",
             {{"hits", s.cache.hits}, {"misses", s.cache.misses}, {"corrupt", s.cache.corrupt},
              {"evicted", s.cache.evicted}}},
            {"articles", std::move(articles)}};
}

}  // namespace briefing
