// Stage `listen`: the finished section WAVs → an article every player can
// navigate, at even loudness, with timed transcripts.
//
// render calls finish_article once per article, after every section WAV is
// written into the staging folder and before the playlist and manifest are
// written. It works from the manifest (section files, titles, sentence
// sample positions) and the files themselves, and produces, beside them:
//
//   01-….wav …        rewritten: resampled if asked, one gain for the whole
//                     article, peaks limited, tags kept, one cue + label
//                     per paragraph
//   01-….lrc …        per section: "[mm:ss.xx]sentence" (LRC, same stem)
//   <stem>.wav        the whole article: sections back to back, one cue +
//                     label per section (titled chapters in FFmpeg/mpv)
//   <stem>.cue        CUE sheet for <stem>.wav (foobar2000, mpv, VLC)
//   <stem>.srt/.vtt   SubRip and WebVTT subtitles for <stem>.wav
//   <stem>.flac …     the whole article in each extra format asked for
//
// where <stem> is the manifest's "playlist" without ".m3u8".
//
// Loudness: the integrated loudness of all sections together is measured
// (EBU R128, our BS.1770 meter in loudness.hpp) and one gain brings it to
// `loudness_lufs`. So sections keep their relative levels and the article
// plays at the same level as the next one. eSpeak NG's speech peaks ~19.6
// dB above its integrated loudness, so at -16 LUFS its loudest peaks would
// reach about +3.6 dBTP: after the gain, a look-ahead true-peak limiter
// (limiter.hpp; one per section file, restarted in the silence between
// sections) dips the gain around each peak that would pass `true_peak_dbtp`
// (down over 5 ms before it, back to unity within 80 ms after), and leaves
// every other sample exactly as the gain made it.
// Lengths and positions are unchanged to the sample. Taking energy off the
// peaks costs 0.6-1.2 LU on eSpeak NG speech, so before writing, trial runs
// of gain + limiter (at the engine's rate, at two raised gains, on the whole
// of a short article and on 1 s excerpts adding up to 2 minutes of a long
// one) measure the shortfall, and the one gain is raised by what wins it
// back, by 2 dB at most. Measured on the seed article at the defaults: gain
// 4.05 dB (0.96 of it compensation), -16.05 LUFS, true peak -1.2 dBTP, gain
// dips of up to 5.4 dB on ~25% of samples.
//
// Passes: (1) measure, in pieces shared among `threads` (skipped when the
// caller hands in a meter that heard the sections as they were made); (2) the trials,
// likewise; (3) read, resample, gain, limit, while a second thread (when
// `threads` > 1) writes the section files and the full file and measures
// what is written. A batch gives each worker process one thread.
//
// Manifest changes (in place):
//   "loudness": {measured_lufs, measured_true_peak_dbtp (before the gain),
//                target_lufs, true_peak_ceiling_dbtp, gain_db (the one
//                make-up gain), limiter_compensation_db (the part of
//                gain_db that wins back what the limiter takes, i.e.
//                gain_db - (target_lufs - measured_lufs)), limiter (true
//                if it lowered any sample), max_gain_reduction_db (its deepest dip, ≥ 0),
//                limited_percent (share of output samples it lowered),
//                true_peak_dbtp and output_lufs (measured on the written
//                audio, after gain and limiter)}
//   "output":   {sample_rate, formats: [...]}
//   "full":     {file, cue_sheet, srt, vtt, samples, duration_ms, sample_rate,
//                formats: [{format, file}], skipped_formats: [{format, reason}],
//                sections: [{index, title, start_sample, start_ms}]}
//   "duration_ms" (top level) and, per section, "samples", "duration_ms",
//   "lrc", "full_start_sample", "full_start_ms"; per sentence its
//   start/end_sample and _ms in the section file (rescaled if resampled) and
//   "full_start_sample", "full_end_sample", "full_start_ms", "full_end_ms" in
//   the full file. "engine.sample_rate" stays eSpeak NG's own rate.
//
// Memory: one section's audio at a time (the full file and the extra formats
// are streamed to disk as each section is finished).
//
// Errors: OutputError naming the file (unreadable section, a section whose
// length or rate disagrees with the manifest, a failed write); Interrupted
// if SIGINT/SIGTERM arrives between sections. An extra format this
// libsndfile cannot write (Opus at 22050 Hz, say) is skipped with a warning
// and listed in full.skipped_formats, never an error.
//
// Thread rule: touches only `folder`; one call per folder at a time.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "listen/loudness.hpp"
#include "synth/voice_preset.hpp"
#include "write/wav_writer.hpp"

namespace briefing {

struct ListenOptions {
    int sample_rate = 0;                // output rate in Hz; 0 = keep the section files' rate
    double loudness_lufs = -16;         // integrated loudness target (LUFS)
    double true_peak_dbtp = -1;         // true-peak ceiling, held by the limiter (dBTP)
    std::vector<AudioFormat> formats;   // extra formats for the full file (never wav)
    std::string artist = "Briefing";    // IART / PERFORMER
    std::string date;                   // ICRD / REM DATE, e.g. "2026-11-24"; may be empty
    int threads = 1;                    // threads sharing the measuring, trials and writing
};

// From the preset's [output] keys. `output_formats` is a comma list of flac,
// ogg, opus, mp3 ("wav" and empty items are ignored; anything else is a
// VoiceError naming the preset).
ListenOptions listen_options(const VoicePreset& voice, std::string artist, std::string date);

// See the top of this header. `folder` holds the section WAVs named in
// `manifest["sections"][i]["file"]`. `measured`, when given, has heard
// exactly those sections, back to back at their own rate (with true peak):
// render measures while eSpeak NG synthesises, so pass (1) is skipped.
void finish_article(const std::filesystem::path& folder, nlohmann::json& manifest, const ListenOptions& options,
                    const LoudnessMeter* measured = nullptr);

}  // namespace briefing
