#include "ingest/ingest.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

#include "text/errors.hpp"
#include "text/sha256.hpp"
#include "text/utf8.hpp"

namespace briefing {

namespace fs = std::filesystem;

namespace {

bool ends_with(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}
bool starts_with(std::string_view s, std::string_view head) {
    return s.substr(0, head.size()) == head;
}

// Drops sentence-final marks so "…资料图。" and "…资料图" classify alike.
std::string_view strip_final_marks(std::string_view s) {
    for (bool again = true; again;) {
        again = false;
        for (std::string_view mark : {"。", ".", "．", " "}) {
            if (ends_with(s, mark)) {
                s.remove_suffix(mark.size());
                again = true;
            }
        }
    }
    return s;
}

std::string_view strip_trailing_commas(std::string_view s) {
    for (bool again = true; again;) {
        again = false;
        for (std::string_view mark : {"，", ",", "：", ":", " ", "　"}) {
            if (ends_with(s, mark)) {
                s.remove_suffix(mark.size());
                again = true;
            }
        }
    }
    return s;
}

bool names_a_credit(std::string_view s) {
    for (std::string_view w : {"摄", "提供", "照片", "图片", "供图", "来源", "资料图"})
        if (s.find(w) != std::string_view::npos) return true;
    return false;
}

bool is_bracketed(std::string_view s) {
    return (starts_with(s, "（") && ends_with(s, "）")) || (starts_with(s, "(") && ends_with(s, ")")) ||
           (starts_with(s, "【") && ends_with(s, "】")) || (starts_with(s, "[") && ends_with(s, "]"));
}

// The credit after a caption: "，北京日报提供", "，某某摄", "，某某供图".
bool is_credit_tail(std::string_view tail) {
    if (tail.empty()) return true;
    for (std::string_view sep : {"，", ",", "：", ":", " ", "　"}) {
        if (starts_with(tail, sep)) {
            std::string_view who = tail.substr(sep.size());
            return ends_with(who, "提供") || ends_with(who, "摄") || ends_with(who, "供图");
        }
    }
    return false;
}

std::string read_bytes(const fs::path& path, std::uint64_t max_bytes) {
    std::error_code ec;
    if (!fs::exists(path, ec)) throw InputError(path.string() + ": no such file");
    if (fs::is_directory(path, ec)) throw InputError(path.string() + ": is a directory, not an article file");
    const std::uintmax_t size = fs::file_size(path, ec);
    if (!ec && size > max_bytes)
        throw InputError(path.string() + ": is " + std::to_string(size >> 20) + " MiB, over the " +
                         std::to_string(max_bytes >> 20) + " MiB limit (raise it with --max-input-mb)");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path.string() + ": cannot be opened for reading (check its permissions)");
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) throw InputError(path.string() + ": read error");
    return std::move(buf).str();
}

// UTF-16 with a byte-order mark is converted rather than refused: editors on
// some systems save that way by default.
bool starts_with_bytes(std::string_view s, std::string_view bom) { return starts_with(s, bom); }

std::string utf16_to_utf8(std::string_view bytes, bool little_endian, const std::string& name) {
    if (bytes.size() % 2 != 0) throw InputError(name + ": UTF-16 text with an odd number of bytes");
    std::string out;
    auto unit = [&](std::size_t i) -> char32_t {
        auto b0 = static_cast<unsigned char>(bytes[i]), b1 = static_cast<unsigned char>(bytes[i + 1]);
        return little_endian ? (b0 | (b1 << 8)) : ((b0 << 8) | b1);
    };
    for (std::size_t i = 0; i < bytes.size(); i += 2) {
        char32_t u = unit(i);
        if (u >= 0xD800 && u <= 0xDBFF && i + 2 < bytes.size()) {
            char32_t lo = unit(i + 2);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                i += 2;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF)
            throw InputError(name + ": invalid UTF-16 at byte offset " + std::to_string(i));
        text::append(out, u);
    }
    return out;
}

// Returns the text as UTF-8 without a BOM, or throws naming what is wrong.
std::string decode_text(std::string bytes, const std::string& name) {
    if (starts_with_bytes(bytes, std::string_view("\xFF\xFE\x00\x00", 4)) || starts_with_bytes(bytes, std::string_view("\x00\x00\xFE\xFF", 4)))
        throw InputError(name + ": UTF-32 text is not supported; save it as UTF-8");
    if (starts_with_bytes(bytes, "\xFF\xFE")) return utf16_to_utf8(std::string_view(bytes).substr(2), true, name);
    if (starts_with_bytes(bytes, "\xFE\xFF")) return utf16_to_utf8(std::string_view(bytes).substr(2), false, name);
    if (starts_with_bytes(bytes, "\xEF\xBB\xBF")) bytes.erase(0, 3);
    if (bytes.find('\0') != std::string::npos)
        throw InputError(name + ": contains NUL bytes; this looks like a binary file, not text");
    if (auto bad = text::find_invalid_utf8(bytes))
        throw InputError(name + ": not valid UTF-8 at byte offset " + std::to_string(bad->byte_offset) +
                         " (line " + std::to_string(bad->line) + "); save the file as UTF-8");
    return bytes;
}

bool is_markdown_name(const fs::path& path) {
    const std::string ext = path.extension().string();
    return ext == ".md" || ext == ".markdown" || ext == ".MD";
}

bool first_line_is_heading(std::string_view utf8) {
    const std::size_t start = utf8.find_first_not_of(" \t\r\n");
    return start != std::string_view::npos && starts_with(utf8.substr(start), "# ");
}

}  // namespace

LineClass classify_line(std::string_view line) {
    const std::string_view s = strip_final_marks(line);
    if (is_bracketed(s) && names_a_credit(s)) return {LineKind::Credit, ""};
    for (std::string_view mark : {"资料图片", "资料图", "资料照片"}) {
        const std::size_t at = s.rfind(mark);
        if (at == std::string_view::npos || !is_credit_tail(s.substr(at + mark.size()))) continue;
        std::string subject = text::trim(strip_trailing_commas(s.substr(0, at)));
        if (subject.empty()) return {LineKind::Credit, ""};
        return {LineKind::Caption, subject};
    }
    return {LineKind::Text, ""};
}

Article ingest(const fs::path& path, std::uint64_t max_bytes) {
    const std::string name = path.string();
    std::string bytes = read_bytes(path, max_bytes);
    // Hash the bytes as read, so an edit of any kind (even a BOM) counts.
    const std::string sha = text::sha256_hex(bytes);
    const std::string utf8 = decode_text(std::move(bytes), name);
    const bool markdown = is_markdown_name(path) || first_line_is_heading(utf8);
    Article article = parse_article(utf8, markdown, name);
    article.sha256 = sha;
    return article;
}

}  // namespace briefing
