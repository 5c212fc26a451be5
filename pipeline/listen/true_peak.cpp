#include "listen/true_peak.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace briefing::true_peak {

namespace {

constexpr std::size_t kTaps = kBefore + kAfter + 1;
constexpr std::size_t kPhases = 3;  // the points 1/4, 1/2 and 3/4 of the way
constexpr double kPi = 3.14159265358979323846;

using Phase = std::array<float, kTaps>;

// Windowed-sinc (Blackman) interpolators for x[i-5] … x[i+6]. Each phase
// sums to 1 so that a steady level is not over-read.
std::array<Phase, kPhases> make_phases() {
    std::array<Phase, kPhases> phases{};
    for (std::size_t p = 0; p < kPhases; ++p) {
        const double frac = 0.25 * static_cast<double>(p + 1);
        std::array<double, kTaps> c{};
        double sum = 0;
        for (std::size_t k = 0; k < kTaps; ++k) {
            const double d = static_cast<double>(k) - static_cast<double>(kBefore) - frac;
            const double sinc = std::sin(kPi * d) / (kPi * d);
            const double w = 0.42 + 0.5 * std::cos(kPi * d / 6.0) + 0.08 * std::cos(2 * kPi * d / 6.0);
            c[k] = sinc * w;
            sum += c[k];
        }
        for (std::size_t k = 0; k < kTaps; ++k) phases[p][k] = static_cast<float>(c[k] / sum);
    }
    return phases;
}

const std::array<Phase, kPhases>& phases() {
    static const std::array<Phase, kPhases> table = make_phases();
    return table;
}

// Loops run over a block of outputs with the taps outside, so that the
// compiler vectorises them (each output still sums its taps in order).
constexpr std::size_t kChunk = 256;

void chunk_peaks(const float* x, std::size_t n, float* out) {
    for (std::size_t i = 0; i < n; ++i) out[i] = std::max(std::fabs(x[i]), std::fabs(x[i + 1]));
    float acc[kChunk];
    for (const Phase& c : phases()) {
        std::fill(acc, acc + n, 0.0f);
        for (std::size_t k = 0; k < kTaps; ++k) {
            const float* xs = x - kBefore + k;
            const float ck = c[k];
            for (std::size_t i = 0; i < n; ++i) acc[i] += ck * xs[i];
        }
        for (std::size_t i = 0; i < n; ++i) out[i] = std::max(out[i], std::fabs(acc[i]));
    }
}

}  // namespace

void interval_peaks(const float* x, std::size_t n, float* out) {
    for (std::size_t at = 0; at < n; at += kChunk) chunk_peaks(x + at, std::min(kChunk, n - at), out + at);
}

float bound_factor() {
    static const float factor = [] {
        float best = 1;
        for (const Phase& c : phases()) {
            float sum = 0;
            for (float v : c) sum += std::fabs(v);
            best = std::max(best, sum);
        }
        return best * 1.0001f;  // float rounding in the sums
    }();
    return factor;
}

float max_interval_peak(const float* x, std::size_t n, float at_least) {
    float best = at_least;
    float peaks[kChunk];
    for (std::size_t at = 0; at < n; at += kChunk) {
        const std::size_t m = std::min(kChunk, n - at);
        const float* c = x + at;
        if (max_abs(c - kBefore, 0, m + kBefore + kAfter) * bound_factor() <= best) continue;
        chunk_peaks(c, m, peaks);
        best = std::max(best, *std::max_element(peaks, peaks + m));
    }
    return best;
}

float max_abs(const float* x, std::size_t begin, std::size_t end) {
    float m = 0;
    for (std::size_t i = begin; i < end; ++i) m = std::max(m, std::fabs(x[i]));
    return m;
}

}  // namespace briefing::true_peak
