// Small text outputs: atomic file writes, the M3U8 playlist.
//
// write_file_atomic writes "<target>.tmp" beside the target and renames it
// over the target, so a reader (or a killed process) only ever sees the old
// file or the complete new one. It does not fsync: that guards against power
// loss, not process crashes, and costs a disk flush per file. Throws
// OutputError naming the file.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace briefing {

void write_file_atomic(const std::filesystem::path& target, std::string_view content);

struct PlaylistEntry {
    std::string file;      // relative path, as written in the playlist
    std::string title;     // UTF-8
    double seconds = 0.0;  // duration
};

// UTF-8 extended M3U: "#EXTM3U", then per entry "#EXTINF:<seconds>,<title>"
// and the relative path. Titles have line breaks removed.
std::string playlist_text(const std::vector<PlaylistEntry>& entries);

}  // namespace briefing
