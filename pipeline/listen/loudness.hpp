// Loudness (EBU R128 / ITU-R BS.1770) measurement with libebur128, and the
// one gain that brings an article to its target.
//
// Units: loudness in LUFS (integrated, gated), peaks in dBTP (true peak,
// libebur128 oversamples below 96 kHz), gains in dB. Samples are mono floats
// in [-1, 1] (int16 / 32768).
//
// A meter is fed block by block, so an article is measured section after
// section without holding it whole. One meter per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace briefing {

class LoudnessMeter {
public:
    // `true_peak` false measures integrated loudness only, about four times
    // cheaper (no 4x oversampling); true_peak_dbtp() then throws.
    // Throws OutputError if libebur128 cannot start (bad rate, no memory).
    explicit LoudnessMeter(int sample_rate, bool true_peak = true);
    ~LoudnessMeter();
    LoudnessMeter(LoudnessMeter&&) noexcept;
    LoudnessMeter(const LoudnessMeter&) = delete;
    LoudnessMeter& operator=(const LoudnessMeter&) = delete;

    void add(const float* samples, std::size_t count);
    void add(const std::vector<float>& samples) { add(samples.data(), samples.size()); }

    // Integrated loudness of everything added so far; -HUGE_VAL (−∞) for
    // silence or audio shorter than one 400 ms gating block.
    double integrated_lufs() const;
    // Highest true peak so far; −∞ for digital silence.
    double true_peak_dbtp() const;

private:
    struct State;
    std::unique_ptr<State> state_;
};

// The make-up gain (dB) that takes audio measured at `measured_lufs` to
// `target_lufs`: their difference. Silence (measured −∞) gets 0 dB. The
// true-peak ceiling is not this gain's business: the limiter (limiter.hpp)
// holds the few peaks the gain pushes past it. Pure.
double makeup_gain_db(double measured_lufs, double target_lufs);

// Multiplies every sample by `factor` (1 leaves them bit-identical).
void apply_gain(std::vector<float>& samples, double factor);

// dB → linear amplitude factor.
double db_to_factor(double db);

// Multiplies by `factor` and rounds to int16 with clipping at full scale
// (after the limiter nothing is near full scale; the clip is a last guard).
// `samples` are floats as read by libsndfile (int16 / 32768).
std::vector<std::int16_t> to_int16(const std::vector<float>& samples, double factor);

}  // namespace briefing
