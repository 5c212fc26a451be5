// True-peak detection (ITU-R BS.1770 Annex 2 style): the signal is
// 4x-oversampled with a windowed-sinc interpolator (12 taps per phase) so
// that peaks between samples, which a D/A converter and a true-peak meter
// see, are found too. Shared by the limiter (which holds them under its
// ceiling) and the loudness meter (which reports the highest).
//
// Why not libebur128's true-peak mode: it costs about as much CPU as eSpeak
// NG's whole synthesis (0.32 s for 11 minutes of audio at 22050 Hz, measured
// here); this kernel runs over blocks in vectorised loops, and blocks whose
// samples are too small to reach the level asked about are skipped with a
// bound. The tests compare it with libebur128 on speech and test signals.
//
// Samples are mono floats, full scale ±1. Pure functions, thread-safe.
#pragma once

#include <cstddef>

namespace briefing::true_peak {

// Samples the interpolator reads before the start and after the end of an
// interval.
constexpr std::size_t kBefore = 5, kAfter = 6;

// out[i] = the peak of the interval from x[i] to x[i+1]: the largest of
// |x[i]|, |x[i+1]| and the interpolated points 1/4, 1/2 and 3/4 of the way.
// x[-kBefore] … x[n - 1 + kAfter] must be readable.
void interval_peaks(const float* x, std::size_t n, float* out);

// No interval peak is larger than this factor times the largest |x| among
// the samples it reads (x[i-5] … x[i+6]): the largest sum of |coefficients|.
float bound_factor();

// The largest interval peak of x[0] … x[n-1] (same reads as interval_peaks),
// or `at_least` if none is larger. Blocks that cannot beat it are skipped.
float max_interval_peak(const float* x, std::size_t n, float at_least);

// The largest |x[i]| for i in [begin, end).
float max_abs(const float* x, std::size_t begin, std::size_t end);

}  // namespace briefing::true_peak
