// briefing: the command line. Parses arguments into a struct, then runs one
// subcommand; every failure class has its own exit code (see kExit*).
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <ctime>
#include <optional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "batch/batch.hpp"
#include "batch/output_lock.hpp"
#include "edition/edition.hpp"
#include "render/render.hpp"
#include "text/clock.hpp"
#include "text/data_dir.hpp"
#include "text/errors.hpp"
#include "text/utf8.hpp"

namespace fs = std::filesystem;
using namespace briefing;

namespace {

// Exit codes, one per failure class (documented in the README).
constexpr int kExitOk = 0;
constexpr int kExitUsage = 1;
constexpr int kExitInput = 2;
constexpr int kExitEngine = 3;
constexpr int kExitOutput = 4;
constexpr int kExitInternal = 5;
constexpr int kExitSomeFailed = 6;  // batch: some articles failed, the rest were rendered

struct Options {
    std::vector<std::string> inputs;
    std::string output = "output";
    std::string voice = "default";
    std::size_t max_sentence = 60;
    std::uint64_t max_input_mb = kDefaultMaxInputBytes >> 20;
    bool no_title = false;
    bool json = false;
    bool verbose = false;
    bool quiet = false;
    // render and batch
    unsigned jobs = 0;  // 0: render uses 1, batch uses every core
    std::string cache_dir;
    bool no_cache = false;
    unsigned cache_max_mb = 2048;
    bool wait = false;
    // batch
    bool force = false;
    bool dry_run = false;
    std::string shard;
    std::string report;
    // edition
    std::string title;
    std::string date;  // "" = today (local time)
    std::string base_url;
    std::string feed_title = "Briefing";
};

void on_signal(int sig) { EspeakEngine::cancel_signal().store(sig); }

void install_signal_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

void setup_logging(const Options& o) {
    auto logger = spdlog::stderr_color_mt("briefing");
    logger->set_pattern("briefing: %^%l%$: %v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(o.verbose ? spdlog::level::debug : o.quiet ? spdlog::level::warn : spdlog::level::info);
}

fs::path voices_dir() { return text::data_dir() / "voices"; }

// The read-only text tools, loaded once per run from the data directory.
struct Tools {
    Normaliser normaliser;
    Pronouncer pronouncer;
    Toolkit kit{normaliser, pronouncer};

    Tools() : normaliser(Normaliser::load(text::data_dir())), pronouncer(Pronouncer::load(text::data_dir())) {}
    Tools(const Tools&) = delete;  // `kit` refers to the members
};


SegmentOptions segment_options(const Options& o) {
    SegmentOptions s;
    s.max_han = o.max_sentence;
    s.read_title = !o.no_title;
    return s;
}

fs::path cache_dir_for(const Options& o) {
    return o.cache_dir.empty() ? default_cache_dir(o.output) : fs::path(o.cache_dir);
}

// `render --jobs N`: the sentences of all the articles are synthesised into
// the cache by N worker processes first; this process then assembles them.
void warm_render(const Options& o, const VoicePreset& voice, const Toolkit& tools, const fs::path& cache) {
    std::vector<WarmItem> items;
    for (const auto& input : o.inputs)
        items.push_back({article_speech(ingest(input, o.max_input_mb << 20), segment_options(o), tools), voice});
    warm_in_parallel(items, o.jobs, cache, std::uint64_t{o.cache_max_mb} << 20);
}

int run_render(const Options& o) {
    const VoicePreset voice = load_voice(o.voice, voices_dir());
    const Tools loaded;
    const Toolkit& tools = loaded.kit;
    // With one job the engine starts first, so missing eSpeak NG data or voices
    // are reported before the output folder is touched. Worker processes
    // (--jobs N) must fork before any engine exists; they report the same
    // errors at their start.
    std::optional<EspeakEngine> engine;
    if (o.jobs <= 1) engine.emplace(voice);
    OutputLock lock(o.output, o.wait);
    remove_stale_staging(o.output);
    install_signal_handlers();
    // Parallel synthesis needs the cache to hand audio back; without one, a
    // private cache lives for this run only.
    fs::path cache_dir = cache_dir_for(o);
    const bool private_cache = o.no_cache && o.jobs > 1;
    if (private_cache) cache_dir = fs::path(o.output) / (".cache-run-" + std::to_string(::getpid()));
    std::optional<SentenceCache> cache;
    if (!o.no_cache || private_cache) cache.emplace(cache_dir, std::uint64_t{o.cache_max_mb} << 20);
    if (o.jobs > 1) {
        warm_render(o, voice, tools, cache_dir);
        engine.emplace(voice);
    }
    RenderOptions options;
    options.output_root = o.output;
    options.segment = segment_options(o);
    options.cache = cache ? &*cache : nullptr;
    options.max_input_bytes = o.max_input_mb << 20;
    options.threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
    for (const auto& input : o.inputs) {
        const RenderResult r = render_article(input, options, voice, *engine, tools);
        spdlog::info("{} → {} ({} sections, {:.1f} s)", input, r.folder.string(), r.manifest["sections"].size(),
                     r.manifest["duration_ms"].get<double>() / 1000.0);
    }
    if (private_cache) fs::remove_all(cache_dir);
    else if (cache) cache->trim();
    return kExitOk;
}

// What `batch` and `edition` share: the articles, preset, workers and cache.
BatchOptions batch_options(const Options& o) {
    BatchOptions b;
    b.source = o.inputs.at(0);
    b.output_root = o.output;
    b.voices_dir = voices_dir();
    b.voice = o.voice;
    b.jobs = o.jobs;
    b.force = o.force;
    b.wait = o.wait;
    b.use_cache = !o.no_cache;
    b.cache_dir = cache_dir_for(o);
    b.cache_max_bytes = std::uint64_t{o.cache_max_mb} << 20;
    b.segment = segment_options(o);
    b.max_input_bytes = o.max_input_mb << 20;
    return b;
}

int run_batch_command(const Options& o) {
    const Tools tools;
    BatchOptions b = batch_options(o);
    load_voice(o.voice, b.voices_dir);  // an unusable default preset stops the run before any work
    b.dry_run = o.dry_run;
    if (!o.shard.empty()) {
        try {
            b.shard = parse_shard(o.shard);
        } catch (const std::invalid_argument& e) {
            throw CLI::ValidationError("--shard", e.what());
        }
    }
    b.report = o.report;
    install_signal_handlers();
    const BatchSummary s = run_batch(b, tools.kit);
    for (const auto& a : s.articles) {
        if (a.outcome == Outcome::Failed) spdlog::error("{}", a.message);
        if (a.outcome == Outcome::WouldRender) std::cout << "would render " << a.input << " → " << a.folder << "\n";
        if (a.outcome == Outcome::UpToDate && o.dry_run) std::cout << "up to date   " << a.input << "\n";
    }
    spdlog::info("{} rendered, {} up to date, {} failed; {:.1f} min of audio in {:.1f} s; cache {} hits, {} misses",
                 s.rendered, s.up_to_date, s.failed, s.audio_ms / 60000.0, s.wall_seconds, s.cache.hits,
                 s.cache.misses);
    return s.failed ? kExitSomeFailed : kExitOk;
}

std::string today() { return text::now_text("%Y-%m-%d", false); }

int run_edition(const Options& o) {
    const Tools tools;
    EditionOptions e;
    e.batch = batch_options(o);
    e.title = o.title;
    e.date = o.date.empty() ? today() : o.date;
    e.feed.title = o.feed_title;
    e.feed.base_url = o.base_url;
    install_signal_handlers();
    const EditionResult r = run_edition(e, tools.kit);
    spdlog::info("articles: {} rendered, {} up to date", r.batch.rendered, r.batch.up_to_date);
    spdlog::info("{} {} ({} items, {:.1f} min){}", r.up_to_date ? "up to date:" : "edition →", r.folder.string(),
                 r.manifest["items"].size(), r.manifest["duration_ms"].get<double>() / 60000.0,
                 r.feed_written ? "; feed.xml updated" : "");
    return kExitOk;
}

int run_voices() {
    for (const auto& v : list_voices(voices_dir()))
        std::cout << v.name << "\t" << v.description << "\n  " << v.to_string() << "\n";
    return kExitOk;
}

// Reads stdin line by line, refusing invalid UTF-8 with its line number.
template <typename Fn>
int each_stdin_line(Fn&& fn) {
    std::string line;
    for (std::size_t n = 1; std::getline(std::cin, line); ++n) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (auto bad = text::find_invalid_utf8(line))
            throw InputError("standard input line " + std::to_string(n) + ": not valid UTF-8 at byte " +
                             std::to_string(bad->byte_offset));
        std::cout << fn(line) << "\n";
    }
    return kExitOk;
}

int run_normalise() {
    const Normaliser normaliser = Normaliser::load(text::data_dir());
    return each_stdin_line([&](const std::string& line) { return normaliser(line); });
}

int run_pinyin() {
    const Pronouncer pronouncer = Pronouncer::load(text::data_dir());
    return each_stdin_line([&](const std::string& line) {
        std::string out;
        for (const auto& syllable : pronouncer.han_pinyin(line)) out += (out.empty() ? "" : " ") + syllable;
        return out;
    });
}

void print_readable(const nlohmann::json& j) {
    std::cout << "# " << j["title"].get<std::string>() << "\n";
    int n = 0;
    for (const auto& s : j["sections"]) {
        std::cout << "\n## " << ++n << ". " << s["title"].get<std::string>() << "\n";
        for (const auto& sentence : s["sentences"]) {
            std::cout << "\n[" << sentence["paragraph"].get<int>() << "] " << sentence["text"].get<std::string>()
                      << "\n    spoken: " << sentence["spoken"].get<std::string>() << "\n    pinyin:";
            for (const auto& t : sentence["tokens"]) {
                if (t.contains("pinyin")) std::cout << " " << t["pinyin"].get<std::string>();
                else if (t.contains("lang")) std::cout << " <" << t["text"].get<std::string>() << ">";
            }
            std::cout << "\n";
        }
    }
}

int run_inspect(const Options& o) {
    const Tools tools;
    const nlohmann::json j =
        inspect_article(ingest(o.inputs.at(0), o.max_input_mb << 20), segment_options(o), tools.kit);
    if (o.json)
        std::cout << j.dump(2) << "\n";
    else
        print_readable(j);
    return kExitOk;
}

void add_common(CLI::App* sub, Options& o) {
    sub->add_flag("-v,--verbose", o.verbose, "Log every sentence (debug)");
    sub->add_flag("-q,--quiet", o.quiet, "Log warnings and errors only");
}

void add_work_options(CLI::App* sub, Options& o) {
    sub->add_option("-j,--jobs", o.jobs, "Worker processes (each with its own eSpeak NG engine)")
        ->check(CLI::Range(1, 256));
    sub->add_option("--cache-dir", o.cache_dir, "Sentence audio cache folder (default: OUTPUT/.cache)");
    sub->add_flag("--no-cache", o.no_cache, "Do not use the sentence audio cache");
    sub->add_option("--cache-max-mb", o.cache_max_mb, "Cache size cap in MiB (least recently used go first)")
        ->capture_default_str()
        ->check(CLI::Range(1u, 1u << 22));
    sub->add_flag("--wait", o.wait, "Wait for another run on the same output folder instead of failing");
}

void add_text_options(CLI::App* sub, Options& o) {
    sub->add_option("--max-sentence", o.max_sentence, "Longest sentence unit, in Han characters")
        ->check(CLI::Range(8, 400));
    sub->add_flag("--no-title", o.no_title, "Do not read the article title aloud");
    sub->add_option("--max-input-mb", o.max_input_mb, "Refuse article files larger than this")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 20));
}

