#include "listen/resample.hpp"

#include <samplerate.h>

#include <string>

#include "text/errors.hpp"

namespace briefing {

std::uint64_t rescale_position(std::uint64_t position, int from_rate, int to_rate) {
    const auto from = static_cast<std::uint64_t>(from_rate);
    return (position * static_cast<std::uint64_t>(to_rate) + from / 2) / from;
}

std::vector<float> resample(std::vector<float> in, int from_rate, int to_rate) {
    if (from_rate == to_rate) return in;
    if (in.empty()) return {};
    const std::size_t length = resampled_length(in.size(), from_rate, to_rate);
    // Room for the converter's rounding; the extra is cut below.
    std::vector<float> out(length + 64);
    SRC_DATA data{};
    data.data_in = in.data();
    data.input_frames = static_cast<long>(in.size());
    data.data_out = out.data();
    data.output_frames = static_cast<long>(out.size());
    data.src_ratio = static_cast<double>(to_rate) / from_rate;
    data.end_of_input = 1;
    // Medium quality: inaudibly different from "best" for speech, several times faster.
    if (const int err = src_simple(&data, SRC_SINC_MEDIUM_QUALITY, 1))
        throw OutputError("resampling " + std::to_string(from_rate) + " Hz to " + std::to_string(to_rate) +
                          " Hz: " + src_strerror(err));
    out.resize(static_cast<std::size_t>(data.output_frames_gen));
    out.resize(length, 0.0f);
    return out;
}

}  // namespace briefing
