#include "listen/loudness.hpp"

#include <ebur128.h>

#include <cmath>
#include <string>

#include "text/errors.hpp"

namespace briefing {

struct LoudnessMeter::State {
    ebur128_state* st = nullptr;
    ~State() {
        if (st) ebur128_destroy(&st);
    }
};

namespace {

[[noreturn]] void fail(const std::string& what) { throw OutputError("loudness measurement: " + what); }

}  // namespace

LoudnessMeter::LoudnessMeter(int sample_rate, bool true_peak) : state_(std::make_unique<State>()) {
    const int mode = true_peak ? EBUR128_MODE_I | EBUR128_MODE_TRUE_PEAK : EBUR128_MODE_I;
    state_->st = ebur128_init(1, static_cast<unsigned long>(sample_rate), mode);
    if (!state_->st) fail("libebur128 cannot start at " + std::to_string(sample_rate) + " Hz");
}

LoudnessMeter::~LoudnessMeter() = default;
LoudnessMeter::LoudnessMeter(LoudnessMeter&&) noexcept = default;

void LoudnessMeter::add(const float* samples, std::size_t count) {
    if (ebur128_add_frames_float(state_->st, samples, count) != EBUR128_SUCCESS) fail("cannot add audio");
}

double LoudnessMeter::integrated_lufs() const {
    double lufs = 0;
    if (ebur128_loudness_global(state_->st, &lufs) != EBUR128_SUCCESS) fail("cannot compute integrated loudness");
    return lufs;
}

double LoudnessMeter::true_peak_dbtp() const {
    double peak = 0;
    if (ebur128_true_peak(state_->st, 0, &peak) != EBUR128_SUCCESS) fail("cannot compute the true peak");
    return peak > 0 ? 20 * std::log10(peak) : -HUGE_VAL;
}

double makeup_gain_db(double measured_lufs, double target_lufs) {
    return std::isfinite(measured_lufs) ? target_lufs - measured_lufs : 0;
}

void apply_gain(std::vector<float>& samples, double factor) {
    if (factor == 1.0) return;
    for (float& s : samples) s = static_cast<float>(s * factor);
}

double db_to_factor(double db) { return std::pow(10.0, db / 20.0); }

std::vector<std::int16_t> to_int16(const std::vector<float>& samples, double factor) {
    std::vector<std::int16_t> out(samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const double v = std::round(samples[i] * factor * 32768.0);
        out[i] = static_cast<std::int16_t>(v > 32767 ? 32767 : (v < -32768 ? -32768 : v));
    }
    return out;
}

}  // namespace briefing
