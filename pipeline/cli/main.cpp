// briefing: the command line. Parses arguments into a struct, then runs one
// subcommand; every failure class has its own exit code (see kExit*).
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "render/render.hpp"
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

struct Options {
    std::vector<std::string> inputs;
    std::string output = "output";
    std::string voice = "default";
    std::size_t max_sentence = 60;
    bool no_title = false;
    bool json = false;
    bool verbose = false;
    bool quiet = false;
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

SegmentOptions segment_options(const Options& o) {
    SegmentOptions s;
    s.max_han = o.max_sentence;
    s.read_title = !o.no_title;
    return s;
}

int run_render(const Options& o) {
    const VoicePreset voice = load_voice(o.voice, voices_dir());
    const fs::path data = text::data_dir();
    const Normaliser normaliser = Normaliser::load(data);
    const Pronouncer pronouncer = Pronouncer::load(data);
    EspeakEngine engine(voice);
    install_signal_handlers();
    RenderOptions options;
    options.output_root = o.output;
    options.segment = segment_options(o);
    for (const auto& input : o.inputs) {
        const RenderResult r = render_article(input, options, voice, engine, {normaliser, pronouncer});
        spdlog::info("{} → {} ({} sections, {:.1f} s)", input, r.folder.string(), r.manifest["sections"].size(),
                     r.manifest["duration_ms"].get<double>() / 1000.0);
    }
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
    const fs::path data = text::data_dir();
    const Normaliser normaliser = Normaliser::load(data);
    const Pronouncer pronouncer = Pronouncer::load(data);
    const nlohmann::json j = inspect_article(ingest(o.inputs.at(0)), segment_options(o), {normaliser, pronouncer});
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

void add_text_options(CLI::App* sub, Options& o) {
    sub->add_option("--max-sentence", o.max_sentence, "Longest sentence unit, in Han characters")
        ->check(CLI::Range(8, 400));
    sub->add_flag("--no-title", o.no_title, "Do not read the article title aloud");
}

int report(const std::string& what, int code) {
    spdlog::error("{}", what);
    return code;
}

}  // namespace

int main(int argc, char** argv) {
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
    add_common(render, o);

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
        if (*voices) return run_voices();
        if (*normalise) return run_normalise();
        if (*pinyin) return run_pinyin();
        if (*inspect) return run_inspect(o);
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
