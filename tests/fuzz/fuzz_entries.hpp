// Fuzz entry points: one per pure stage, each taking arbitrary bytes. The
// libFuzzer targets (fuzz_main.cpp) and the regression test (every saved
// crash input under regressions/, run by tests/fuzz_regression_test.cpp)
// call the same functions, so a fixed crash stays fixed.
//
// Each entry point must never crash, hang or trip a sanitizer, whatever the
// bytes. Expected refusals (InputError for bad files) are part of normal
// behaviour and are caught here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace briefing::fuzz {

void ingest(const std::uint8_t* data, std::size_t size);
void segment(const std::uint8_t* data, std::size_t size);
void normalise(const std::uint8_t* data, std::size_t size);
void pronounce(const std::uint8_t* data, std::size_t size);

// The entry point named `target` ("ingest", …), or nullptr.
using Entry = void (*)(const std::uint8_t*, std::size_t);
Entry entry(const std::string& target);

}  // namespace briefing::fuzz
