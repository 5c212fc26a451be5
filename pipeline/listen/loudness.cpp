#include "listen/loudness.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

#include "listen/true_peak.hpp"
#include "text/errors.hpp"

namespace briefing {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kAbsoluteGateLufs = -70;
constexpr double kRelativeGateLu = -10;
constexpr int kBinsPerLu = 100;
constexpr std::size_t kBins = 80 * kBinsPerLu;  // -70 … +10 LUFS
constexpr std::size_t kHopsPerBlock = 4;        // 400 ms blocks every 100 ms
constexpr std::size_t kBlock = 1 << 16;         // samples filtered at a time
constexpr std::size_t kLanes = 4;               // pieces of a block filtered side by side

// One biquad, transposed direct form II.
struct Biquad {
    double b0 = 1, b1 = 0, b2 = 0, a1 = 0, a2 = 0;
    double s1 = 0, s2 = 0;
    double operator()(double x) {
        const double y = b0 * x + s1;
        s1 = b1 * x - a1 * y + s2;
        s2 = b2 * x - a2 * y;
        return y;
    }
};

// The BS.1770 K-weighting at `rate`, from its analog prototypes (bilinear
// transform with the centre frequencies pre-warped): a high shelf of +4 dB
// around 1.7 kHz (the head's effect), then a 38 Hz high-pass (RLB).
std::array<Biquad, 2> k_weighting(int rate) {
    std::array<Biquad, 2> f;
    {
        const double f0 = 1681.974450955533, gain_db = 3.999843853973347, q = 0.7071752369554196;
        const double k = std::tan(kPi * f0 / rate), vh = std::pow(10.0, gain_db / 20);
        const double vb = std::pow(vh, 0.4996667741545416), a0 = 1 + k / q + k * k;
        f[0].b0 = (vh + vb * k / q + k * k) / a0;
        f[0].b1 = 2 * (k * k - vh) / a0;
        f[0].b2 = (vh - vb * k / q + k * k) / a0;
        f[0].a1 = 2 * (k * k - 1) / a0;
        f[0].a2 = (1 - k / q + k * k) / a0;
    }
    {
        const double f0 = 38.13547087602444, q = 0.5003270373238773;
        const double k = std::tan(kPi * f0 / rate), a0 = 1 + k / q + k * k;
        f[1].b0 = 1;
        f[1].b1 = -2;
        f[1].b2 = 1;
        f[1].a1 = 2 * (k * k - 1) / a0;
        f[1].a2 = (1 - k / q + k * k) / a0;
    }
    return f;
}

// The K-weighting run on kLanes independent streams at once (GCC/Clang
// vector extension; plain SSE2 code on any x86-64).
struct Lanes {
    using Vector = double __attribute__((vector_size(sizeof(double) * 4)));
    double b0[2], b1[2], b2[2], a1[2], a2[2];
    Vector s1[2], s2[2];

    explicit Lanes(const std::array<Biquad, 2>& f) {
        for (int k = 0; k < 2; ++k) {
            b0[k] = f[k].b0, b1[k] = f[k].b1, b2[k] = f[k].b2, a1[k] = f[k].a1, a2[k] = f[k].a2;
            s1[k] = Vector{} + f[k].s1;
            s2[k] = Vector{} + f[k].s2;
        }
    }
    void set_state(std::size_t lane, const std::array<Biquad, 2>& f) {
        for (int k = 0; k < 2; ++k) s1[k][lane] = f[k].s1, s2[k][lane] = f[k].s2;
    }
    void get_state(std::size_t lane, std::array<Biquad, 2>& f) const {
        for (int k = 0; k < 2; ++k) f[k].s1 = s1[k][lane], f[k].s2 = s2[k][lane];
    }
    // Filters one sample of every lane, in place (by reference: a 32-byte
    // vector passed by value would change the ABI without AVX).
    void step(Vector& x) {
        for (int k = 0; k < 2; ++k) {
            const Vector y = b0[k] * x + s1[k];
            s1[k] = b1[k] * x - a1[k] * y + s2[k];
            s2[k] = b2[k] * x - a2[k] * y;
            x = y;
        }
    }
};

double block_lufs(double mean_square) { return -0.691 + 10 * std::log10(mean_square); }

}  // namespace

struct LoudnessMeter::State {
    int rate = 0;
    bool true_peak = false;
    std::array<Biquad, 2> filter;
    std::size_t hop = 0;         // samples per 100 ms
    std::size_t hop_fill = 0;    // samples in the current hop
    double hop_energy = 0;       // their sum of squares (K-weighted)
    std::array<double, kHopsPerBlock> hops{};  // the last hops' energies (ring)
    std::size_t hops_seen = 0;   // complete hops since the grid began
    std::array<std::uint64_t, kBins> counts{};  // gating blocks per loudness bin
    std::array<double, kBins> energies{};       // their mean squares, summed

