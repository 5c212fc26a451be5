#include "listen/transcripts.hpp"

#include <cstdio>

namespace briefing {

namespace {

std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s;
}

// Negative times cannot occur in valid input; clamp rather than print "-".
std::int64_t non_negative(std::int64_t ms) { return ms < 0 ? 0 : ms; }

std::string clock(std::int64_t ms, char separator) {
    ms = non_negative(ms);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld%c%03lld", static_cast<long long>(ms / 3600000),
                  static_cast<long long>(ms / 60000 % 60), static_cast<long long>(ms / 1000 % 60), separator,
                  static_cast<long long>(ms % 1000));
    return buf;
}

}  // namespace

std::string cue_time(std::uint64_t sample, int sample_rate) {
    const std::uint64_t frames = sample * 75 / static_cast<std::uint64_t>(sample_rate);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%02llu:%02llu:%02llu", static_cast<unsigned long long>(frames / (75 * 60)),
                  static_cast<unsigned long long>(frames / 75 % 60), static_cast<unsigned long long>(frames % 75));
    return buf;
}

std::string lrc_time(std::int64_t ms) {
    ms = non_negative(ms);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%02lld:%02lld.%02lld", static_cast<long long>(ms / 60000),
                  static_cast<long long>(ms / 1000 % 60), static_cast<long long>(ms % 1000 / 10));
    return buf;
}

std::string srt_time(std::int64_t ms) { return clock(ms, ','); }
std::string vtt_time(std::int64_t ms) { return clock(ms, '.'); }

std::string lrc_text(const LrcHeader& header, const std::vector<TimedLine>& lines) {
    std::string out;
    if (!header.title.empty()) out += "[ti:" + one_line(header.title) + "]\n";
    if (!header.artist.empty()) out += "[ar:" + one_line(header.artist) + "]\n";
    if (!header.album.empty()) out += "[al:" + one_line(header.album) + "]\n";
    for (const auto& line : lines) out += "[" + lrc_time(line.start_ms) + "]" + one_line(line.text) + "\n";
    if (!lines.empty()) out += "[" + lrc_time(lines.back().end_ms) + "]\n";
    return out;
}

std::string srt_text(const std::vector<TimedLine>& lines) {
    std::string out;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        out += std::to_string(i + 1) + "\n";
        out += srt_time(lines[i].start_ms) + " --> " + srt_time(lines[i].end_ms) + "\n";
        out += one_line(lines[i].text) + "\n\n";
    }
    return out;
}

std::string vtt_escape(const std::string& text) {
    std::string out;
    for (const char c : one_line(text)) {
        if (c == '&') out += "&amp;";
        else if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else out += c;
    }
    return out;
}

std::string vtt_text(const std::vector<TimedLine>& lines) {
    std::string out = "WEBVTT\n\n";
    for (const auto& line : lines) {
        out += vtt_time(line.start_ms) + " --> " + vtt_time(line.end_ms) + "\n";
        out += vtt_escape(line.text) + "\n\n";
    }
    return out;
}

std::string cue_quote(const std::string& text) {
    std::string out = "\"";
    for (const char c : one_line(text)) out += c == '"' ? '\'' : c;
    return out + "\"";
}

std::string cue_sheet_text(const CueSheet& sheet) {
    std::string out;
    if (!sheet.date.empty()) out += "REM DATE " + one_line(sheet.date) + "\n";
    out += "PERFORMER " + cue_quote(sheet.performer) + "\n";
    out += "TITLE " + cue_quote(sheet.title) + "\n";
    out += "FILE " + cue_quote(sheet.file) + " WAVE\n";
    for (std::size_t i = 0; i < sheet.tracks.size() && i < kMaxCueTracks; ++i) {
        const CueTrack& t = sheet.tracks[i];
        char number[8];
        std::snprintf(number, sizeof number, "%02zu", i + 1);
        out += std::string("  TRACK ") + number + " AUDIO\n";
        out += "    TITLE " + cue_quote(t.title) + "\n";
        out += "    PERFORMER " + cue_quote(t.performer) + "\n";
        out += "    INDEX 01 " + cue_time(t.start_sample, sheet.sample_rate) + "\n";
    }
    return out;
}

}  // namespace briefing
