// parse_article: text lines → Article, for plain text and Markdown.
#include <string>
#include <vector>

#include "ingest/ingest.hpp"
#include "text/errors.hpp"
#include "text/utf8.hpp"

namespace briefing {

namespace {

bool starts_with(std::string_view s, std::string_view head) { return s.substr(0, head.size()) == head; }

std::vector<std::string> split_lines(std::string_view utf8) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start <= utf8.size()) {
        std::size_t end = utf8.find('\n', start);
        if (end == std::string_view::npos) end = utf8.size();
        std::string line(utf8.substr(start, end - start));
        if (!line.empty() && line.back() == '\r') line.pop_back();
        lines.push_back(std::move(line));
        start = end + 1;
    }
    return lines;
}

// Something a listener could hear: a letter, a digit or a Han character.
// Punctuation- or emoji-only paragraphs say nothing and are dropped.
bool has_speakable(std::string_view utf8) {
    for (char32_t cp : text::decode(utf8))
        if (text::is_han(cp) || text::is_ascii_alpha(cp) || text::is_ascii_digit(cp) ||
            (cp >= 0xC0 && cp < 0x2000) || (cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) ||
            (cp >= 0xFF41 && cp <= 0xFF5A))  // full-width digits and letters
            return true;
    return false;
}

// Removes Markdown inline marks, keeping the words they wrap.
std::string strip_inline(std::string_view line) {
    std::string out;
    std::size_t i = 0;
    while (i < line.size()) {
        const char c = line[i];
        if (c == '!' && i + 1 < line.size() && line[i + 1] == '[') {  // image: drop entirely
            const std::size_t close = line.find("](", i);
            const std::size_t end = close == std::string_view::npos ? close : line.find(')', close);
            if (end != std::string_view::npos) {
                i = end + 1;
                continue;
            }
        }
        if (c == '[') {  // link: keep the text
            const std::size_t close = line.find("](", i);
            const std::size_t end = close == std::string_view::npos ? close : line.find(')', close);
            if (end != std::string_view::npos) {
                out += line.substr(i + 1, close - i - 1);
                i = end + 1;
                continue;
            }
        }
        if (c == '*' || c == '`') {
            ++i;
            continue;
        }
        out.push_back(c);
        ++i;
    }
    return out;
}

// Drops list bullets, quote marks and heading hashes at the start of a line.
std::string_view strip_block_prefix(std::string_view s) {
    while (!s.empty() && (s.front() == '>' || s.front() == ' ')) s.remove_prefix(1);
    for (std::string_view bullet : {"- ", "* ", "+ "})
        if (starts_with(s, bullet)) return s.substr(bullet.size());
    std::size_t digits = 0;
    while (digits < s.size() && digits < 4 && s[digits] >= '0' && s[digits] <= '9') ++digits;
    if (digits > 0 && s.substr(digits, 2) == ". ") return s.substr(digits + 2);
    return s;
}

// Joins wrapped Markdown lines: Chinese text joins directly, Latin words
// keep a space between them.
void join_line(std::string& paragraph, const std::string& line) {
    if (!paragraph.empty() && !line.empty()) {
        const unsigned char a = paragraph.back(), b = line.front();
        if (a < 0x80 && b < 0x80 && a != ' ') paragraph.push_back(' ');
    }
    paragraph += line;
}

// Builds the section list as lines arrive.
class ArticleBuilder {
public:
    explicit ArticleBuilder(std::string source) { article_.source = std::move(source); }

    void set_title(std::string title) {
        if (article_.title.empty()) article_.title = std::move(title);
    }
    void start_section(std::string title) {
        flush();
        sections_.push_back(Section{std::move(title), {}});
    }
    void add_line(const std::string& line) {
        const LineClass cls = classify_line(line);
        if (cls.kind == LineKind::Credit) return flush();
        if (cls.kind == LineKind::Caption) return start_section(cls.subject);
        join_line(pending_, line);
    }
    void end_paragraph() { flush(); }

    Article finish() {
        flush();
        for (auto& s : sections_) {
            if (s.title.empty()) s.title = article_.title;  // the lead section
            if (!s.paragraphs.empty()) article_.sections.push_back(std::move(s));
        }
        if (article_.sections.empty())
            throw InputError(article_.source + ": nothing to read (no text with letters, digits or Chinese characters)");
        if (article_.sections.size() > kMaxSections)
            throw InputError(article_.source + ": has " + std::to_string(article_.sections.size()) +
                             " sections; Briefing reads at most " + std::to_string(kMaxSections) +
                             " (split the article)");
        if (article_.title.empty()) article_.title = article_.sections.front().title;
        return std::move(article_);
    }

private:
    void flush() {
        std::string p = text::trim(pending_);
        pending_.clear();
        if (p.empty() || !has_speakable(p)) return;
        if (sections_.empty()) sections_.push_back(Section{"", {}});
        sections_.back().paragraphs.push_back(std::move(p));
    }

    Article article_;
    std::vector<Section> sections_;
    std::string pending_;
};

void parse_plain(const std::vector<std::string>& lines, ArticleBuilder& b) {
    bool have_title = false;
    for (const auto& raw : lines) {
        std::string line = text::trim(raw);
        if (line.empty()) continue;
        if (!have_title) {
            b.set_title(line);  // even "/" or "...": it names the output, it need not be spoken
            have_title = true;
            continue;
        }
        b.add_line(line);
        b.end_paragraph();
    }
}

void parse_markdown(const std::vector<std::string>& lines, ArticleBuilder& b) {
    bool in_fence = false;
    for (const auto& raw : lines) {
        std::string line = text::trim(raw);
        if (starts_with(line, "```") || starts_with(line, "~~~")) {
            in_fence = !in_fence;
            b.end_paragraph();
            continue;
        }
        if (in_fence || starts_with(line, "<!--")) continue;
        if (line.empty() || line == "---" || line == "***") {
            b.end_paragraph();
        } else if (starts_with(line, "# ")) {
            b.end_paragraph();
            b.set_title(text::trim(strip_inline(line.substr(2))));
        } else if (starts_with(line, "## ")) {
            b.start_section(text::trim(strip_inline(line.substr(3))));
        } else if (starts_with(line, "#")) {
            // Deeper headings are read as a paragraph of their own; a line of
            // only '#' says nothing.
            b.end_paragraph();
            const std::size_t text_at = line.find_first_not_of('#');
            if (text_at != std::string::npos) b.add_line(text::trim(strip_inline(line.substr(text_at))));
            b.end_paragraph();
        } else {
            b.add_line(text::trim(strip_inline(strip_block_prefix(line))));
        }
    }
}

}  // namespace

Article parse_article(std::string_view utf8, bool markdown, const std::string& source) {
    ArticleBuilder builder(source);
    const auto lines = split_lines(utf8);
    if (markdown)
        parse_markdown(lines, builder);
    else
        parse_plain(lines, builder);
    return builder.finish();
}

}  // namespace briefing