    // True peak: the input not yet read by the detector (with the silence
    // before the stream), and the highest interval peak so far.
    std::vector<float> pending;
    float peak = 0;
    std::vector<double> squares;  // scratch for one block

    void end_hop() {
        hops[hops_seen % kHopsPerBlock] = hop_energy;
        ++hops_seen;
        hop_energy = 0;
        hop_fill = 0;
        if (hops_seen < kHopsPerBlock) return;
        double sum = 0;
        for (double h : hops) sum += h;
        const double z = sum / static_cast<double>(kHopsPerBlock * hop);
        if (!(z > 0)) return;
        const double lufs = block_lufs(z);
        if (lufs <= kAbsoluteGateLufs) return;
        const auto bin = std::min(kBins - 1, static_cast<std::size_t>((lufs - kAbsoluteGateLufs) * kBinsPerLu));
        ++counts[bin];
        energies[bin] += z;
    }

    void filter_and_count(const float* x, std::size_t n) {
        for (std::size_t at = 0; at < n; at += kBlock) {
            const std::size_t m = std::min(kBlock, n - at);
            if (squares.size() < m) squares.resize(m);
            k_weighted_squares(x + at, m);
            count(m);
        }
    }

    // squares[i] = (K-weighted x[i])², continuing the filter's state. The
    // filter is a chain of dependent multiply-adds, so one stream leaves the
    // CPU mostly waiting; a long block is cut into kLanes pieces filtered
    // side by side. Each piece after the first starts from rest, `warm`
    // samples early, on the samples before it: by then the start-up has
    // died away (below 1e-9 of the signal), so the result is the serial
    // one to float precision.
    void k_weighted_squares(const float* x, std::size_t n) {
        const std::size_t warm = static_cast<std::size_t>(rate) / 10;
        const std::size_t lane = n / kLanes;
        if (lane < warm * 2) {
            for (std::size_t i = 0; i < n; ++i) {
                const double y = filter[1](filter[0](x[i]));
                squares[i] = y * y;
            }
            return;
        }
        Lanes lanes(filter);
        for (std::size_t l = 1; l < kLanes; ++l) {
            std::array<Biquad, 2> f = filter;
            for (Biquad& b : f) b.s1 = b.s2 = 0;
            for (std::size_t i = l * lane - warm; i < l * lane; ++i) f[1](f[0](x[i]));
            lanes.set_state(l, f);
        }
        for (std::size_t i = 0; i < lane; ++i) {
            Lanes::Vector y{x[i], x[lane + i], x[2 * lane + i], x[3 * lane + i]};
            lanes.step(y);
            for (std::size_t l = 0; l < kLanes; ++l) squares[l * lane + i] = y[l] * y[l];
        }
        lanes.get_state(kLanes - 1, filter);
        for (std::size_t i = kLanes * lane; i < n; ++i) {
            const double y = filter[1](filter[0](x[i]));
            squares[i] = y * y;
        }
    }

    // Adds squares[0 … m) to the hops, closing each hop as it fills.
    void count(std::size_t m) {
        for (std::size_t i = 0; i < m;) {
            const std::size_t take = std::min(m - i, hop - hop_fill);
            double energy = 0;
            for (std::size_t j = i; j < i + take; ++j) energy += squares[j];
            hop_energy += energy;
            hop_fill += take;
            i += take;
            if (hop_fill == hop) end_hop();
        }
    }

    void detect(const float* x, std::size_t n) {
        pending.insert(pending.end(), x, x + n);
        const std::size_t reads = true_peak::kBefore + true_peak::kAfter;
        if (pending.size() <= reads) return;
        const std::size_t positions = pending.size() - reads;
        peak = true_peak::max_interval_peak(pending.data() + true_peak::kBefore, positions, peak);
        pending.erase(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(positions));
    }
};

LoudnessMeter::LoudnessMeter(int sample_rate, bool true_peak) : state_(std::make_unique<State>()) {
    if (sample_rate < 8000)
        throw OutputError("loudness measurement: cannot measure at " + std::to_string(sample_rate) + " Hz");
    State& s = *state_;
    s.rate = sample_rate;
    s.true_peak = true_peak;
    s.filter = k_weighting(sample_rate);
    s.hop = static_cast<std::size_t>(sample_rate) / 10;
    // Silence before the stream, for the interpolator's first positions.
    if (true_peak) s.pending.assign(true_peak::kBefore + true_peak::kAfter, 0.0f);
}

