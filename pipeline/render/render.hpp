// `render`: one article file → its folder of chaptered audio.
//
// Runs the chain ingest → segment → normalise → pronounce → synthesise →
// assemble → write for one article and lays out
//
//   <output_root>/<article-slug>/
//     01-<section-slug>.wav   one per section, in reading order
//     …
//     <article-slug>.m3u8     playlist of the sections (titles, durations)
//     manifest.json           what was rendered, with sample-exact times, the
//                             settings fingerprint and the list of files
//
// Atomicity: everything is written into a hidden staging folder
// "<output_root>/.<article-slug>.tmp-<host>-<pid>" (with a sibling ".lock"
// file held by flock while the render owns it) and, when complete (manifest
// last), swapped with the previous folder in one rename (renameat2
// RENAME_EXCHANGE) before the old one is deleted. A failure or interruption
// removes the staging folder and leaves any previous good output untouched.
//
// Memory: one section's audio is held at a time.
//
// Loudness: every sentence and pause is handed to a loudness meter as it is
// synthesised, in timeline order (render.cpp, TimelineMeter), so the listen
// stage starts with the article already measured.
//
// Thread rule: uses the process's one EspeakEngine; call from one thread.
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "cache/sentence_cache.hpp"
#include "ingest/ingest.hpp"
#include "normalise/normalise.hpp"
#include "pronounce/pronounce.hpp"
#include "segment/segment.hpp"
#include "synth/espeak_engine.hpp"
#include "synth/voice_preset.hpp"

namespace briefing {

// The program's version, recorded in manifests.
extern const char* const kVersion;

// The stages' shared, read-only tools, loaded once per process.
struct Toolkit {
    const Normaliser& normaliser;
    const Pronouncer& pronouncer;
};

struct RenderOptions {
    std::filesystem::path output_root = "output";
    SegmentOptions segment;
    std::string artist = "Briefing";
    SentenceCache* cache = nullptr;  // not owned; nullptr renders without a cache
    std::string slug;                // folder name; "" = made from the article title
    std::uint64_t max_input_bytes = kDefaultMaxInputBytes;
    // Threads one article may use: above 1, the loudness is measured on a
    // second thread while eSpeak NG synthesises, and the listen stage shares
    // its passes among them. `briefing render` uses the machine's cores; a
    // batch keeps 1, as its workers already fill the cores with articles.
    int threads = 1;
};

// Everything besides the input bytes that decides what render writes: the
// program version, the preset's values and the output settings. Recorded in
// the manifest as "settings"; equal strings mean an equal render.
std::string render_fingerprint(const VoicePreset& voice, const RenderOptions& options);

// The folder name render uses for `article` (its title made safe).
std::string article_slug(const Article& article);

// What eSpeak NG is given for each sentence unit of `article`, in order.
std::vector<std::vector<SpeechRun>> article_speech(const Article& article, const SegmentOptions& options,
                                                   const Toolkit& tools);

// Synthesises `speech[i]` for every i with i % stride == offset that the
// cache lacks, and stores it there: one worker's share of a long article.
// Returns the number of sentences synthesised.
std::size_t warm_cache(const std::vector<std::vector<SpeechRun>>& speech, std::size_t offset, std::size_t stride,
                       const VoicePreset& voice, EspeakEngine& engine, SentenceCache& cache);

struct RenderResult {
    std::filesystem::path folder;  // the article's output folder
    nlohmann::json manifest;       // as written to manifest.json
};

// Renders `input`. Throws InputError, EngineError, OutputError or Interrupted.
RenderResult render_article(const std::filesystem::path& input, const RenderOptions& options,
                            const VoicePreset& voice, EspeakEngine& engine, const Toolkit& tools);

// What will be said, without synthesis: {"title", "sections": [{"title",
// "sentences": [{"paragraph", "text", "spoken", "tokens": [...]}]}]}.
nlohmann::json inspect_article(const Article& article, const SegmentOptions& options, const Toolkit& tools);

// Tokens as JSON: [{"text": "首", "pinyin": "shou3"}, {"text": "，"}, {"text": "GDP", "lang": "en"}].
nlohmann::json tokens_json(const std::vector<Token>& tokens);

}  // namespace briefing
