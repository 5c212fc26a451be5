// Stage `ingest`: an article file → Article {title, sections[{title, paragraphs}]}.
//
// Accepted input: UTF-8 plain text or Markdown (a leading UTF-8 byte-order
// mark is accepted and dropped). Anything else is refused with an InputError
// whose message names the file and, where it applies, the byte offset and
// line: missing or unreadable files, directories, empty or whitespace-only
// text, NUL bytes (binary), UTF-16/32 byte-order marks, invalid UTF-8.
//
// Markdown (".md"/".markdown", or a first line starting with "# "):
//   `# ` line    → the article title (the first one)
//   `## ` line   → starts a section with that title
//   other lines  → paragraphs; blank lines separate paragraphs, consecutive
//                  lines join. Inline marks (**, *, _, `, [text](url),
//                  images, list bullets, `>` quotes) are stripped; fenced
//                  code blocks and HTML comments are dropped.
// Plain text:
//   the first non-empty line is the title; each further non-empty line is a
//   paragraph.
// Photo captions and credits (both forms) are never read aloud:
//   - a caption ("<subject>资料图", "<subject>资料图，<who>提供", "…资料图片")
//     starts a new section titled with its subject;
//   - a credit (a line wholly in brackets naming a photographer or source,
//     such as "（其他3张照片由某某摄）") is dropped.
// The part before the first caption is the lead section, titled with the
// article title. An article with no such marks is one section. Sections left
// with no paragraphs are dropped.
//
// Pure apart from reading the one file; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace briefing {

struct Section {
    std::string title;                    // UTF-8, as written (may be hostile: sanitise before use as a name)
    std::vector<std::string> paragraphs;  // UTF-8, trimmed, never empty strings
};

struct Article {
    std::string title;              // UTF-8, trimmed
    std::vector<Section> sections;  // at least one, each with at least one paragraph
    std::string source;             // the path it was read from, as given
    std::string sha256;             // of the input bytes, lower-case hex
};

// What a caption or credit line is, as found by classify_line.
enum class LineKind { Text, Caption, Credit };

struct LineClass {
    LineKind kind = LineKind::Text;
    std::string subject;  // for a Caption: the section title it gives
};

// Classifies one trimmed line of body text (see the caption rules above).
LineClass classify_line(std::string_view line);

// Parses article text already known to be valid UTF-8 (BOM removed).
// `markdown` selects the Markdown rules. Throws InputError("nothing to read")
// naming `source` when no speakable paragraph remains.
Article parse_article(std::string_view utf8, bool markdown, const std::string& source);

// Articles with more sections than this are refused (InputError): every
// section is a file, a playlist entry and a chapter, and players list at most
// a few hundred chapters (CUE sheets: 99).
constexpr std::size_t kMaxSections = 999;

// Files larger than this are refused (InputError naming the size and the
// limit) rather than read: an article is held in memory while it is read.
constexpr std::uint64_t kDefaultMaxInputBytes = 64ull << 20;

// Reads and parses the file at `path` (see the accepted input above).
Article ingest(const std::filesystem::path& path, std::uint64_t max_bytes = kDefaultMaxInputBytes);

}  // namespace briefing
