#include "listen/limiter.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "listen/true_peak.hpp"

namespace briefing {

namespace {

// The release aims this far past unity so it lands on exactly 1 in finite
// time instead of creeping towards it (and leaving quiet samples rescaled).
constexpr double kReleaseOvershoot = 0.01;
constexpr std::size_t kChunk = 256;  // detector positions handled at a time

}  // namespace

void LimiterReport::add(const LimiterReport& other) {
    max_gain_reduction_db = std::max(max_gain_reduction_db, other.max_gain_reduction_db);
    limited_samples += other.limited_samples;
    samples += other.samples;
}

PeakLimiter::PeakLimiter(int sample_rate, const LimiterSettings& s) {
    if (sample_rate <= 0 || !(s.lookahead_ms > 0) || !(s.release_ms > 0))
        throw std::invalid_argument("PeakLimiter: rate, look-ahead and release must be positive");
    threshold_ = std::pow(10.0, (s.ceiling_dbtp - s.margin_db) / 20.0);
    // From gain 0.5, aiming at 1 + overshoot, the curve crosses 1 after
    // ln((0.5 + overshoot) / overshoot) time constants.
    const double time_constant_ms = s.release_ms / std::log((0.5 + kReleaseOvershoot) / kReleaseOvershoot);
    release_coeff_ = std::exp(-1000.0 / (time_constant_ms * sample_rate));
    window_ = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(s.lookahead_ms * sample_rate / 1000.0)));
    delay_ = window_ - 1 + true_peak::kAfter;
    recent_.assign(window_, 1.0);
    recent_sum_ = static_cast<double>(window_);
    std::size_t ring = 1;  // a power of two ≥ window_ + 1, so the ring wraps with a mask
    while (ring < window_ + 1) ring *= 2;
    minima_.resize(ring);
    // The stream is preceded by silence: the first detector position reads
    // kBefore + kAfter samples of it (earlier positions would read nothing else).
    next_ = -static_cast<std::int64_t>(true_peak::kAfter);
    buffer_start_ = next_ - static_cast<std::int64_t>(true_peak::kBefore);
    buffer_.assign(static_cast<std::size_t>(-buffer_start_), 0.0f);
    peaks_.resize(kChunk);
}

double PeakLimiter::envelope(double need) {
    const std::int64_t at = next_;
    if (need >= 1.0 && idle()) {  // nothing to hold, release or average: the common case
        minima_size_ = 0;
        if (++recent_at_ == window_) recent_at_ = 0;
        return 1.0;
    }
    const std::size_t mask = minima_.size() - 1;
    while (minima_size_ > 0 && minima_[(minima_head_ + minima_size_ - 1) & mask].second >= need) --minima_size_;
    minima_[(minima_head_ + minima_size_) & mask] = {at, need};
    ++minima_size_;
    while (minima_[minima_head_].first + static_cast<std::int64_t>(window_) <= at) {
        minima_head_ = (minima_head_ + 1) & mask;
        --minima_size_;
    }
    const double held = minima_[minima_head_].second;
    released_ = std::min({held, 1.0, released_ + (1 + kReleaseOvershoot - released_) * (1 - release_coeff_)});

    const double old = recent_[recent_at_];
    recent_[recent_at_] = released_;
    if (++recent_at_ == window_) recent_at_ = 0;
    recent_below_one_ += (released_ < 1) - (old < 1);
    if (recent_below_one_ == 0) {
        recent_sum_ = static_cast<double>(window_);  // exact again: no drift left behind by a dip
        return 1.0;
    }
    recent_sum_ += released_ - old;
    return recent_sum_ / static_cast<double>(window_);
}

void PeakLimiter::emit(float x, double gain, std::vector<float>& out) {
    ++emitted_;
    if (gain < 1.0) {
        out.push_back(static_cast<float>(x * gain));
        ++limited_samples_;
        min_gain_ = std::min(min_gain_, gain);
    } else {
        out.push_back(x);
    }
}

