// What the keys and values of the compiled tables mean (see table_file.hpp
// for the container format). Shared by the build-time compiler and the
// runtime so both agree byte for byte.
//
// lexicon.bin (built from terra_pinyin + jieba frequencies + overrides.tsv):
//   "W" + word    → f32 log-probability, u8 flags, u8 n, n bytes of jieba's
//                   part-of-speech tag (n ≤ 15, may be 0), then the pinyin of the word
//                   as space-separated syllables (one per character; empty
//                   when the word is known for segmentation only).
//                   flags: kWordIsWord (a real word) and/or kWordIsPrefix (a
//                   proper prefix of a longer word; lets segmentation stop
//                   early). A pure prefix has no usable log-probability.
//   "C" + char    → every reading of one Han character, space-separated, the
//                   mainland default first.
//   "#meta"       → free text describing the sources (for humans).
//
// polyphone.bin (built from the committed polyphone_model.tsv):
//   "G"                      → f32 weight of "class equals the lexicon word's
//                              reading", f32 weight of "class equals the
//                              character's default reading".
//   "A"                      → f32 weight of "class is the character's reading
//                              in some lexicon word overlapping it", f32 unused.
//   "K" + char               → classes the model knows for that character,
//                              space-separated.
//   "M" + char + "\t" + feat → repeated { u8 n, n bytes class, f32 weight }.
//
// Syllables are as sent to eSpeak NG: lower case, ü as v, tone digit 1-5.
#pragma once

#include <cstdint>

namespace briefing::pronounce {

constexpr std::uint8_t kWordIsWord = 1;
constexpr std::uint8_t kWordIsPrefix = 2;

}  // namespace briefing::pronounce
