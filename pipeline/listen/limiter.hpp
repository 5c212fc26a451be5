// A look-ahead true-peak limiter: after an article's one make-up gain, it
// turns down only the few peaks that would pass the true-peak ceiling.
//
// Why: eSpeak NG's speech peaks ~19.6 dB above its integrated loudness, so a
// plain gain to -16 LUFS would put its peaks near +3.6 dBTP. The gain stays
// one number for the whole article (sections keep their relative levels);
// this limiter then dips the gain briefly around each peak that would pass
// the ceiling, and leaves every other sample exactly as the gain made it.
//
// How it works, per sample at `sample_rate` (worked on in blocks of 256: the
// detector runs as a vectorised kernel, true_peak.hpp, and a block whose
// samples cannot reach the threshold while the gain is at rest passes
// straight through):
//   1. Detector: the peak around each sample is the larger of its own
//      magnitude and the magnitudes 4x-oversampled (windowed-sinc, 12 taps
//      per phase) on both sides of it, so peaks between samples, which a
//      D/A converter and BS.1770's true-peak meter see, are caught too.
//   2. The gain each sample needs is min(1, threshold / peak), where the
//      threshold is `ceiling_dbtp - margin_db` (the margin covers the
//      difference between this detector and a meter's, and the rounding to
//      int16 afterwards).
//   3. Attack: the needed gain is held for `lookahead_ms` (sliding minimum)
//      and averaged over the same span, so the gain falls along a straight
//      line to exactly the needed value by the time the peak arrives.
//      The average of values that are each ≤ the peak's need is ≤ it, so
//      the peak can never pass the threshold.
//   4. Release: afterwards the gain rises back towards 1 along an
//      exponential curve aimed a little past 1, so that it reaches exactly 1
//      in finite time: `release_ms` after a 6 dB dip (sooner after a
//      shallower one). From then on output samples are bit-identical to the
//      input.
//
// Length and position: the output has exactly as many samples as the input
// and sample t of the output is sample t of the input times its gain. The
// audio is delayed inside the limiter by lookahead + 6 samples, so process()
// returns fewer samples than it was given until finish() returns the rest.
//
// Streaming: feed any block sizes; state (look-ahead buffer and gain
// envelope) carries across blocks. Memory is a few hundred samples, however
// long the stream. The signal before the first sample counts as silence, and
// finish() treats what follows the last as silence too, so one limiter per
// section file is exact when sections start and end in silence.
//
// Samples are mono floats, full scale ±1 (int16 / 32768). One limiter per
// stream; not thread-safe; cheap to construct.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace briefing {

struct LimiterSettings {
    double ceiling_dbtp = -1;   // the true peak the output must not pass (dBTP)
    double margin_db = 0.2;     // threshold = ceiling - margin (see above)
    double lookahead_ms = 5;    // attack time = look-ahead (ms)
    double release_ms = 80;     // back to unity this long after a 6 dB dip (ms)
};

// What one limiter (or several, summed up with add()) did.
struct LimiterReport {
    double max_gain_reduction_db = 0;  // deepest dip, positive dB; 0 = never acted
    std::uint64_t limited_samples = 0; // output samples whose gain was below 1
    std::uint64_t samples = 0;         // output samples in all

    bool engaged() const { return limited_samples > 0; }
    void add(const LimiterReport& other);
};

class PeakLimiter {
public:
    // Throws std::invalid_argument for a rate ≤ 0 or a look-ahead or release
    // that is not positive.
    PeakLimiter(int sample_rate, const LimiterSettings& settings);

    // Feeds `count` samples; appends to `out` the limited samples that are
    // ready (in order, continuing where the last call stopped).
    void process(const float* in, std::size_t count, std::vector<float>& out);
    void process(const std::vector<float>& in, std::vector<float>& out) { process(in.data(), in.size(), out); }

    // Appends the samples still held back, so that every sample fed has come
    // out once. Call once at the end of the stream; the limiter is then spent.
    void finish(std::vector<float>& out);

    LimiterReport report() const;

    // Samples held back between input and output (look-ahead + detector).
    std::size_t delay() const { return delay_; }

private:
    void run(std::int64_t last, std::vector<float>& out);
    void run_chunk(std::size_t n, std::vector<float>& out);
    double envelope(double need);  // hold + release + average: the gain for the output sample
    bool idle() const { return released_ == 1.0 && recent_below_one_ == 0; }
    void emit(float x, double gain, std::vector<float>& out);

    double threshold_;
    double release_coeff_;
    std::size_t window_;   // look-ahead in samples (≥ 1)
    std::size_t delay_;    // window_ - 1 + detector latency

    // Input not yet used up: buffer_[0] is sample buffer_start_ of the
    // stream (negative indices are the silence before it).
    std::vector<float> buffer_;
    std::int64_t buffer_start_;
    std::int64_t next_ = 0;      // the next detector position (interval from x[next_] to x[next_ + 1])
    float previous_interval_ = 0;
    std::vector<float> peaks_;   // scratch: interval peaks of one chunk

    // Sliding minimum of the needed gains over the look-ahead: a ring of
    // (position, need) with increasing needs.
    std::vector<std::pair<std::int64_t, double>> minima_;
    std::size_t minima_head_ = 0, minima_size_ = 0;
    double released_ = 1;                 // gain after hold + release
    std::vector<double> recent_;          // last window_ released gains (ring)
    std::size_t recent_at_ = 0;
    double recent_sum_ = 0;
    std::size_t recent_below_one_ = 0;

    std::int64_t fed_ = 0, emitted_ = 0;
    bool finished_ = false;
    double min_gain_ = 1;
    std::uint64_t limited_samples_ = 0;
};

// Limits one stream held whole (a section) in place, feeding a fresh
// PeakLimiter in blocks and writing each limited block back over samples
// already read (output never runs ahead of input). Same length; returns
// what the limiter did.
LimiterReport limit_in_place(std::vector<float>& samples, int sample_rate, const LimiterSettings& settings);

}  // namespace briefing
