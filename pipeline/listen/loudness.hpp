// Loudness (EBU R128 / ITU-R BS.1770-4) measurement, and the one gain that
// brings an article to its target.
//
// Units: loudness in LUFS (integrated, gated), peaks in dBTP (true peak,
// 4x oversampled: true_peak.hpp), gains in dB. Samples are mono floats in
// [-1, 1] (int16 / 32768).
//
// The meter is ours, not libebur128's: K-weighting (the two BS.1770 biquads,
// designed for any rate), 400 ms blocks every 100 ms, the -70 LUFS absolute
// and -10 LU relative gates. Why: it can warm its filter up on audio it
// does not count (the gain trials measure excerpts, listen.cpp) and merge
// meters fed in parallel, and it is about twice as fast as libebur128's
// integrated mode and ten times its true-peak mode. The tests hold it to
// within 0.02 LU and 0.1 dB of libebur128. Block loudnesses are kept in a
// histogram of 0.01 LU bins, so memory stays the same however long the
// audio (the gates are exact to one bin).
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
    // `true_peak` false measures integrated loudness only; true_peak_dbtp()
    // then throws. Throws OutputError for a rate under 8000 Hz.
    explicit LoudnessMeter(int sample_rate, bool true_peak = true);
    ~LoudnessMeter();
    LoudnessMeter(LoudnessMeter&&) noexcept;
    LoudnessMeter& operator=(LoudnessMeter&&) noexcept;
    LoudnessMeter(const LoudnessMeter&) = delete;
    LoudnessMeter& operator=(const LoudnessMeter&) = delete;

    // Counts `count` samples, continuing the audio added before.
    void add(const float* samples, std::size_t count);
    void add(const std::vector<float>& samples) { add(samples.data(), samples.size()); }

    // Hears `count` samples that come just before the next add() without
    // counting them on their own: the filter settles on them, and their last
    // three whole 100 ms hops (if there are so many) start a new block grid,
    // so the blocks that end in what add() brings next are exactly those a
    // meter that had heard everything would make, when the warm-up is at
    // least 300 ms. (The 400 ms gating blocks that end inside the warm-up
    // are left to whoever counts that audio.)
    void warm_up(const float* samples, std::size_t count);

    // Adds what `other` counted (its blocks and peak), as if both had been
    // fed to one meter with a gap between. Same rate and mode required.
    void merge(const LoudnessMeter& other);

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

// int16 → floats as libsndfile reads them (int16 / 32768): to_int16's
// inverse at factor 1. The first form reuses `out`'s storage.
void as_float(const std::vector<std::int16_t>& samples, std::vector<float>& out);
std::vector<float> as_float(const std::vector<std::int16_t>& samples);

}  // namespace briefing
