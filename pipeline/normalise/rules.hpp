// The ordered rule list of `normalise`, most specific first.
//
// Each rule is a pure function (tables, text) → text that returns its input
// unchanged when nothing in it matches, and never returns "" for non-empty
// input. Rules work on UTF-8 bytes: ASCII digits and letters are single bytes
// that never occur inside a multi-byte sequence, so a rule can find them by
// byte scan and look at the neighbouring code points only where it matters.
// Every rule is linear in the length of its input (lookbacks are bounded), so
// a 50,000-character line costs no more per byte than a short one.
//
// A rule turns the ASCII digits it understands into Han characters; later
// rules look for ASCII digits only, so nothing is read twice. The order:
//
//   digit_strings  phone numbers, IDs, codes, "80后"  → digit by digit, 1 = 幺
//   latin_digits   digits glued to Latin: G20, MH370, COVID-19, No.1
//   dates          2021年, 2021-11-24, 2021/11/24, 2020—2025年 (years: 二零二一),
//                  seasons 2020/21, event dates 5·12 → 五一二
//   ranges         3-5, 10%~20%, 10:30-11:30: the dash becomes 到 (比 after
//                  a score word: 以3-2获胜)
//   times          10:30, 08:05:10; 3:2 after 比分 (and any non-clock a:b,
//                  1∶5000) → 比
//   ordinals       第2 → 第二 (never 两)
//   fractions      1/3 → 三分之一
//   percent        3.5% → 百分之三点五, -2% → 负百分之二, 5‰ → 千分之五
//   money          ¥100, $20, €3, US$5.2亿 → the currency word after the amount
//   units          km, kg, ℃, m², km/h after a number → Han unit words
//   numbers        every remaining number: sign, decimals, 两 before measure words
//   symbols        ×, ±, &, brackets, quotes, ·, ASCII punctuation (symbols.tsv)
//   latin          all-capital runs spelled with spaces: GDP → "G D P"
//   tidy           drops anything unspeakable left, folds spaces and repeated pauses
//
// Two steps come before the list and need more than tables, so they live in
// normalise.cpp: `fold_width` (controls dropped, NFKC) and OpenCC t2s.
//
// Thread rule: the rules keep no state; they may run on many threads at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "normalise/tables.hpp"

namespace briefing::normalise_detail {

using RuleFn = std::string (*)(const Tables&, const std::string&);

struct Rule {
    const char* name;
    RuleFn apply;
};

// The rules above, in order.
const std::vector<Rule>& ordered_rules();

// Drops control, format and private-use characters and invalid UTF-8 bytes,
// turns tabs and line breaks into spaces, folds compatibility forms (NFKC:
// full-width digits and letters → ASCII) except the characters in
// tables.keep, and maps digits of other scripts to ASCII digits.
std::string fold_width(const Tables& tables, std::string_view raw);

}  // namespace briefing::normalise_detail
