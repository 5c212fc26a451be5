#include "listen/limiter.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>

namespace briefing {

namespace {

constexpr std::size_t kTaps = 12;        // per oversampling phase
constexpr std::size_t kLatency = 6;      // future samples the interpolator needs
constexpr double kPi = 3.14159265358979323846;
// The release aims this far past unity so it lands on exactly 1 in finite
// time instead of creeping towards it (and leaving quiet samples rescaled).
constexpr double kReleaseOvershoot = 0.01;

using Phase = std::array<double, kTaps>;

// Windowed-sinc interpolators for the points 1/4, 1/2 and 3/4 of the way
// from sample i to i+1, from samples i-5 … i+6. Each phase sums to 1 so a
// steady level is not over-read.
std::array<Phase, 3> make_phases() {
    std::array<Phase, 3> phases{};
    for (std::size_t p = 0; p < 3; ++p) {
        const double frac = 0.25 * static_cast<double>(p + 1);
        double sum = 0;
        for (std::size_t k = 0; k < kTaps; ++k) {
            const double d = static_cast<double>(k) - 5.0 - frac;
            const double sinc = std::sin(kPi * d) / (kPi * d);
            const double w = 0.42 + 0.5 * std::cos(kPi * d / 6.0) + 0.08 * std::cos(2 * kPi * d / 6.0);
            phases[p][k] = sinc * w;
            sum += phases[p][k];
        }
        for (double& c : phases[p]) c /= sum;
    }
    return phases;
}

const std::array<Phase, 3>& phases() {
    static const std::array<Phase, 3> table = make_phases();
    return table;
}

}  // namespace

void LimiterReport::add(const LimiterReport& other) {
    max_gain_reduction_db = std::max(max_gain_reduction_db, other.max_gain_reduction_db);
    limited_samples += other.limited_samples;
    samples += other.samples;
}

PeakLimiter::PeakLimiter(int sample_rate, const LimiterSettings& s) : history_(kTaps, 0.0f) {
    if (sample_rate <= 0 || !(s.lookahead_ms > 0) || !(s.release_ms > 0))
        throw std::invalid_argument("PeakLimiter: rate, look-ahead and release must be positive");
    threshold_ = std::pow(10.0, (s.ceiling_dbtp - s.margin_db) / 20.0);
    // From gain 0.5, aiming at 1 + overshoot, the curve crosses 1 after
    // ln((0.5 + overshoot) / overshoot) time constants.
    const double time_constant_ms = s.release_ms / std::log((0.5 + kReleaseOvershoot) / kReleaseOvershoot);
    release_coeff_ = std::exp(-1000.0 / (time_constant_ms * sample_rate));
    window_ = std::max<std::size_t>(1, static_cast<std::size_t>(std::lround(s.lookahead_ms * sample_rate / 1000.0)));
    delay_ = window_ - 1 + kLatency;
    recent_.assign(window_, 1.0);
    recent_sum_ = static_cast<double>(window_);
}

double PeakLimiter::detect(float x) {
    history_[history_at_] = x;
    history_at_ = (history_at_ + 1) % kTaps;
    // Tap k is x[i-5+k], where i is the sample the detector has reached.
    auto tap = [&](std::size_t k) { return static_cast<double>(history_[(history_at_ + k) % kTaps]); };
    double interval = std::max(std::fabs(tap(5)), std::fabs(tap(6)));
    for (const Phase& phase : phases()) {
        double v = 0;
        for (std::size_t k = 0; k < kTaps; ++k) v += phase[k] * tap(k);
        interval = std::max(interval, std::fabs(v));
    }
    // A sample borders two intervals; its gain must cover the peaks of both.
    const double peak = std::max(previous_interval_, interval);
    previous_interval_ = interval;
    return peak;
}

double PeakLimiter::envelope(double need) {
    while (!minima_.empty() && minima_.back().second >= need) minima_.pop_back();
    minima_.emplace_back(index_, need);
    while (minima_.front().first + window_ <= index_) minima_.pop_front();
    ++index_;
    const double held = minima_.front().second;
    released_ = std::min({held, 1.0, released_ + (1 + kReleaseOvershoot - released_) * (1 - release_coeff_)});

    const double old = recent_[recent_at_];
    recent_[recent_at_] = released_;
    recent_at_ = (recent_at_ + 1) % window_;
    recent_below_one_ += (released_ < 1) - (old < 1);
    if (recent_below_one_ == 0) {
        recent_sum_ = static_cast<double>(window_);  // exact again: no drift left behind by a dip
        return 1.0;
    }
    recent_sum_ += released_ - old;
    return recent_sum_ / static_cast<double>(window_);
}

void PeakLimiter::step(float x, std::vector<float>& out) {
    pending_.push_back(x);
    const double peak = detect(x);
    const double gain = envelope(peak > threshold_ ? threshold_ / peak : 1.0);
    if (pending_.size() <= delay_) return;  // the first `delay_` gains belong to the silence before the stream
    const float y = pending_.front();
    pending_.pop_front();
    out.push_back(gain < 1.0 ? static_cast<float>(y * gain) : y);
    ++emitted_;
    ++report_.samples;
    if (gain < 1.0) {
        ++report_.limited_samples;
        report_.max_gain_reduction_db = std::max(report_.max_gain_reduction_db, -20 * std::log10(gain));
    }
}

void PeakLimiter::process(const float* in, std::size_t count, std::vector<float>& out) {
    if (finished_) throw std::logic_error("PeakLimiter::process after finish");
    out.reserve(out.size() + count);
    for (std::size_t i = 0; i < count; ++i) step(in[i], out);
    fed_ += count;
}

void PeakLimiter::finish(std::vector<float>& out) {
    if (finished_) return;
    finished_ = true;
    while (emitted_ < fed_) step(0.0f, out);
}

LimiterReport limit_in_place(std::vector<float>& samples, int sample_rate, const LimiterSettings& settings) {
    PeakLimiter limiter(sample_rate, settings);
    constexpr std::size_t kBlock = 4096;
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
