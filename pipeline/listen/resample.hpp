// Sample-rate conversion with libsamplerate, and the position arithmetic
// that goes with it.
//
// A section is converted whole (it is already in memory, one at a time) with
// the sinc converter, and its output length is fixed by resampled_length()
// rather than by whatever the converter produced, so the length of every
// section, and so every chapter position, is known before any audio is
// converted. Positions are samples; pure functions are thread-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace briefing {

// `position` (samples at `from_rate`) at `to_rate`, rounded to nearest.
std::uint64_t rescale_position(std::uint64_t position, int from_rate, int to_rate);

// The length of `samples` samples after conversion (rescale_position).
inline std::uint64_t resampled_length(std::uint64_t samples, int from_rate, int to_rate) {
    return rescale_position(samples, from_rate, to_rate);
}

// Converts mono float audio from `from_rate` to `to_rate`; the result has
// exactly resampled_length(in.size(), …) samples (trimmed or zero-padded by
// the converter's last few samples). Equal rates return the input itself
// (moved, not copied). Throws OutputError with libsamplerate's message on
// failure.
std::vector<float> resample(std::vector<float> in, int from_rate, int to_rate);

}  // namespace briefing