// Detector positions next_ … next_ + n - 1; output sample s gets the gain
// worked out at position s + window_ - 1.
void PeakLimiter::run_chunk(std::size_t n, std::vector<float>& out) {
    const float* x = buffer_.data() + (next_ - buffer_start_);
    const auto lag = static_cast<std::int64_t>(window_) - 1;
    const bool quiet = true_peak::max_abs(x - true_peak::kBefore, 0, n + true_peak::kBefore + true_peak::kAfter) *
                           true_peak::bound_factor() <=
                       threshold_;
    if (quiet && idle()) {
        // No peak can pass the threshold and the gain is at rest: samples pass unchanged.
        const std::int64_t first = std::max<std::int64_t>(0, next_ - lag);
        const std::int64_t last = next_ + static_cast<std::int64_t>(n) - lag;  // exclusive
        if (last > first) {
            const float* from = buffer_.data() + (first - buffer_start_);
            out.insert(out.end(), from, from + (last - first));
            emitted_ += last - first;
        }
        minima_size_ = 0;
        recent_at_ = (recent_at_ + n) % window_;
        previous_interval_ = 0;  // any value under the threshold acts the same
        next_ += static_cast<std::int64_t>(n);
        return;
    }
    if (quiet)
        std::fill(peaks_.begin(), peaks_.begin() + static_cast<std::ptrdiff_t>(n), 0.0f);
    else
        true_peak::interval_peaks(x, n, peaks_.data());
    for (std::size_t i = 0; i < n; ++i, ++next_) {
        // A sample borders two intervals; its gain must cover the peaks of both.
        const double peak = std::max(previous_interval_, peaks_[i]);
        previous_interval_ = peaks_[i];
        const double gain = envelope(peak > threshold_ ? threshold_ / peak : 1.0);
        const std::int64_t s = next_ - lag;
        if (s >= 0) emit(buffer_[static_cast<std::size_t>(s - buffer_start_)], gain, out);
    }
}

// Runs the detector up to position `last` and drops input no longer needed.
void PeakLimiter::run(std::int64_t last, std::vector<float>& out) {
    out.reserve(out.size() + static_cast<std::size_t>(std::max<std::int64_t>(0, last - next_ + 1)));
    while (next_ <= last)
        run_chunk(static_cast<std::size_t>(std::min<std::int64_t>(kChunk, last - next_ + 1)), out);
    const std::int64_t keep = std::min(next_ - static_cast<std::int64_t>(true_peak::kBefore),
                                       next_ - static_cast<std::int64_t>(window_) + 1);
    if (keep > buffer_start_) {
        const auto drop = std::min<std::size_t>(static_cast<std::size_t>(keep - buffer_start_), buffer_.size());
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(drop));
        buffer_start_ += static_cast<std::int64_t>(drop);
    }
}

void PeakLimiter::process(const float* in, std::size_t count, std::vector<float>& out) {
    if (finished_) throw std::logic_error("PeakLimiter::process after finish");
    buffer_.insert(buffer_.end(), in, in + count);
    fed_ += static_cast<std::int64_t>(count);
    // The last position whose taps have all arrived.
    run(fed_ - 1 - static_cast<std::int64_t>(true_peak::kAfter), out);
}

void PeakLimiter::finish(std::vector<float>& out) {
    if (finished_) return;
    finished_ = true;
    // What follows the stream is silence; the last sample's gain is worked
    // out window_ - 1 positions later.
    buffer_.resize(buffer_.size() + delay_ + 1, 0.0f);
    run(fed_ - 1 + static_cast<std::int64_t>(window_) - 1, out);
}

LimiterReport PeakLimiter::report() const {
    LimiterReport r;
    r.samples = static_cast<std::uint64_t>(emitted_);
    r.limited_samples = limited_samples_;
    r.max_gain_reduction_db = min_gain_ < 1 ? -20 * std::log10(min_gain_) : 0;
    return r;
}

LimiterReport limit_in_place(std::vector<float>& samples, int sample_rate, const LimiterSettings& settings) {
    PeakLimiter limiter(sample_rate, settings);
    constexpr std::size_t kBlock = 1 << 15;
    std::vector<float> out;
    std::size_t written = 0;
    auto drain = [&] {
        std::copy(out.begin(), out.end(), samples.begin() + static_cast<std::ptrdiff_t>(written));
        written += out.size();
        out.clear();
    };
    for (std::size_t at = 0; at < samples.size(); at += kBlock) {
        limiter.process(samples.data() + at, std::min(kBlock, samples.size() - at), out);
        drain();
    }
    limiter.finish(out);
    drain();
    return limiter.report();
}

}  // namespace briefing
