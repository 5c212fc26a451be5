// Safe file and folder names from titles.
//
// A title is untrusted text ("../../etc/passwd", "/", "CON", 500 characters,
// only dots): the name made from it can never leave the output folder or be
// refused by a common filesystem (ext4, NTFS, FAT, APFS).
//   - Chinese characters, letters and digits are kept; path separators,
//     characters Windows forbids (<>:"/\|?*), controls and other unspeakable
//     code points are dropped; white space and punctuation runs become "-".
//   - No leading or trailing dots, dashes or spaces; Windows device names
//     (CON, PRN, AUX, NUL, COM1-9, LPT1-9) get a "_" suffix.
//   - Capped at `max_bytes` UTF-8 bytes, cut at a character boundary.
//   - An empty result becomes `fallback`.
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <string_view>

namespace briefing {

std::string safe_name(std::string_view title, std::string_view fallback, std::size_t max_bytes = 80);

// Returns `name`, or `name-2`, `name-3`, … whichever is not yet in `taken`,
// and records it there.
std::string unique_name(const std::string& name, std::set<std::string>& taken);

}  // namespace briefing
