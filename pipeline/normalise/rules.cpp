#include "normalise/rules.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <optional>

#include "normalise/numbers.hpp"
#include "text/utf8.hpp"

namespace briefing::normalise_detail {
namespace {

// ---- byte-level scanning helpers -------------------------------------------

bool digit(char c) { return c >= '0' && c <= '9'; }
bool alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool digit_at(const std::string& s, std::size_t i) { return i < s.size() && digit(s[i]); }
bool alpha_at(const std::string& s, std::size_t i) { return i < s.size() && alpha(s[i]); }

std::size_t run_end(const std::string& s, std::size_t i) {
    while (digit_at(s, i)) ++i;
    return i;
}

bool has_digit(const std::string& s) { return s.find_first_of("0123456789") != std::string::npos; }

// True when `w` is written at byte i.
bool at(const std::string& s, std::size_t i, std::string_view w) {
    return i <= s.size() && s.size() - i >= w.size() && s.compare(i, w.size(), w) == 0;
}

// True when the text before byte i ends with `w`.
bool ends_at(const std::string& s, std::size_t i, std::string_view w) {
    return i >= w.size() && s.compare(i - w.size(), w.size(), w) == 0;
}

// Start of the code point that ends at byte i.
std::size_t prev_cp(const std::string& s, std::size_t i) {
    if (i == 0) return 0;
    --i;
    while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
    return i;
}

// A digit run starts "free" when it is not the tail of something already
// being read: another number ("3.14", "1,234") or a Latin code ("G20").
bool free_start(const std::string& s, std::size_t i) {
    if (i == 0) return true;
    const char c = s[i - 1];
    if (digit(c) || alpha(c)) return false;
    if ((c == '.' || c == ',') && i >= 2 && digit(s[i - 2])) return false;
    return true;
}

// Collects the output of a rule: unchanged spans are copied lazily, so a rule
// that matches nothing returns its input without building a new string.
class Rewriter {
public:
    explicit Rewriter(const std::string& s) : s_(s) {}
    std::size_t done() const { return done_; }
    // Replaces bytes [b, e). Spans must come in order and not overlap; a span
    // that would reach back into text already written is ignored.
    void replace(std::size_t b, std::size_t e, std::string_view with) {
        if (b < done_ || e < b || e > s_.size()) return;
        out_.append(s_, done_, b - done_);
        out_ += with;
        done_ = e;
        changed_ = true;
    }
    std::string finish() {
        if (!changed_) return s_;
        out_.append(s_, done_, std::string::npos);
        return std::move(out_);
    }

private:
    const std::string& s_;
    std::string out_;
    std::size_t done_ = 0;
    bool changed_ = false;
};

// ---- numbers as written ------------------------------------------------------

struct Num {
    std::size_t begin = 0, end = 0;  // byte span of the digits (no sign)
    std::string int_digits;          // commas removed
    std::string frac;                // digits after the point, "" for integers
};

// Parses the number whose first digit is at i: digits, optional thousands
// groups (",234" only after a first group of at most three digits), optional
// ".5" fraction.
Num parse_number(const std::string& s, std::size_t i, bool commas = true) {
    Num n;
    n.begin = i;
    std::size_t e = run_end(s, i);
    n.int_digits = s.substr(i, e - i);
    if (commas && e - i <= 3) {
        while (e < s.size() && s[e] == ',' && run_end(s, e + 1) == e + 4) {
            n.int_digits.append(s, e + 1, 3);
            e += 4;
        }
    }
    if (e + 1 < s.size() && s[e] == '.' && digit(s[e + 1])) {
        const std::size_t f = run_end(s, e + 1);
        n.frac = s.substr(e + 1, f - e - 1);
        e = f;
    }
    n.end = e;
    return n;
}

int small_value(const std::string& s, std::size_t b, std::size_t e) {
    int v = 0;
    for (std::size_t i = b; i < e && i < b + 6; ++i) v = v * 10 + (s[i] - '0');
    return v;
}

// Bytes of a sign ('-', '+', '−') written just before byte b, or 0 when the
// mark there joins two things (a range, a code) rather than signing a number.
std::size_t sign_before(const std::string& s, std::size_t b, char& sign) {
    std::size_t len = 0;
    if (b > 0 && (s[b - 1] == '-' || s[b - 1] == '+')) {
        len = 1;
        sign = s[b - 1];
    } else if (ends_at(s, b, "−")) {
        len = std::string_view("−").size();
        sign = '-';
    } else {
        return 0;
    }
    const std::size_t p = b - len;
    if (p > 0) {
        const char c = s[p - 1];
        if (digit(c) || alpha(c) || c == ')' || c == '%') return 0;
    }
    return len;
}

bool liang_word_at(const Tables& t, const std::string& s, std::size_t i) {
    for (const auto& w : t.liang)
        if (at(s, i, w)) return true;
    return false;
}

// Whether a 2 ending at byte i is said 两: the measure word after it (or
// after the far end of a range, "2到3个") takes 两.
// Where the measure word after a number ending at byte i begins: past the
// far end of a range ("2到3个", "-5到-3摄氏度") when there is one.
std::size_t past_range(const std::string& s, std::size_t i) {
    if (!at(s, i, "到") && !at(s, i, "至")) return i;
    std::size_t q = i + 3;
    if (q < s.size() && (s[q] == '-' || s[q] == '+')) ++q;
    return digit_at(s, q) ? parse_number(s, q).end : i;
}

bool liang_after(const Tables& t, const std::string& s, std::size_t i) {
    return liang_word_at(t, s, past_range(s, i));
}

std::string read_num(const Num& n) { return read_decimal(n.int_digits, n.frac); }

// Further ".3" groups after a number, as in versions (1.2.3 → 一点二点三):
// appends their reading to `out` and returns the new end.
std::size_t version_tail(const std::string& s, std::size_t end, std::string& out) {
    while (end + 1 < s.size() && s[end] == '.' && digit(s[end + 1])) {
        const std::size_t ve = run_end(s, end + 1);
        out += "点" + read_digits(s.substr(end + 1, ve - end - 1));
        end = ve;
    }
    return end;
}

// Any of the context words ends before byte i, allowing "为", "是", a colon or
// a space in between ("电话：12345", "编号为 9").
bool context_before(const std::vector<std::string>& words, const std::string& s, std::size_t i) {
    for (int skip = 0; skip < 3 && i > 0; ++skip) {
        for (const auto& w : words)
            if (ends_at(s, i, w)) return true;
        if (s[i - 1] == ' ' || s[i - 1] == ':')
            --i;
        else if (ends_at(s, i, "：") || ends_at(s, i, "为") || ends_at(s, i, "是"))
            i -= 3;
        else
            break;
    }
    return false;
}

// Any of the words written at byte i, after at most one space.
bool context_after(const std::vector<std::string>& words, const std::string& s, std::size_t i) {
    if (i < s.size() && s[i] == ' ') ++i;
    for (const auto& w : words)
        if (at(s, i, w)) return true;
    return false;
}

// Any of the words within `cps` code points before byte i.
bool context_within(const std::vector<std::string>& words, const std::string& s, std::size_t i,
                    int cps) {
    std::size_t p = i;
    for (int k = 0; k <= cps && p > 0; ++k) {
        for (const auto& w : words)
            if (ends_at(s, p, w)) return true;
        p = prev_cp(s, p);
    }
    return false;
}

// Bytes of the range marks at i: - ~ 〜 — – (one or more), else 0.
std::size_t range_mark(const std::string& s, std::size_t i) {
    std::size_t q = i;
    for (;;) {
        if (q < s.size() && (s[q] == '-' || s[q] == '~'))
            ++q;
        else if (at(s, q, "—") || at(s, q, "–") || at(s, q, "〜"))
            q += 3;
        else
            break;
    }
    return q - i;
}

// ---- the rules -----------------------------------------------------------------

// Phone numbers, IDs and codes are read digit by digit with 1 as 幺.
std::string digit_strings(const Tables& t, const std::string& s) {
    if (!has_digit(s)) return s;
    Rewriter r(s);
    for (std::size_t i = 0; i < s.size();) {
        if (!digit(s[i])) {
            ++i;
            continue;
        }
        const std::size_t e = run_end(s, i);
        const std::size_t len = e - i;
        if (!free_start(s, i)) {
            i = e;
            continue;
        }
        // Grouped phone numbers: 010-12345678, 0755 1234 5678, 400-810-8888,
        // 138 1234 5678, +86 10 12345678 (the + is said 加).
        const bool area = s[i] == '0' && (len == 3 || len == 4);
        const bool service = len == 3 && (at(s, i, "400") || at(s, i, "800"));
        const bool mobile3 = len == 3 && s[i] == '1' && s[i + 1] >= '3';
        const bool intl = len <= 3 && i > 0 && s[i - 1] == '+' && i - 1 >= r.done() &&
                          (i == 1 || !digit(s[i - 2])) && e < s.size() && (s[e] == ' ' || s[e] == '-');
        if (area || service || mobile3 || intl) {
            std::size_t ge = e, total = len;
            int groups = 1;
            while (ge + 1 < s.size() && (s[ge] == '-' || s[ge] == ' ') && digit(s[ge + 1])) {
                const std::size_t ne = run_end(s, ge + 1);
                total += ne - ge - 1;
                ge = ne;
                ++groups;
            }
            if (groups >= 2 && total >= (mobile3 ? 11 : intl ? 9 : 7)) {
                if (intl)
                    r.replace(i - 1, ge, "加" + read_digits(s.substr(i, ge - i), true));
                else
                    r.replace(i, ge, read_digits(s.substr(i, ge - i), true));
                i = ge;
                continue;
            }
        }
        const bool decimal = e + 1 < s.size() && s[e] == '.' && digit(s[e + 1]);
        const bool mobile = len == 11 && s[i] == '1' && s[i + 1] >= '3';
        const bool code = mobile || len >= 12 || (len >= 3 && s[i] == '0' && !decimal) ||
                          (len >= 3 && !decimal && context_before(t.code_context, s, i)) ||
                          (len >= 3 && !decimal && context_after(t.code_after, s, e));
        if (code) {
            r.replace(i, e, read_digits(s.substr(i, len), true));
        } else if (len == 2 && s[i + 1] == '0' && at(s, e, "后")) {
            r.replace(i, e, read_digits(s.substr(i, len)));  // 80后 → 八零后
        }
        i = e;
    }
    return r.finish();
}

// Whether the Latin run ending at byte i follows a number ("5km-10km"): then
// a dash after it is a range, not part of a code like "COVID-19".
bool unit_after_number(const std::string& s, std::size_t i) {
    while (i > 0 && alpha(s[i - 1])) --i;
    if (i > 1 && s[i - 1] == ' ') --i;  // "5 km-10 km"
    return i > 0 && digit(s[i - 1]);
}

// Digits glued to Latin letters name a model or code: G20 → G二十,
// MH370 → MH三七零, COVID-19 → "COVID 十九". "No.1" is an ordinal: 第一.
std::string latin_digits(const Tables&, const std::string& s) {
    if (!has_digit(s)) return s;
    Rewriter r(s);
    for (std::size_t i = 1; i < s.size(); ++i) {
        if (!digit(s[i]) || digit(s[i - 1])) continue;
        std::size_t b = i;
        std::string lead;
        std::size_t k = i;
        if (s[k - 1] == ' ' && k >= 2) --k;
        if (s[k - 1] == '.' && k >= 2) --k;
        // "NO2" is nitrogen dioxide, so capital NO needs its dot: "NO.2".
        const bool dotted = k < i && s[k] == '.';
        if (k >= 2 && (ends_at(s, k, "No") || (dotted && ends_at(s, k, "NO"))) &&
            !(k >= 3 && alpha(s[k - 3])) &&
            k - 2 >= r.done()) {
            const Num n = parse_number(s, i);
            r.replace(k - 2, n.end, "第" + read_num(n));
            i = n.end;
            continue;
        }
        if (alpha(s[i - 1])) {
        } else if (s[i - 1] == '-' && i >= 2 && alpha(s[i - 2]) && !unit_after_number(s, i - 1)) {
            b = i - 1;
            lead = " ";
        } else {
            continue;
        }
        const Num n = parse_number(s, i, false);
        const bool short_number = n.int_digits.size() <= 2 || !n.frac.empty();
        std::string out = lead + (short_number ? read_num(n) : read_digits(n.int_digits, true));
        const std::size_t end = version_tail(s, n.end, out);
        r.replace(b, end, out);
        i = end;
    }
    return r.finish();
}

bool year_value(int v) { return v >= 1100 && v <= 2199; }

// A four-digit year starting at byte i, followed by `tail`.
bool year_at(const std::string& s, std::size_t i, std::string_view tail) {
    return digit_at(s, i) && run_end(s, i) == i + 4 && year_value(small_value(s, i, i + 4)) &&
           at(s, i + 4, tail);
}

// A span of the text and what to say for it.
struct Match {
    std::size_t begin = 0, end = 0;
    std::string spoken;
};

// Each date matcher looks at the digit run [i, e) and the text around it.

// Events named by month·day are read digit by digit: 5·12 → 五一二.
std::optional<Match> event_date(const std::string& s, std::size_t i, std::size_t e) {
    std::size_t dot = 0;
    for (std::string_view d : {"·", "•", "・"})
        if (at(s, e, d)) dot = d.size();
    if (!dot || e - i > 2 || !digit_at(s, e + dot)) return std::nullopt;
    const std::size_t de = run_end(s, e + dot);
    const int m = small_value(s, i, e), d = small_value(s, e + dot, de);
    if (de - e - dot > 2 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    return Match{i, de, read_digits(s.substr(i, e - i)) + read_digits(s.substr(e + dot, de - e - dot))};
}

// Short years: 02年 → 零二年, '98年 → 九八年 (the apostrophe is not said).
std::optional<Match> short_year(const std::string& s, std::size_t i, std::size_t e) {
    const std::size_t quote = i > 0 && s[i - 1] == '\'' ? 1 : ends_at(s, i, "’") ? 3 : 0;
    if (e - i != 2 || !at(s, e, "年") || (s[i] != '0' && quote == 0)) return std::nullopt;
    return Match{i - quote, e, read_digits(s.substr(i, 2))};
}

// Seasons: 2020/21 or 2020-21 → 二零二零到二零二一.
std::optional<Match> season(const std::string& s, std::size_t i, std::size_t e) {
    if (e - i != 4 || e >= s.size() || (s[e] != '/' && s[e] != '-') || run_end(s, e + 1) != e + 3)
        return std::nullopt;
    const int y = small_value(s, i, e);
    if (!year_value(y) || small_value(s, e + 1, e + 3) != (y + 1) % 100) return std::nullopt;
    return Match{i, e + 3, read_digits(s.substr(i, 4)) + "到" + read_digits(std::to_string(y + 1))};
}

// Year-month-day in figures with one separator throughout: 2021-11-24,
// 2021/11/24, 2021.11.24 → 二零二一年十一月二十四日.
std::optional<Match> full_date(const std::string& s, std::size_t i, std::size_t e) {
    if (e - i != 4 || e >= s.size() || (s[e] != '-' && s[e] != '/' && s[e] != '.') || !digit_at(s, e + 1))
        return std::nullopt;
    const char sep = s[e];
    const std::size_t me = run_end(s, e + 1);
    const std::size_t de = me < s.size() && s[me] == sep ? run_end(s, me + 1) : me;
    const int m = small_value(s, e + 1, me), d = small_value(s, me + 1, de);
    const bool shape = me - e - 1 <= 2 && de > me + 1 && de - me - 1 <= 2 &&
                       !(de < s.size() && (s[de] == sep || s[de] == '.') && digit_at(s, de + 1));
    if (!shape || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
    return Match{i, de,
                 read_digits(s.substr(i, 4)) + "年" + read_cardinal(s.substr(e + 1, me - e - 1)) + "月" +
                     read_cardinal(s.substr(me + 1, de - me - 1)) + "日"};
}

// A year before 年 (2021年 → 二零二一年), and year ranges written
// 2020—2025年 or 2020年—2025年.
std::optional<Match> year(const std::string& s, std::size_t i, std::size_t e) {
    if (e - i != 4 || !year_value(small_value(s, i, e))) return std::nullopt;
    const std::string y1 = read_digits(s.substr(i, 4));
    const bool nian = at(s, e, "年");
    const std::size_t after = nian ? e + 3 : e;
    const std::size_t mark = range_mark(s, after);
    if (mark > 0 && year_at(s, after + mark, "年")) {
        const std::size_t y2 = after + mark;
        return Match{i, y2 + 4, y1 + (nian ? "年到" : "到") + read_digits(s.substr(y2, 4))};
    }
    if (nian) return Match{i, e, y1};
    return std::nullopt;
}

// Years are read digit by digit, full dates in figures become 年月日, and
// year ranges, seasons and month·day events are recognised (see the
// matchers above). Month and day numbers before 月/日 are left to the number
// rule (2月 → 二月).
std::string dates(const Tables&, const std::string& s) {
    if (!has_digit(s)) return s;
    Rewriter r(s);
    for (std::size_t i = 0; i < s.size();) {
        if (!digit(s[i])) {
            ++i;
            continue;
        }
        const std::size_t e = run_end(s, i);
        std::optional<Match> m;
        if (free_start(s, i)) {
            for (auto matcher : {event_date, short_year, season, full_date, year})
                if ((m = matcher(s, i, e))) break;
        }
        if (m && m->begin >= r.done()) {
            r.replace(m->begin, m->end, m->spoken);
            i = m->end;
        } else {
            i = e;
        }
    }
    return r.finish();
}

std::size_t colon_at(const std::string& s, std::size_t i) {
    if (i < s.size() && s[i] == ':') return 1;
    return at(s, i, "：") || at(s, i, "∶") ? 3 : 0;  // ∶ is the ratio colon (1∶5000)
}

// Clock times (10:30 → 十点三十分, 2:05 → 两点零五分, 10:00 → 十点) and,
// when the context says score or the figures cannot be a time, a:b → a比b.
std::string times(const Tables& t, const std::string& s) {
    if (!has_digit(s)) return s;
    Rewriter r(s);
    for (std::size_t i = 0; i < s.size();) {
        if (!digit(s[i])) {
            ++i;
            continue;
        }
        const std::size_t e = run_end(s, i);
        const std::size_t c1 = colon_at(s, e);
        if (!free_start(s, i) || c1 == 0 || !digit_at(s, e + c1) || (i > 0 && colon_at(s, i - 1))) {
            i = e;
            continue;
        }
        const std::size_t m = e + c1, me = run_end(s, m);
        if (me < s.size() && s[me] == '.' && digit_at(s, me + 1)) {
            i = me;
            continue;
        }
        const std::size_t c2 = colon_at(s, me);
        const bool secs = c2 > 0 && run_end(s, me + c2) == me + c2 + 2;
        const std::size_t end = secs ? me + c2 + 2 : me;
        const int h = small_value(s, i, e), mi = small_value(s, m, me);
        const bool score = context_within(t.score_context, s, i, 10) ||
                           context_before(t.score_adjacent, s, i);
        const bool clock = !score && e - i <= 2 && me - m == 2 && h <= 24 && mi <= 59 &&
                           (!secs || small_value(s, me + c2, end) <= 59);
        if (clock) {
            std::string out = (h == 2 ? std::string("两") : read_cardinal(s.substr(i, e - i))) + "点";
            if (mi != 0 || secs) out += read_two_digit_clock(s.substr(m, 2)) + "分";
            if (secs) out += read_two_digit_clock(s.substr(me + c2, 2)) + "秒";
            r.replace(i, end, out);
            i = end;
        } else {
            r.replace(i, me, read_cardinal(s.substr(i, e - i)) + "比" + read_cardinal(s.substr(m, me - m)));
            i = me;
        }
    }
    return r.finish();
}

// 第 + number is an ordinal and keeps 二: 第2名 → 第二名. The numero sign
// (kept from NFKC by keep.txt) reads the same way: №5 → 第五.
std::string ordinals(const Tables&, const std::string& s) {
    if (!has_digit(s)) return s;
    Rewriter r(s);
    for (std::size_t p = 0; p < s.size(); ++p) {
        const bool di = at(s, p, "第"), numero = at(s, p, "№");
        if (!di && !numero) continue;
        std::size_t i = p + 3;
        if (i < s.size() && s[i] == ' ') ++i;
        if (!digit_at(s, i)) continue;
        const Num n = parse_number(s, i);
        r.replace(di ? p + 3 : p, n.end, (di ? "" : "第") + read_num(n));
        p = n.end - 1;
    }
    return r.finish();
}

// A dash or tilde between two numbers is a range: 3-5天 → 3到5天. The left
// side may end in a unit-like character (10%~20%, 3万-5万, 5月-8月). After a
// score word it is a score instead: 以3-2获胜 → 以3比2获胜.
std::string ranges(const Tables& t, const std::string& s) {
    if (!has_digit(s)) return s;
    Rewriter r(s);
    for (std::size_t p = 1; p < s.size(); ++p) {
        const std::size_t mark = range_mark(s, p);
        if (mark == 0) continue;
        std::size_t left = p;
        for (std::string_view suffix : {"%", "‰", "万", "亿", "千", "月", "日", "号", "点", "时", "天"})
            if (ends_at(s, left, suffix)) {
                left -= suffix.size();
                break;
            }
        if (left == p)  // 12℃~18℃, 5km-10km
            for (const auto& u : t.units)
                if (ends_at(s, left, u.first)) {
                    left -= u.first.size();
                    if (left > 1 && s[left - 1] == ' ') --left;  // "5 km-10 km"
                    break;
                }
        // In "-5~-3" the last '-' signs the second number.
        std::size_t join = mark;
        if (mark > 1 && s[p + mark - 1] == '-' && s[p] != '-') --join;
        if (left > 0 && digit(s[left - 1]) && digit_at(s, p + mark)) {
            std::size_t b = left;
            while (b > 0 && digit(s[b - 1])) --b;
            // Ranges go up; "3-2" going down between bare integers is a score.
            const std::size_t re = run_end(s, p + mark);
            const bool plain = left == p && mark == 1 && !(b > 0 && (s[b - 1] == '-' || s[b - 1] == '.')) &&
                               !(re < s.size() && (s[re] == '.' || s[re] == '%' || s[re] == ',')) &&
                               p - b <= 3 && re - p - 1 <= 3;
            const bool down = plain && (p - b > re - p - 1 ||
                                        (p - b == re - p - 1 && s.compare(b, p - b, s, p + 1, re - p - 1) > 0));
            const bool score = left == p && mark == 1 &&
                               (down || context_within(t.score_context, s, b, 10) ||
                                context_before(t.score_adjacent, s, b));
            r.replace(p, p + join, score ? "比" : "到");
        }
        p += mark - 1;
    }
    return r.finish();
}

// a/b → b分之a, and 2又1/2 → 二又二分之一 (whole part read by the number rule).
std::string fractions(const Tables&, const std::string& s) {
    if (!has_digit(s)) return s;
    Rewriter r(s);
    for (std::size_t i = 0; i < s.size();) {
        if (!digit(s[i])) {
            ++i;
            continue;
        }
        const std::size_t e = run_end(s, i);
        std::size_t slash = 0;
        if (e < s.size() && s[e] == '/') slash = 1;
        if (at(s, e, "⁄")) slash = 3;
        const bool left_ok = free_start(s, i) && !(i > 0 && s[i - 1] == '/');
        if (!left_ok || slash == 0 || !digit_at(s, e + slash)) {
            i = e;
            continue;
        }
        const std::size_t b = e + slash, be = run_end(s, b);
        // A fraction in news is proper or small (2/3, 5/2); "2020/21" is not one.
        const std::size_t num_len = e - i, den_len = be - b;
        const bool sized = num_len < den_len || (num_len == den_len && s.compare(i, num_len, s, b, den_len) <= 0) ||
                           num_len <= 2;
        const bool right_ok = sized &&
                              !(be < s.size() && (s[be] == '/' || s[be] == '.' || s[be] == ',') &&
                                digit_at(s, be + 1)) &&
                              s.find_first_not_of('0', b) < be;
        if (right_ok)
            r.replace(i, be, read_cardinal(s.substr(b, be - b)) + "分之" + read_cardinal(s.substr(i, e - i)));
        i = be;
    }
    return r.finish();
}

// Start of the number token that ends at byte p, or npos.
std::size_t number_ending_at(const std::string& s, std::size_t p, std::size_t floor) {
    if (p == 0 || !digit(s[p - 1])) return std::string::npos;
    std::size_t k = p;
    while (k > floor && (digit(s[k - 1]) || s[k - 1] == '.' || s[k - 1] == ',')) --k;
    while (k < p && !digit(s[k])) ++k;
    while (k < p && parse_number(s, k).end != p) k = run_end(s, k) + 1;  // "1.2.3%" etc.
    if (k >= p || !free_start(s, k)) return std::string::npos;
    return k;
}

// 3.5% → 百分之三点五; a sign goes before: -2% → 负百分之二. A range whose
// second figure carries the % is read once: 3到5% → 百分之三到五.
std::string percent(const Tables&, const std::string& s) {
    if (!has_digit(s)) return s;
    Rewriter r(s);
    for (std::size_t p = 0; p < s.size(); ++p) {
        std::size_t len = 0;
        const char* word = nullptr;
        if (s[p] == '%') {
            len = 1;
            word = "百分之";
        } else if (at(s, p, "‰")) {
            len = 3;
            word = "千分之";
        } else if (at(s, p, "‱")) {
            len = 3;
            word = "万分之";
        } else {
            continue;
        }
        std::size_t k = number_ending_at(s, p, r.done());
        if (k == std::string::npos && p > 1 && s[p - 1] == ' ') k = number_ending_at(s, p - 1, r.done());
        if (k == std::string::npos) continue;
        const Num n = parse_number(s, k);
        char sign = 0;
        const std::size_t sl = k >= r.done() + 1 ? sign_before(s, k, sign) : 0;
        std::string out = word + read_num(n);
        std::size_t from = k - sl;
        if (sl) out = (sign == '-' ? "负" : "正") + out;
        if (!sl && ends_at(s, k, "到")) {
            const std::size_t lk = number_ending_at(s, k - 3, r.done());
            if (lk != std::string::npos) {
                out = word + read_num(parse_number(s, lk)) + "到" + read_num(n);
                from = lk;
            }
        }
        r.replace(from, p + len, out);
        p += len - 1;
    }
    return r.finish();
}

// ¥100 → 一百元, US$5.2亿 → 五点二亿美元: the sign's word follows the amount
// and any 万/亿 written after it.
std::string money(const Tables& t, const std::string& s) {
    if (!has_digit(s)) return s;
    Rewriter r(s);
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (!digit(s[i]) || !free_start(s, i)) continue;
        const std::size_t k = (i > 0 && s[i - 1] == ' ') ? i - 1 : i;
        const Entry* hit = nullptr;
        for (const auto& c : t.currency)
            if (ends_at(s, k, c.first) && k - c.first.size() >= r.done() &&
                !(alpha(c.first[0]) && k > c.first.size() && alpha(s[k - c.first.size() - 1]))) {
                hit = &c;
                break;
            }
        if (!hit) {
            i = run_end(s, i) - 1;
            continue;
        }
        const Num n = parse_number(s, i);
        std::size_t m = n.end;
        while (at(s, m, "万") || at(s, m, "亿") || at(s, m, "千") || at(s, m, "百")) m += 3;
        const std::string tail = s.substr(n.end, m - n.end) + hit->second;
        const bool two = n.int_digits == "2" && n.frac.empty() && liang_word_at(t, tail, 0);
        r.replace(k - hit->first.size(), m, (two ? std::string("两") : read_num(n)) + tail);
        i = m - 1;
    }
    return r.finish();
}

// Unit symbols after a number become words; the number itself is left for the
// number rule, which then sees a Han measure word (2公斤 → 两公斤).
std::string units(const Tables& t, const std::string& s) {
    if (!has_digit(s)) return s;
    Rewriter r(s);
    for (std::size_t i = 0; i < s.size();) {
        if (!digit(s[i])) {
            ++i;
            continue;
        }
        const Num n = parse_number(s, i);
        i = n.end;
        if (n.begin > 0 && alpha(s[n.begin - 1])) continue;
        const std::size_t q = (n.end < s.size() && s[n.end] == ' ') ? n.end + 1 : n.end;
        for (const auto& u : t.units) {
            const std::size_t ue = q + u.first.size();
            if (at(s, q, u.first) && !alpha_at(s, ue) && !(alpha(u.first.back()) && digit_at(s, ue))) {
                r.replace(n.end, ue, u.second);
                i = ue;
                break;
            }
        }
    }
    return r.finish();
}

// Every number left: cardinals, decimals, signs, and 两 before a measure word
// that takes it (2个 → 两个, 12个 → 十二个). A minus before a temperature is
// 零下.
std::string numbers(const Tables& t, const std::string& s) {
    if (!has_digit(s)) return s;
    Rewriter r(s);
    for (std::size_t i = 0; i < s.size();) {
        if (!digit(s[i])) {
            ++i;
            continue;
        }
        const Num n = parse_number(s, i);
        char sign = 0;
        const std::size_t sl = i >= r.done() + 1 ? sign_before(s, i, sign) : 0;
        // After 第 or 初 it is an ordinal; after 时 or 点 it is a clock minute
        // (9时2分 → 九时二分): both keep 二.
        const bool ordinal = ends_at(s, i - sl, "第") || ends_at(s, i - sl, "初") ||
                             ends_at(s, i - sl, "时") || ends_at(s, i - sl, "点");
        const bool two = n.int_digits == "2" && n.frac.empty() && !ordinal && liang_after(t, s, n.end);
        std::string out = two ? "两" : read_num(n);
        // Hundredths after seconds are read digit by digit: 9秒83 → 九秒八三.
        if (ends_at(s, i, "秒") && !sl && n.int_digits.size() == 2 && n.frac.empty() &&
            !(i >= 6 && ends_at(s, i - 3, "分")))
            out = read_digits(n.int_digits);
        const std::size_t end = version_tail(s, n.end, out);
        if (sl) {
            const std::size_t u = past_range(s, end);
            const bool temp = at(s, u, "摄氏度") || at(s, u, "华氏度") || at(s, u, "度");
            out = (sign == '+' ? "正" : temp ? "零下" : "负") + out;
        }
        r.replace(i - sl, end, out);
        i = end;
    }
    return r.finish();
}

// Symbols become what a reader says, a pause, or nothing (symbols.tsv).
// A '.' inside Latin ("U.S.") is dropped, an apostrophe there ("don't") kept.
std::string symbols(const Tables& t, const std::string& s) {
    std::string out;
    out.reserve(s.size());
    const auto* b = reinterpret_cast<const uint8_t*>(s.data());
    const int32_t n = static_cast<int32_t>(s.size());
    int32_t i = 0;
    while (i < n) {
        const int32_t start = i;
        UChar32 c = 0;
        U8_NEXT(b, i, n, c);
        if (c < 0x80 && (alpha(static_cast<char>(c)) || digit(static_cast<char>(c)) || c == ' ')) {
            out.push_back(static_cast<char>(c));
            continue;
        }
        if (c >= 0x3400 && text::is_han(static_cast<char32_t>(c))) {
            out.append(s, start, i - start);
            continue;
        }
        // "U.S." and "Mr. Smith": a dot inside Latin is an abbreviation mark.
        const bool in_latin = start > 0 && alpha(s[start - 1]) &&
                              (alpha_at(s, i) || (c == '.' && at(s, i, " ") && alpha_at(s, i + 1)));
        if (c == '.' && in_latin) continue;
        if (c == '\'' && in_latin) {
            out.push_back('\'');
            continue;
        }
        if (c == '.' && at(s, i, "..")) {
            out += "…";
            while (i < n && s[i] == '.') ++i;
            continue;
        }
        const auto it = t.symbols.find(static_cast<char32_t>(c));
        if (it != t.symbols.end())
            out += it->second;
        else
            out.append(s, start, i - start);
    }
    return out == s ? s : out;
}

// All-capital Latin runs are spelled letter by letter, "GDP" → "G D P",
// unless latin_words.txt lists them as said words. Other Latin stays as is
// for the pronounce stage to voice in English.
std::string latin(const Tables& t, const std::string& s) {
    Rewriter r(s);
    for (std::size_t i = 0; i < s.size();) {
        if (!alpha(s[i])) {
            ++i;
            continue;
        }
        std::size_t e = i;
        bool upper = true;
        while (alpha_at(s, e)) upper = upper && s[e] <= 'Z', ++e;
        if (upper && e - i >= 2 && !t.latin_words.count(s.substr(i, e - i))) {
            std::string spelled;
            for (std::size_t k = i; k < e; ++k) {
                if (k > i) spelled += ' ';
                spelled += s[k];
            }
            r.replace(i, e, spelled);
        }
        i = e;
    }
    return r.finish();
}

enum class Kind { Han, Latin, Pause, Other };

int pause_strength(char32_t c) {
    switch (c) {
        case U'。': case U'！': case U'？': return 3;
        case U'；': case U'：': case U'…': return 2;
        case U'，': case U'、': return 1;
        default: return 0;
    }
}

// Last pass: keeps letters (Han, Latin, other scripts) and pause marks, drops
// any other symbol, folds runs of spaces and of pause marks (the strongest
// wins), drops pauses at the start and spaces next to pauses or between Han.
// ASCII digits never reach here, but if one did it would be read digit by
// digit rather than passed through.
std::string tidy(const Tables&, const std::string& s) {
    std::string out;
    out.reserve(s.size());
    Kind last = Kind::Other;
    std::size_t last_pause_at = std::string::npos;
    int last_strength = 0;
    bool space = false;
    const auto* b = reinterpret_cast<const uint8_t*>(s.data());
    const int32_t n = static_cast<int32_t>(s.size());
    int32_t i = 0;
    while (i < n) {
        const int32_t start = i;
        UChar32 c = 0;
        U8_NEXT(b, i, n, c);
        if (c < 0) continue;
        const char32_t cp = static_cast<char32_t>(c);
        if (text::is_space(cp)) {
            space = true;
            continue;
        }
        const int strength = pause_strength(cp);
        if (strength > 0) {
            space = false;
            if (out.empty()) continue;
            if (last == Kind::Pause) {
                if (strength > last_strength) {
                    out.erase(last_pause_at);
                    last_pause_at = out.size();
                    out.append(s, start, i - start);
                    last_strength = strength;
                }
                continue;
            }
            last_pause_at = out.size();
            out.append(s, start, i - start);
            last = Kind::Pause;
            last_strength = strength;
            continue;
        }
        std::string piece;
        Kind kind;
        if (text::is_han(cp)) {
            kind = Kind::Han;
            piece.assign(s, start, i - start);
        } else if (c < 0x80 && digit(static_cast<char>(c))) {
            kind = Kind::Han;
            piece = read_digits(std::string(1, static_cast<char>(c)));
        } else if (c == '\'' || u_isalpha(c) ||
                   (!space && last != Kind::Other && last != Kind::Pause &&
                    (U_GET_GC_MASK(c) & (U_GC_MN_MASK | U_GC_MC_MASK)))) {  // combining marks
            kind = Kind::Latin;
            piece.assign(s, start, i - start);
        } else {
            continue;  // an unknown symbol: dropped, never passed through raw
        }
        if (space && !out.empty() && last != Kind::Pause && !(last == Kind::Han && kind == Kind::Han))
            out += ' ';
        space = false;
        out += piece;
        last = kind;
    }
    // A comma-like pause at the very end means nothing: "（记者 张三）".
    if (last == Kind::Pause && last_strength == 1) out.erase(last_pause_at);
    return out;
}

}  // namespace

const std::vector<Rule>& ordered_rules() {
    static const std::vector<Rule> rules = {
        {"digit_strings", digit_strings}, {"latin_digits", latin_digits}, {"dates", dates},
        {"ranges", ranges},               {"times", times},               {"ordinals", ordinals},
        {"fractions", fractions},         {"percent", percent},           {"money", money},
        {"units", units},                 {"numbers", numbers},           {"symbols", symbols},
        {"latin", latin},                 {"tidy", tidy},
    };
    return rules;
}

std::string fold_width(const Tables& t, std::string_view raw) {
    // Protected characters travel through NFKC as private-use code points,
    // which NFKC leaves alone; real private-use input is dropped first.
    std::string pre;
    pre.reserve(raw.size());
    const auto* b = reinterpret_cast<const uint8_t*>(raw.data());
    const int32_t n = static_cast<int32_t>(std::min<std::size_t>(raw.size(), INT32_MAX));
    bool ascii = true;
    int32_t i = 0;
    while (i < n) {
        UChar32 c = 0;
        U8_NEXT(b, i, n, c);
        if (c < 0) continue;  // invalid byte sequence: dropped
        char32_t cp = static_cast<char32_t>(c);
        if (cp == '\t' || cp == '\n' || cp == '\r') cp = ' ';
        if (text::is_unspeakable(cp)) continue;
        const std::size_t k = t.keep.find(cp);
        if (k != std::u32string::npos) cp = 0xE000 + static_cast<char32_t>(k);
        if (cp >= 0x80) ascii = false;
        text::append(pre, cp);
    }
    if (ascii) return pre;
    const std::string folded = text::nfkc(pre);
    std::string out;
    out.reserve(folded.size());
    const auto* fb = reinterpret_cast<const uint8_t*>(folded.data());
    const int32_t fn = static_cast<int32_t>(folded.size());
    i = 0;
    while (i < fn) {
        UChar32 c = 0;
        U8_NEXT(fb, i, fn, c);
        if (c < 0) continue;
        char32_t cp = static_cast<char32_t>(c);
        if (cp >= 0xE000 && cp < 0xE000 + t.keep.size()) {
            cp = t.keep[cp - 0xE000];
        } else if (cp >= 0x80 && u_isdigit(c)) {
            cp = U'0' + static_cast<char32_t>(u_charDigitValue(c));  // Arabic-Indic etc.
        } else if (text::is_unspeakable(cp)) {
            continue;
        }
        text::append(out, cp);
    }
    return out;
}

}  // namespace briefing::normalise_detail