int report(const std::string& what, int code) {
    spdlog::error("{}", what);
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    // Past a file size limit (ulimit -f) a write must fail with EFBIG and be
    // reported, not kill the process. Set first: libespeak-ng's audio layer
    // already writes (a PulseAudio memfd) while the engine starts.
    ::signal(SIGXFSZ, SIG_IGN);
    // Audio buffers are large and short-lived, and several threads allocate
    // and free them. With glibc's default, the first large buffer freed
    // raises the threshold above which allocations get their own mapping,
    // so later section buffers come from the shared heap, where a small
    // live block above a freed one keeps its pages resident: measured, a
    // long render's peak memory then drifted 30 MiB above what was live. A
    // fixed threshold gives every buffer over 1 MiB its own mapping, returned
    // to the system when freed.
    ::mallopt(M_MMAP_THRESHOLD, 1 << 20);
    Options o;
    CLI::App app{"Briefing: Mandarin news articles → chaptered audio briefings"};
    app.require_subcommand(1);
    app.set_version_flag("--version", std::string("briefing ") + kVersion);

    auto* render = app.add_subcommand("render", "Render article files (.txt or .md) to chaptered WAV files");
    render->add_option("articles", o.inputs, "Article files")->required();
    render->add_option("-o,--output", o.output, "Output folder (one sub-folder per article)")
        ->capture_default_str();
    render->add_option("--voice", o.voice, "Voice preset name or path to a .toml preset")->capture_default_str();
    add_text_options(render, o);
    add_work_options(render, o);
    add_common(render, o);

    auto* batch = app.add_subcommand("batch", "Render every article in a folder or a job list (.toml)");
    batch->add_option("source", o.inputs, "Folder (searched recursively for .txt/.md) or job list .toml")
        ->required()
        ->expected(1);
    batch->add_option("-o,--output", o.output, "Output folder")->capture_default_str();
    batch->add_option("--voice", o.voice, "Preset for articles whose job names none")->capture_default_str();
    batch->add_flag("--force", o.force, "Render even articles that are up to date");
    batch->add_flag("--dry-run", o.dry_run, "Only list what would be rendered");
    batch->add_option("--shard", o.shard, "This machine's share: K/N, auto (Slurm array) or auto/N (Kubernetes)");
    batch->add_option("--report", o.report, "Write the summary as JSON to this file");
    add_text_options(batch, o);
    add_work_options(batch, o);
    add_common(batch, o);

    auto* edition = app.add_subcommand("edition", "Make a daily edition of many articles and update the podcast feed");
    edition->add_option("source", o.inputs, "Folder of articles (file name order) or job list .toml (its order)")
        ->required()
        ->expected(1);
    edition->add_option("-o,--output", o.output, "Output folder (editions/ and feed.xml go here)")
        ->capture_default_str();
    edition->add_option("--title", o.title, "Edition title, read in the opening (e.g. 早间简报)")->required();
    edition->add_option("--date", o.date, "Edition date YYYY-MM-DD (default: today)");
    edition->add_option("--base-url", o.base_url, "Make the feed's enclosure and chapters links absolute");
    edition->add_option("--feed-title", o.feed_title, "Podcast channel title")->capture_default_str();
    edition->add_option("--voice", o.voice, "Preset for the spoken parts and articles whose job names none")
        ->capture_default_str();
    edition->add_flag("--force", o.force, "Render the articles and the edition even when up to date");
    add_text_options(edition, o);
    add_work_options(edition, o);
    add_common(edition, o);

    auto* voices = app.add_subcommand("voices", "List the voice presets");
    add_common(voices, o);

    auto* normalise = app.add_subcommand("normalise", "Read lines on stdin, write each line's spoken form");
    add_common(normalise, o);
    auto* pinyin = app.add_subcommand("pinyin", "Read lines on stdin, write the pinyin of each Han character");
    add_common(pinyin, o);

    auto* inspect = app.add_subcommand("inspect", "Show an article's structure and what will be said");
    inspect->add_option("article", o.inputs, "Article file")->required()->expected(1);
    inspect->add_flag("--json", o.json, "Print JSON");
    add_text_options(inspect, o);
    add_common(inspect, o);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);  // prints help or the usage error
        return code == 0 ? kExitOk : kExitUsage;
    }
    setup_logging(o);
    try {
        if (*render) return run_render(o);
        if (*batch) return run_batch_command(o);
        if (*edition) return run_edition(o);
        if (*voices) return run_voices();
        if (*normalise) return run_normalise();
        if (*pinyin) return run_pinyin();
        if (*inspect) return run_inspect(o);
    } catch (const CLI::ValidationError& e) {
        return report(e.what(), kExitUsage);
    } catch (const Interrupted& e) {
        spdlog::warn("stopped by signal {}; nothing half-written was left", e.signal);
        return 128 + e.signal;
    } catch (const InputError& e) {
        return report(e.what(), kExitInput);
    } catch (const VoiceError& e) {
        return report(e.what(), kExitEngine);
    } catch (const EngineError& e) {
        return report(e.what(), kExitEngine);
    } catch (const OutputError& e) {
        return report(e.what(), kExitOutput);
    } catch (const std::exception& e) {
        return report(std::string("internal error: ") + e.what(), kExitInternal);
    }
    return kExitUsage;
}
