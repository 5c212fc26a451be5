// Reading numbers aloud in Mandarin: the arithmetic half of `normalise`.
//
// Every function takes ASCII digits as written ("1234", no sign, no commas)
// and returns Han characters in UTF-8. They never look at context; the rules
// in rules.hpp decide *which* reading applies ("2021年" is read digit by
// digit, "2021人" as a cardinal) and whether 2 becomes 两.
//
// All functions are pure and thread-safe. Input of any length is accepted:
// integers longer than 16 digits (past 万亿) are read digit by digit rather
// than inventing units, and nothing here overflows because no function
// converts to a machine integer.
#pragma once

#include <string>
#include <string_view>

namespace briefing::normalise_detail {

// One Han digit per ASCII digit: "2021" → "二零二一". With `yao`, 1 is read
// 幺, as in phone numbers and codes: "110" → "幺幺零". Non-digits are skipped.
std::string read_digits(std::string_view digits, bool yao = false);

// Cardinal reading with 万/亿 grouping and 零 for gaps:
//   "10" → 十, "105" → 一百零五, "1234567" → 一百二十三万四千五百六十七,
//   "100000001" → 一亿零一, "0" → 零, "007" → 七 (leading zeros ignored).
// Spoken 两 is used where a news reader uses it without context: a 2 in the
// 千 place ("2000" → 两千) and a group of exactly 2 before 万 or 亿
// ("20000" → 两万). A bare "2" stays 二; the caller decides 两 from the
// measure word that follows.
std::string read_cardinal(std::string_view digits);

// Integer part as read_cardinal, then 点 and the fraction digit by digit:
// ("3", "14") → 三点一四, ("0", "5") → 零点五. An empty fraction gives the
// cardinal alone.
std::string read_decimal(std::string_view int_digits, std::string_view frac_digits);

// Clock and score pieces: "05" → 零五 (a leading zero is spoken in minutes
// and seconds), "30" → 三十, "00" → 零.
std::string read_two_digit_clock(std::string_view digits);

}  // namespace briefing::normalise_detail
