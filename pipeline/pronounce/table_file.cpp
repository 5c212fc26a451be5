#include "pronounce/table_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace briefing::pronounce {

namespace {

constexpr char kMagic[8] = {'B', 'R', 'F', 'T', 'A', 'B', '0', '1'};
constexpr std::uint32_t kEndianCheck = 0x01020304;

struct Header {
    char magic[8];
    std::uint32_t endian_check;
    std::uint32_t reserved;
    std::uint64_t slot_count;
    std::uint64_t slots_off;
    std::uint64_t pool_off;
    std::uint64_t pool_size;
};

struct Slot {
    std::uint32_t key_off, key_len, val_off, val_len;
};

std::runtime_error bad(const std::filesystem::path& path, const std::string& why) {
    return std::runtime_error("lexicon table " + path.string() + ": " + why);
}

}  // namespace

std::uint64_t table_hash(std::string_view key) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : key) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return h;
}

void TableWriter::put(std::string key, std::string value) {
    if (key.empty()) throw std::invalid_argument("table key must not be empty");
    entries_[std::move(key)] = std::move(value);
}

void TableWriter::write(const std::filesystem::path& path) const {
    std::uint64_t n = 2;
    while (n < entries_.size() * 2 + 2) n *= 2;
    std::vector<Slot> slots(n, Slot{0, 0, 0, 0});
    std::string pool;
    for (const auto& [key, value] : entries_) {
        Slot s{static_cast<std::uint32_t>(pool.size()), static_cast<std::uint32_t>(key.size()), 0,
               static_cast<std::uint32_t>(value.size())};
        pool += key;
        s.val_off = static_cast<std::uint32_t>(pool.size());
        pool += value;
        std::uint64_t i = table_hash(key) & (n - 1);
        while (slots[i].key_len != 0) i = (i + 1) & (n - 1);
        slots[i] = s;
    }
    if (pool.size() > 0xFFFFFFF0u) throw bad(path, "table too large");
    Header h{};
    std::memcpy(h.magic, kMagic, sizeof kMagic);
    h.endian_check = kEndianCheck;
    h.slot_count = n;
    h.slots_off = sizeof(Header);
    h.pool_off = h.slots_off + n * sizeof(Slot);
    h.pool_size = pool.size();

    auto tmp = path;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(&h), sizeof h);
        out.write(reinterpret_cast<const char*>(slots.data()),
                  static_cast<std::streamsize>(slots.size() * sizeof(Slot)));
        out.write(pool.data(), static_cast<std::streamsize>(pool.size()));
        out.close();
        if (!out) throw bad(tmp, "cannot write");
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw bad(path, "cannot rename into place: " + ec.message());
}

MappedTable MappedTable::open(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw bad(path, std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size < static_cast<off_t>(sizeof(Header))) {
        ::close(fd);
        throw bad(path, "file is truncated or unreadable");
    }
    auto size = static_cast<std::size_t>(st.st_size);
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);  // the mapping keeps the file alive
    if (p == MAP_FAILED) throw bad(path, std::string("cannot map: ") + std::strerror(errno));

    MappedTable t;
    t.base_ = static_cast<const unsigned char*>(p);
    t.size_ = size;
    Header h{};
    std::memcpy(&h, t.base_, sizeof h);
    // Validate everything once here so find() can trust every offset.
    bool ok = std::memcmp(h.magic, kMagic, sizeof kMagic) == 0 && h.endian_check == kEndianCheck &&
              h.slot_count != 0 && (h.slot_count & (h.slot_count - 1)) == 0 &&
              h.slots_off == sizeof(Header) && h.slot_count < size / sizeof(Slot) &&
              h.pool_off == h.slots_off + h.slot_count * sizeof(Slot) && h.pool_off <= size &&
              h.pool_size == size - h.pool_off;
    if (!ok) throw bad(path, "not a compiled Briefing table (wrong magic or size)");
    t.slot_mask_ = h.slot_count - 1;
    t.slots_ = t.base_ + h.slots_off;
    t.pool_ = t.base_ + h.pool_off;
    t.pool_size_ = h.pool_size;
    // Slots are bounds-checked when find() reads them, not here: checking
    // all of them touched every page of the slot array (tens of MB) and was
    // most of Briefing's start-up time.
    return t;
}

std::optional<std::string_view> MappedTable::find(std::string_view key) const {
    if (!base_ || key.empty()) return std::nullopt;
    std::uint64_t i = table_hash(key) & slot_mask_;
    for (std::uint64_t probes = 0; probes <= slot_mask_; ++probes, i = (i + 1) & slot_mask_) {
        Slot s{};
        std::memcpy(&s, slots_ + i * sizeof(Slot), sizeof s);
        if (s.key_len == 0) return std::nullopt;
        if (s.key_len != key.size()) continue;
        // A damaged slot (pointing outside the pool) answers nothing.
        if (std::uint64_t(s.key_off) + s.key_len > pool_size_ || std::uint64_t(s.val_off) + s.val_len > pool_size_)
            return std::nullopt;
        const unsigned char* k = pool_ + s.key_off;
        // The last byte first: CJK keys of one length share their lead bytes.
        if (k[s.key_len - 1] == static_cast<unsigned char>(key.back()) && std::memcmp(k, key.data(), key.size()) == 0)
            return std::string_view(reinterpret_cast<const char*>(pool_ + s.val_off), s.val_len);
    }
    return std::nullopt;
}

MappedTable::MappedTable(MappedTable&& o) noexcept { *this = std::move(o); }

MappedTable& MappedTable::operator=(MappedTable&& o) noexcept {
    if (this != &o) {
        if (base_) ::munmap(const_cast<unsigned char*>(base_), size_);
        base_ = o.base_;
        size_ = o.size_;
        slot_mask_ = o.slot_mask_;
        slots_ = o.slots_;
        pool_ = o.pool_;
        pool_size_ = o.pool_size_;
        o.base_ = nullptr;
        o.size_ = 0;
    }
    return *this;
}

MappedTable::~MappedTable() {
    if (base_) ::munmap(const_cast<unsigned char*>(base_), size_);
}

}  // namespace briefing::pronounce
