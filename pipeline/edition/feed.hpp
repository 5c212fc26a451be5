// The podcast feed: output/feed.xml, RSS 2.0 with the iTunes and Podcasting
// 2.0 tags podcast apps read, rebuilt from the editions on disk.
//
// The feed is never edited in place: write_feed reads every
// "<output>/editions/*/manifest.json" and writes the whole feed again, so it
// always matches the editions that exist (an edition deleted by hand drops
// out of the feed; earlier editions stay in it). Items are newest first:
// by edition date, then by build time. The file is rewritten only when its
// bytes change, so an unchanged edition leaves feed.xml untouched too.
//
// Per item: <title>, <description> (the item titles), <guid
// isPermaLink="false"> ("briefing-edition:<folder name>": stable across
// rebuilds, so an app does not list a corrected edition twice), <pubDate>
// (RFC 822, the edition's build time in GMT), <enclosure url length type>
// (length = the file's size in bytes, read from disk), <itunes:duration>
// (H:MM:SS), and <podcast:chapters url type="application/json+chapters">.
// Channel: title, link, description, language "zh-cn", itunes:author,
// itunes:explicit, itunes:category "News", generator.
//
// Links are "editions/<folder>/<file>", relative to feed.xml, or absolute
// under `base_url` when given. Every path segment is percent-encoded (UTF-8
// folder names become %E6%97%A9…), and every text is XML-escaped.
//
// Errors: OutputError naming feed.xml; an unreadable edition manifest is
// skipped with a warning (it cannot be published, but must not stop the
// others). Pure helpers are thread-safe.
#pragma once

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace briefing {

struct FeedOptions {
    std::string title = "Briefing";  // channel title
    std::string description = "Briefing 生成的普通话新闻简报";
    std::string base_url;            // "" = relative links
    std::string author = "Briefing";
};

// The feed text for the editions under `output_root`.
std::string feed_xml(const std::filesystem::path& output_root, const FeedOptions& options);

// Writes "<output_root>/feed.xml" if its content changed. Returns true when
// it wrote the file.
bool write_feed(const std::filesystem::path& output_root, const FeedOptions& options);

// The Podcasting 2.0 chapters file for an edition manifest:
// {"version": "1.2.0", "chapters": [{"startTime": seconds, "title": …}]}.
nlohmann::json podcast_chapters(const nlohmann::json& edition_manifest);

// &, <, >, " and ' as entities; C0 controls other than tab and newline (not
// allowed in XML 1.0) dropped; invalid UTF-8 is the caller's problem.
std::string xml_escape(std::string_view text);

// Percent-encodes everything but unreserved characters (RFC 3986) and '/'.
std::string url_path_escape(std::string_view path);

// "Tue, 24 Nov 2026 06:00:00 GMT" (RFC 822 with a four-digit year).
std::string rfc822_date(std::time_t t);

// "H:MM:SS" for itunes:duration (rounded to the nearest second).
std::string itunes_duration(std::int64_t ms);

// A link to `relative` (a path under the output folder): base_url + path,
// with exactly one '/' between them, or the path alone.
std::string feed_link(const std::string& base_url, const std::string& relative);

}  // namespace briefing
