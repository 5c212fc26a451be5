// A minimal RIFF chunk walker for tests: the order, sizes and bodies of the
// top-level chunks of a WAV file, independent of libsndfile.
#pragma once

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace briefing::test {

struct Chunk {
    std::string id;    // e.g. "fmt ", "cue ", "LIST"
    std::string list;  // for LIST chunks: "INFO", "adtl"
    std::string body;  // the chunk's data
};

struct Riff {
    std::uint32_t declared_size = 0;  // RIFF header size field
    std::size_t file_size = 0;
    std::vector<Chunk> chunks;
};

inline std::uint32_t u32le(const std::string& s, std::size_t at) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 8 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3])) << 24;
}

inline Riff read_riff(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    const std::string f((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Riff r;
    r.file_size = f.size();
    if (f.size() < 12 || f.compare(0, 4, "RIFF") != 0 || f.compare(8, 4, "WAVE") != 0) return r;
    r.declared_size = u32le(f, 4);
    std::size_t at = 12;
    while (at + 8 <= f.size()) {
        Chunk c;
        c.id = f.substr(at, 4);
        const std::uint32_t size = u32le(f, at + 4);
        c.body = f.substr(at + 8, size);
        if (c.id == "LIST" && size >= 4) c.list = c.body.substr(0, 4);
        r.chunks.push_back(std::move(c));
        at += 8 + size + (size & 1);
    }
    return r;
}

// Labels of a LIST/adtl body: cue id → text.
inline std::vector<std::pair<std::uint32_t, std::string>> adtl_labels(const std::string& body) {
    std::vector<std::pair<std::uint32_t, std::string>> out;
    std::size_t at = 4;
    while (at + 12 <= body.size() && body.compare(at, 4, "labl") == 0) {
        const std::uint32_t size = u32le(body, at + 4);
        const std::string text = body.substr(at + 12, size - 4);
        out.emplace_back(u32le(body, at + 8), text.substr(0, text.find('\0')));
        at += 8 + size + (size & 1);
    }
    return out;
}

}  // namespace briefing::test
