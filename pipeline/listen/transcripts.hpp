// Text companions of the audio: CUE sheet, LRC, SRT and WebVTT.
//
// All functions here are pure (strings in, string out) and thread-safe; the
// caller decides the file names and writes them (write_file_atomic).
//
// Times: milliseconds from the first sample of the file the text belongs to,
// except the CUE sheet, which takes sample positions so that its 1/75 s
// frames come from the exact sample, not from a rounded millisecond.
// Every format rounds *down* (truncates) to its own resolution, so a line
// never appears after its audio has begun.
//
// Text: UTF-8 in, UTF-8 out (no byte-order mark). Line breaks inside a text
// become spaces, since every one of these formats is line-based.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace briefing {

// "mm:ss:ff", ff in CUE frames (75 a second); minutes may exceed 99.
std::string cue_time(std::uint64_t sample, int sample_rate);
// "mm:ss.xx", xx in centiseconds (LRC).
std::string lrc_time(std::int64_t ms);
// "HH:MM:SS,mmm" (SubRip: comma before the milliseconds).
std::string srt_time(std::int64_t ms);
// "HH:MM:SS.mmm" (WebVTT: dot before the milliseconds).
std::string vtt_time(std::int64_t ms);

// One sentence on screen: shown from start_ms until end_ms.
struct TimedLine {
    std::int64_t start_ms = 0;
    std::int64_t end_ms = 0;
    std::string text;
};

// LRC header tags ([ti:], [ar:], [al:]); empty ones are left out.
struct LrcHeader {
    std::string title;
    std::string artist;
    std::string album;
};

// "[ti:…]" etc., then "[mm:ss.xx]text" per line, then a bare "[mm:ss.xx]" at
// the last line's end so players clear the lyric during the closing pause.
std::string lrc_text(const LrcHeader& header, const std::vector<TimedLine>& lines);

// Numbered SubRip blocks: "n", "start --> end", text, blank line.
std::string srt_text(const std::vector<TimedLine>& lines);

// "WEBVTT", blank line, then "start --> end" and text per cue. '&', '<' and
// '>' in the text are written as &amp; &lt; &gt; (WebVTT reads markup).
std::string vtt_text(const std::vector<TimedLine>& lines);

// Escapes text for a WebVTT cue payload (exposed for tests).
std::string vtt_escape(const std::string& text);

// One TRACK of a CUE sheet: starts at `start_sample` of the sheet's file.
struct CueTrack {
    std::string title;
    std::string performer;
    std::uint64_t start_sample = 0;
};

struct CueSheet {
    std::string file;       // the audio file, relative to the sheet ("x.wav")
    std::string title;      // album title
    std::string performer;  // album performer
    std::string date;       // REM DATE, may be empty
    int sample_rate = 0;    // of `file`, to turn samples into frames
    std::vector<CueTrack> tracks;
};

// At most this many tracks fit a CUE sheet (TRACK 01..99); later ones are
// left out, and the caller should say so.
constexpr std::size_t kMaxCueTracks = 99;

// REM DATE, PERFORMER, TITLE, FILE "…" WAVE, then per track
// "  TRACK nn AUDIO", "    TITLE", "    PERFORMER", "    INDEX 01 mm:ss:ff".
// The format has no escape for '"', so a double quote in a title or name
// becomes a single quote ('); everything else is kept as UTF-8.
std::string cue_sheet_text(const CueSheet& sheet);

// A quoted CUE sheet string: '"' → '\'', line breaks → spaces (exposed for tests).
std::string cue_quote(const std::string& text);

}  // namespace briefing
