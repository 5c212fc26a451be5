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
    // Throws OutputError if libebur128 cannot start (bad rate, no memory).
    explicit LoudnessMeter(int sample_rate);
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

// The gain (dB) that takes audio measured at `measured_lufs` with true peak
// `peak_dbtp` to `target_lufs`, lowered if needed so that the peak after the
// gain does not exceed `ceiling_dbtp` (the ceiling wins when it is lower).
// Silence (measured −∞) gets 0 dB. Pure.
double normalising_gain_db(double measured_lufs, double peak_dbtp, double target_lufs, double ceiling_dbtp);

// dB → linear amplitude factor.
double db_to_factor(double db);

// Multiplies by `factor` and rounds to int16 with clipping at full scale.
// `samples` are floats as read by libsndfile (int16 / 32768).
std::vector<std::int16_t> to_int16(const std::vector<float>& samples, double factor);

}  // namespace briefing