LoudnessMeter::~LoudnessMeter() = default;
LoudnessMeter::LoudnessMeter(LoudnessMeter&&) noexcept = default;
LoudnessMeter& LoudnessMeter::operator=(LoudnessMeter&&) noexcept = default;

void LoudnessMeter::add(const float* samples, std::size_t count) {
    state_->filter_and_count(samples, count);
    if (state_->true_peak) state_->detect(samples, count);
}

void LoudnessMeter::warm_up(const float* samples, std::size_t count) {
    State& s = *state_;
    // The last whole hops (up to three) start the new grid, so the first
    // blocks counted after them are the ones a meter that had heard
    // everything would have made.
    const std::size_t tail = std::min(kHopsPerBlock - 1, count / s.hop) * s.hop;
    for (std::size_t i = 0; i + tail < count; ++i) s.filter[1](s.filter[0](samples[i]));
    s.hop_fill = 0;
    s.hop_energy = 0;
    s.hops_seen = 0;
    s.filter_and_count(samples + count - tail, tail);
    if (s.true_peak) {
        s.pending.assign(true_peak::kBefore + true_peak::kAfter, 0.0f);
        const std::size_t keep = std::min(count, s.pending.size());
        std::copy(samples + count - keep, samples + count, s.pending.end() - static_cast<std::ptrdiff_t>(keep));
    }
}

void LoudnessMeter::merge(const LoudnessMeter& other) {
    State& s = *state_;
    const State& o = *other.state_;
    if (o.rate != s.rate || o.true_peak != s.true_peak)
        throw std::invalid_argument("LoudnessMeter::merge: meters differ in rate or mode");
    for (std::size_t b = 0; b < kBins; ++b) {
        s.counts[b] += o.counts[b];
        s.energies[b] += o.energies[b];
    }
    // The other meter's last samples have not met the detector yet.
    float tail = 0;
    if (o.true_peak) {
        std::vector<float> padded = o.pending;
        padded.resize(padded.size() + true_peak::kAfter, 0.0f);
        tail = true_peak::max_interval_peak(padded.data() + true_peak::kBefore,
                                            padded.size() - true_peak::kBefore - true_peak::kAfter, 0);
    }
    s.peak = std::max({s.peak, o.peak, tail});
}

double LoudnessMeter::integrated_lufs() const {
    const State& s = *state_;
    std::uint64_t count = 0;
    double energy = 0;
    for (std::size_t b = 0; b < kBins; ++b) {
        count += s.counts[b];
        energy += s.energies[b];
    }
    if (count == 0) return -HUGE_VAL;
    const double gate = block_lufs(energy / static_cast<double>(count)) + kRelativeGateLu;
    const double from = std::ceil((gate - kAbsoluteGateLufs) * kBinsPerLu);
    count = 0;
    energy = 0;
    for (std::size_t b = from > 0 ? static_cast<std::size_t>(from) : 0; b < kBins; ++b) {
        count += s.counts[b];
        energy += s.energies[b];
    }
    return count ? block_lufs(energy / static_cast<double>(count)) : -HUGE_VAL;
}

double LoudnessMeter::true_peak_dbtp() const {
    const State& s = *state_;
    if (!s.true_peak) throw std::logic_error("LoudnessMeter: true peak not measured");
    // The last samples, followed by silence.
    std::vector<float> padded = s.pending;
    padded.resize(padded.size() + true_peak::kAfter, 0.0f);
    const float peak = true_peak::max_interval_peak(
        padded.data() + true_peak::kBefore, padded.size() - true_peak::kBefore - true_peak::kAfter, s.peak);
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
    // Rounds half away from zero, as std::round, but in a loop the compiler
    // vectorises (std::round is a library call per sample): the fraction
    // left after truncating is exact, so comparing it with ±0.5 is too.
    std::vector<std::int16_t> out(samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const double v = std::clamp(samples[i] * factor * 32768.0, -32768.0, 32767.0);
        const int whole = static_cast<int>(v);
        const double fraction = v - whole;
        out[i] = static_cast<std::int16_t>(whole + (fraction >= 0.5) - (fraction <= -0.5));
    }
    return out;
}

void as_float(const std::vector<std::int16_t>& samples, std::vector<float>& out) {
    out.resize(samples.size());
    for (std::size_t i = 0; i < samples.size(); ++i) out[i] = static_cast<float>(samples[i]) / 32768.0f;
}

std::vector<float> as_float(const std::vector<std::int16_t>& samples) {
    std::vector<float> out;
    as_float(samples, out);
    return out;
}

}  // namespace briefing
