// libFuzzer target; BRIEFING_FUZZ_TARGET (a compile definition) picks the
// entry point. Built only by scripts/fuzz.sh (clang, -fsanitize=fuzzer).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_entries.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const briefing::fuzz::Entry run = briefing::fuzz::entry(BRIEFING_FUZZ_TARGET);
    run(data, size);
    return 0;
}
