// Compiled string tables: the on-disk format behind lexicon.bin and
// polyphone.bin, and the read-only, memory-mapped view of one.
//
// A table maps byte-string keys to byte-string values. It is written once at
// build time by TableWriter (inside the compiler tool) and read at run time by
// MappedTable, which maps the file and never parses text: a lookup hashes the
// key, probes an open-addressing slot array and compares bytes in place.
//
// Layout (all integers little-endian, the file is only ever read on the
// machine class that built it; the header records the byte order check):
//
//   offset 0   Header   (magic "BRFTAB01", slot count, offsets, sizes)
//   slots_off  Slot[n]  (key_off, key_len, val_off, val_len; key_len 0 = empty)
//   pool_off   bytes    (keys and values, referenced by the slots)
//
// The slot count is a power of two at least twice the number of keys, so a
// probe always ends at an empty slot. Keys are hashed with 64-bit FNV-1a.
//
// Ownership and lifetime: string_views returned by MappedTable::find point
// into the mapping and live as long as the MappedTable object.
// Thread rule: a MappedTable is immutable after open(); finds may run
// concurrently. TableWriter is single-threaded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace briefing::pronounce {

// 64-bit FNV-1a over the key bytes; shared by writer and reader.
std::uint64_t table_hash(std::string_view key);

// Collects key → value pairs and writes them in the format above.
class TableWriter {
public:
    // Sets (or replaces) the value stored for `key`. Keys must not be empty.
    void put(std::string key, std::string value);

    // Writes the table to `path` (via `path`.tmp, renamed into place).
    // Throws std::runtime_error naming the file on any write failure.
    void write(const std::filesystem::path& path) const;

    std::size_t size() const { return entries_.size(); }

private:
    std::unordered_map<std::string, std::string> entries_;
};

// A compiled table opened read-only with mmap.
class MappedTable {
public:
    // Maps `path` and checks the header and sizes. Slots are checked as
    // find() reads them (a slot pointing outside the file answers nothing),
    // so opening touches one page, not the whole table.
    // Throws std::runtime_error naming the file when it is missing, cannot be
    // mapped, or is not a valid table (truncated, wrong magic).
    static MappedTable open(const std::filesystem::path& path);

    // The value stored for `key`, or nothing. Never throws.
    std::optional<std::string_view> find(std::string_view key) const;

    // An empty table: every find() answers nothing.
    MappedTable() = default;
    MappedTable(MappedTable&& other) noexcept;
    MappedTable& operator=(MappedTable&& other) noexcept;
    MappedTable(const MappedTable&) = delete;
    MappedTable& operator=(const MappedTable&) = delete;
    ~MappedTable();

private:
    const unsigned char* base_ = nullptr;  // start of the mapping
    std::size_t size_ = 0;                 // bytes mapped
    std::uint64_t slot_mask_ = 0;          // slot count - 1
    const unsigned char* slots_ = nullptr;
    const unsigned char* pool_ = nullptr;
    std::uint64_t pool_size_ = 0;          // bytes in the pool
};

}  // namespace briefing::pronounce
