#include "normalise/numbers.hpp"

#include <array>

namespace briefing::normalise_detail {
namespace {

constexpr std::array<const char*, 10> kDigit = {"零", "一", "二", "三", "四",
                                                "五", "六", "七", "八", "九"};

// Reads one group of up to four digits (value 1..9999) with 千百十 and inner 零.
std::string read_group(std::string_view g) {
    static const std::array<const char*, 4> place = {"", "十", "百", "千"};
    std::string out;
    bool gap = false;
    const std::size_t n = g.size();
    for (std::size_t i = 0; i < n; ++i) {
        const int d = g[i] - '0';
        const std::size_t p = n - 1 - i;
        if (d == 0) {
            if (!out.empty()) gap = true;
            continue;
        }
        if (gap) out += "零";
        gap = false;
        // 两千 is what readers say for a 2 in the thousands.
        out += (d == 2 && p == 3) ? "两" : kDigit[d];
        out += place[p];
    }
    return out;
}

std::string_view strip_zeros(std::string_view d) {
    std::size_t i = 0;
    while (i + 1 < d.size() && d[i] == '0') ++i;
    return d.substr(i);
}

}  // namespace

std::string read_digits(std::string_view digits, bool yao) {
    std::string out;
    for (char c : digits) {
        if (c < '0' || c > '9') continue;
        out += (yao && c == '1') ? "幺" : kDigit[c - '0'];
    }
    return out;
}

std::string read_cardinal(std::string_view digits) {
    digits = strip_zeros(digits);
    if (digits.empty() || digits == "0") return "零";
    if (digits.size() > 16) return read_digits(digits);
    static const std::array<const char*, 4> unit = {"", "万", "亿", "万亿"};
    // Split into groups of four from the right; the first may be shorter.
    const std::size_t groups = (digits.size() + 3) / 4;
    std::size_t first = digits.size() - (groups - 1) * 4;
    std::string out;
    bool gap = false;
    std::size_t pos = 0;
    for (std::size_t gi = 0; gi < groups; ++gi) {
        const std::size_t len = gi == 0 ? first : 4;
        std::string_view g = digits.substr(pos, len);
        pos += len;
        const std::size_t level = groups - 1 - gi;
        std::string_view v = strip_zeros(g);
        if (v == "0") {
            if (!out.empty()) gap = true;
            continue;
        }
        // A group below 1000 after a higher group needs 零: 一万零五百.
        if (!out.empty() && (gap || v.size() < 4)) out += "零";
        gap = false;
        if (v == "2" && level > 0)
            out += "两";
        else
            out += read_group(v);
        out += unit[level];
    }
    // 一十二 is said 十二 only at the very start of a number.
    static const std::string yi_shi = "一十";
    if (out.compare(0, yi_shi.size(), yi_shi) == 0) out.erase(0, std::string("一").size());
    return out;
}

std::string read_decimal(std::string_view int_digits, std::string_view frac_digits) {
    std::string out = read_cardinal(int_digits);
    if (frac_digits.empty()) return out;
    return out + "点" + read_digits(frac_digits);
}

std::string read_two_digit_clock(std::string_view digits) {
    if (digits.size() == 2 && digits[0] == '0' && digits[1] != '0')
        return "零" + read_digits(digits.substr(1));
    return read_cardinal(digits);
}

}  // namespace briefing::normalise_detail
