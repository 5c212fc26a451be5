#include "cache/sentence_cache.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <system_error>

#include <spdlog/spdlog.h>
#include <unistd.h>

#include "text/sha256.hpp"

namespace briefing {

namespace fs = std::filesystem;

namespace {

constexpr char kMagic[8] = {'B', 'R', 'F', 'C', 'A', 'C', 'H', 'E'};
constexpr std::uint32_t kFormat = 2;

struct Header {
    char magic[8];
    std::uint32_t format;
    std::uint32_t sample_rate;
    std::uint64_t count;
    char checksum[64];  // checksum() in hex, then '0's
};

// Guards against damage (a torn write, a flipped bit), not against forgery:
// a 64-bit multiply-xor over 8-byte words. SHA-256 here was most of the time
// a warm re-render spent outside the kernel; this runs at memory speed.
// Every step is a bijection of the running value, so any one changed word
// always changes the result.
std::string checksum(const std::vector<std::int16_t>& samples) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(samples.data());
    const std::size_t size = samples.size() * sizeof(std::int16_t);
    std::uint64_t h = 0xcbf29ce484222325ULL ^ size;
    std::size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        std::uint64_t word;
        std::memcpy(&word, bytes + i, 8);
        h = (h ^ word) * 0x100000001b3ULL;
        h ^= h >> 29;
    }
    for (; i < size; ++i) h = (h ^ bytes[i]) * 0x100000001b3ULL;
    char hex[65];
    std::snprintf(hex, sizeof hex, "%016llx%048d", static_cast<unsigned long long>(h), 0);
    return std::string(hex, 64);
}

}  // namespace

std::string sentence_key(const std::vector<SpeechRun>& runs, const std::string& voice_values,
                         const std::string& engine_version, int sample_rate) {
    // "-2": entries of the SHA-256 format are never read, only aged out.
    std::string material = "briefing-cache-2\n" + engine_version + "\n" + std::to_string(sample_rate) + "\n" +
                           voice_values + "\n";
    for (const auto& r : runs) {
        material += r.english ? "en:" : "zh:";
        material += std::to_string(r.text.size()) + ":" + r.text + "\n";
    }
    return text::sha256_hex(material);
}

SentenceCache::SentenceCache(fs::path dir, std::uint64_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}

fs::path SentenceCache::entry_path(const std::string& key) const { return dir_ / key.substr(0, 2) / (key + ".pcm"); }

std::optional<std::vector<std::int16_t>> SentenceCache::load(const std::string& key, int sample_rate) {
    const fs::path path = entry_path(key);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        ++stats_.misses;
        return std::nullopt;
    }
    Header h{};
    std::vector<std::int16_t> samples;
    bool ok = static_cast<bool>(in.read(reinterpret_cast<char*>(&h), sizeof h)) &&
              std::memcmp(h.magic, kMagic, sizeof kMagic) == 0 && h.format == kFormat &&
              h.sample_rate == static_cast<std::uint32_t>(sample_rate) && h.count < (1ull << 34);
    if (ok) {
        samples.resize(h.count);
        ok = static_cast<bool>(in.read(reinterpret_cast<char*>(samples.data()),
                                       static_cast<std::streamsize>(h.count * sizeof(std::int16_t)))) &&
             in.peek() == std::char_traits<char>::eof() && checksum(samples) == std::string(h.checksum, 64);
    }
    if (!ok) {
        ++stats_.corrupt;
        ++stats_.misses;
        std::error_code ec;
        fs::remove(path, ec);
        spdlog::debug("cache: damaged entry {} removed", path.string());
        return std::nullopt;
    }
    ++stats_.hits;
    std::error_code ec;
    fs::last_write_time(path, fs::file_time_type::clock::now(), ec);  // LRU: a hit is a use
    return samples;
}

void SentenceCache::store(const std::string& key, int sample_rate, const std::vector<std::int16_t>& samples) {
    const fs::path path = entry_path(key);
    const fs::path tmp = path.string() + ".tmp-" + std::to_string(::getpid());
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    Header h{};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.format = kFormat;
    h.sample_rate = static_cast<std::uint32_t>(sample_rate);
    h.count = samples.size();
    const std::string sum = checksum(samples);
    std::memcpy(h.checksum, sum.data(), 64);
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(&h), sizeof h);
        out.write(reinterpret_cast<const char*>(samples.data()),
                  static_cast<std::streamsize>(samples.size() * sizeof(std::int16_t)));
        if (!out) {
            fs::remove(tmp, ec);
            spdlog::warn("cache: cannot store in {} (continuing without caching)", dir_.string());
            return;
        }
    }
    fs::rename(tmp, path, ec);
    if (ec) fs::remove(tmp, ec);
}

void SentenceCache::trim() {
    if (max_bytes_ == 0) return;
    struct Entry {
        fs::path path;
        fs::file_time_type used;
        std::uint64_t size;
    };
    std::vector<Entry> entries;
    std::uint64_t total = 0;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir_, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
        if (!it->is_regular_file(ec) || it->path().extension() != ".pcm") continue;
        const std::uint64_t size = it->file_size(ec);
        entries.push_back({it->path(), it->last_write_time(ec), size});
        total += size;
    }
    if (total <= max_bytes_) return;
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.used < b.used; });
    const std::uint64_t goal = max_bytes_ / 10 * 9;
    for (const auto& e : entries) {
        if (total <= goal) break;
        if (fs::remove(e.path, ec)) {
            total -= e.size;
            ++stats_.evicted;
        }
    }
}

fs::path default_cache_dir(const fs::path& output_root) {
    if (const char* env = std::getenv("BRIEFING_CACHE_DIR"); env && *env) return env;
    return output_root / ".cache";
}

}  // namespace briefing
