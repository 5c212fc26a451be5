// Every input a fuzzer ever crashed on (tests/fuzz/regressions/<target>/),
// and every seed in the fuzz corpus, replayed through the same entry points.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "fuzz/fuzz_entries.hpp"

namespace fs = std::filesystem;

TEST_CASE("fuzz seeds and saved crash inputs run clean", "[fuzz]") {
    std::size_t replayed = 0;
    for (const char* target : {"ingest", "segment", "normalise", "pronounce"}) {
        const auto run = briefing::fuzz::entry(target);
        REQUIRE(run != nullptr);
        for (const char* kind : {"corpus", "regressions"}) {
            const fs::path dir = fs::path(BRIEFING_FUZZ_DIR) / kind / target;
            for (const auto& e : fs::directory_iterator(dir)) {
                if (!e.is_regular_file() || e.path().filename() == ".gitkeep") continue;
                INFO(e.path().string());
                std::ifstream in(e.path(), std::ios::binary);
                const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
                run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
                ++replayed;
            }
        }
    }
    CHECK(replayed >= 12);
}
