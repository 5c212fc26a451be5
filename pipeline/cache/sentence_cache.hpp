// The sentence audio cache: synthesised sentences on disk, so a re-render
// after an edit only synthesises the sentences that changed.
//
// Key: SHA-256 of exactly what eSpeak NG is given (every SpeechRun's voice
// flag and text), the preset's values (VoicePreset::to_string) and the eSpeak
// NG version and sample rate (see sentence_key). Equal keys mean equal audio.
//
// Layout: <dir>/<first two hex digits>/<key>.pcm, each file a small header
// (magic "BRFCACHE", format version 2, sample rate, sample count, a 64-bit
// damage checksum of the samples in hex) followed by the samples as
// little-endian int16. The checksum catches torn writes and flipped bits; it
// is not a defence against someone who can write the cache folder. Entries are
// written to a temporary name and renamed into place, so concurrent worker
// processes can share one cache: the worst case is the same entry written
// twice. A damaged entry (short, bad magic, checksum mismatch) counts as a
// miss, is deleted and is rebuilt by the caller.
//
// Size cap: least recently used entries go first. A hit refreshes the entry's
// modification time; trim() deletes the oldest entries until the cache is
// below 90% of the cap. Call trim() once at the end of a run, not per entry.
//
// Thread rule: one SentenceCache per process; methods are not thread-safe.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "pronounce/pronounce.hpp"

namespace briefing {

struct CacheStats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    std::uint64_t corrupt = 0;  // damaged entries found (and removed)
    std::uint64_t evicted = 0;  // entries removed by trim()
};

// The cache key for one sentence (64 hex digits).
std::string sentence_key(const std::vector<SpeechRun>& runs, const std::string& voice_values,
                         const std::string& engine_version, int sample_rate);

class SentenceCache {
public:
    // `dir` is created on first store. `max_bytes` 0 means no cap.
    SentenceCache(std::filesystem::path dir, std::uint64_t max_bytes);

    // The cached samples for `key`, if present and intact.
    std::optional<std::vector<std::int16_t>> load(const std::string& key, int sample_rate);

    // Stores samples under `key`. Failure to store is not fatal (the cache is
    // an optimisation): it is logged and ignored.
    void store(const std::string& key, int sample_rate, const std::vector<std::int16_t>& samples);

    // Enforces the size cap (see above).
    void trim();

    const CacheStats& stats() const { return stats_; }
    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path entry_path(const std::string& key) const;

    std::filesystem::path dir_;
    std::uint64_t max_bytes_;
    CacheStats stats_;
};

// The default cache folder for an output folder: $BRIEFING_CACHE_DIR if set,
// else "<output>/.cache".
std::filesystem::path default_cache_dir(const std::filesystem::path& output_root);

}  // namespace briefing
