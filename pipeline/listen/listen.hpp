// Stage `listen`: the finished section WAVs → an article every player can
// navigate, at even loudness, with timed transcripts.
//
// render calls finish_article once per article, after every section WAV is
// written into the staging folder and before the playlist and manifest are
// written. It works from the manifest (section files, titles, sentence
// sample positions) and the files themselves, and produces, beside them:
//
//   01-….wav …        rewritten: one gain for the whole article, resampled
//                     if asked, tags kept, one cue + label per paragraph
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
// (EBU R128, libebur128) and one gain brings it to `loudness_lufs`, lowered
// if the true peak would exceed `true_peak_dbtp`. So sections keep their
// relative levels and the article plays at the same level as the next one.
// Measured on our sample articles: eSpeak NG's speech peaks ~19.6 dB above
// its integrated loudness (about -19.5 LUFS with peaks at +0.1 dBTP), so
// under a -1 dBTP ceiling one gain reaches about -20.6 LUFS: with the
// default -16 LUFS target the ceiling wins, and manifest "loudness" says so
// (gain_db, output_lufs). Reaching -16 would need a limiter, not a gain.
//
// Manifest changes (in place):
//   "loudness": {measured_lufs, measured_true_peak_dbtp, target_lufs,
//                true_peak_ceiling_dbtp, gain_db, true_peak_dbtp (after the
//                gain, measured on the written audio), output_lufs}
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

#include "synth/voice_preset.hpp"
#include "write/wav_writer.hpp"

namespace briefing {

struct ListenOptions {
    int sample_rate = 0;                // output rate in Hz; 0 = keep the section files' rate
    double loudness_lufs = -16;         // integrated loudness target (LUFS)
    double true_peak_dbtp = -1;         // true-peak ceiling after the gain (dBTP)
    std::vector<AudioFormat> formats;   // extra formats for the full file (never wav)
    std::string artist = "Briefing";    // IART / PERFORMER
    std::string date;                   // ICRD / REM DATE, e.g. "2026-11-24"; may be empty
};

// From the preset's [output] keys. `output_formats` is a comma list of flac,
// ogg, opus, mp3 ("wav" and empty items are ignored; anything else is a
// VoiceError naming the preset).
ListenOptions listen_options(const VoicePreset& voice, std::string artist, std::string date);

// See the top of this header. `folder` holds the section WAVs named in
// `manifest["sections"][i]["file"]`.
void finish_article(const std::filesystem::path& folder, nlohmann::json& manifest, const ListenOptions& options);

}  // namespace briefing
