#include "edition/feed.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

#include "text/errors.hpp"
#include "write/text_files.hpp"

namespace briefing {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// One edition as the feed sees it.
struct Episode {
    json manifest;
    std::string folder;             // name under editions/
    std::uintmax_t enclosure_bytes;
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Every edition with a readable manifest and its enclosure present.
std::vector<Episode> episodes(const fs::path& output_root) {
    std::vector<Episode> out;
    std::error_code ec;
    const fs::path root = output_root / "editions";
    if (!fs::is_directory(root, ec)) return out;
    for (const auto& entry : fs::directory_iterator(root, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name[0] == '.') continue;  // staging folders
        const fs::path manifest_path = entry.path() / "manifest.json";
        if (!fs::is_regular_file(manifest_path, ec)) continue;
        try {
            Episode e{json::parse(slurp(manifest_path)), name, 0};
            e.enclosure_bytes = fs::file_size(entry.path() / e.manifest.at("enclosure").at("file").get<std::string>());
            out.push_back(std::move(e));
        } catch (const std::exception& err) {
            spdlog::warn("{}: left out of the feed: {}", manifest_path.string(), err.what());
        }
    }
    // Newest first: edition date, then build time, then name for a stable order.
    std::sort(out.begin(), out.end(), [](const Episode& a, const Episode& b) {
        const auto key = [](const Episode& e) {
            return std::make_tuple(e.manifest["edition"].value("date", ""), e.manifest.value("built_at_unix", 0LL),
                                   e.folder);
        };
        return key(a) > key(b);
    });
    return out;
}

std::string tag(const std::string& name, const std::string& text) {
    return "<" + name + ">" + xml_escape(text) + "</" + name + ">";
}

std::string item_description(const json& m) {
    std::string text = m["edition"].value("title", "") + "，" + m["edition"].value("date", "") + "：";
    std::size_t n = 0;
    for (const auto& item : m.at("items")) {
        text += (n ? "；" : "") + std::to_string(n + 1) + ". " + item.value("title", "");
        ++n;
    }
    return text + "。";
}

std::string item_xml(const Episode& e, const FeedOptions& o) {
    const json& m = e.manifest;
    const std::string dir = "editions/" + e.folder + "/";
    const json& enc = m.at("enclosure");
    std::string x = "    <item>\n";
    x += "      " + tag("title", m["edition"].value("title", "") + " " + m["edition"].value("date", "")) + "\n";
    x += "      " + tag("description", item_description(m)) + "\n";
    x += "      <guid isPermaLink=\"false\">" + xml_escape("briefing-edition:" + e.folder) + "</guid>\n";
    x += "      " + tag("pubDate", rfc822_date(static_cast<std::time_t>(m.value("built_at_unix", 0LL)))) + "\n";
    x += "      <enclosure url=\"" + xml_escape(feed_link(o.base_url, dir + enc.at("file").get<std::string>())) +
         "\" length=\"" + std::to_string(e.enclosure_bytes) + "\" type=\"" +
         xml_escape(enc.at("type").get<std::string>()) + "\"/>\n";
    x += "      " + tag("itunes:duration", itunes_duration(m.value("duration_ms", 0LL))) + "\n";
    x += "      " + tag("itunes:episodeType", "full") + "\n";
    x += "      <podcast:chapters url=\"" +
         xml_escape(feed_link(o.base_url, dir + m.value("chapters_file", "chapters.json"))) +
         "\" type=\"application/json+chapters\"/>\n";
    x += "    </item>\n";
    return x;
}

}  // namespace

std::string xml_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') break;  // not XML 1.0
                out += c;
        }
    }
    return out;
}

std::string url_path_escape(std::string_view path) {
    static const char* const hex = "0123456789ABCDEF";
    std::string out;
    for (const char c : path) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) && u < 0x80) out += c;
        else if (c == '-' || c == '.' || c == '_' || c == '~' || c == '/') out += c;
        else {
            out += '%';
            out += hex[u >> 4];
            out += hex[u & 15];
        }
    }
    return out;
}

std::string rfc822_date(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    // Names spelled out: strftime's %a and %b follow the locale.
    static const char* const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
                  months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string itunes_duration(std::int64_t ms) {
    const std::int64_t s = (std::max<std::int64_t>(ms, 0) + 500) / 1000;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
    return buf;
}

std::string feed_link(const std::string& base_url, const std::string& relative) {
    const std::string path = url_path_escape(relative);
    if (base_url.empty()) return path;
    return base_url.back() == '/' ? base_url + path : base_url + "/" + path;
}

json podcast_chapters(const json& m) {
    json chapters = json::array();
    for (const auto& c : m.at("chapters"))
        chapters.push_back({{"startTime", static_cast<double>(c.at("start_ms").get<std::int64_t>()) / 1000.0},
                            {"title", c.at("title")}});
    return {{"version", "1.2.0"}, {"chapters", std::move(chapters)}};
}

std::string feed_xml(const fs::path& output_root, const FeedOptions& o) {
    std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    x += "<rss version=\"2.0\" xmlns:itunes=\"http://www.itunes.com/dtds/podcast-1.0.dtd\" "
         "xmlns:podcast=\"https://podcastindex.org/namespace/1.0\">\n";
    x += "  <channel>\n";
    x += "    " + tag("title", o.title) + "\n";
    x += "    " + tag("link", o.base_url.empty() ? "./" : o.base_url) + "\n";
    x += "    " + tag("description", o.description) + "\n";
    x += "    " + tag("language", "zh-cn") + "\n";
    x += "    " + tag("generator", "Briefing") + "\n";
    x += "    " + tag("itunes:author", o.author) + "\n";
    x += "    " + tag("itunes:summary", o.description) + "\n";
    x += "    " + tag("itunes:explicit", "false") + "\n";
    x += "    <itunes:category text=\"News\"/>\n";
    for (const Episode& e : episodes(output_root)) x += item_xml(e, o);
    x += "  </channel>\n</rss>\n";
    return x;
}

bool write_feed(const fs::path& output_root, const FeedOptions& o) {
    const std::string text = feed_xml(output_root, o);
    const fs::path target = output_root / "feed.xml";
    std::error_code ec;
    if (fs::is_regular_file(target, ec) && slurp(target) == text) return false;
    write_file_atomic(target, text);
    return true;
}

}  // namespace briefing
