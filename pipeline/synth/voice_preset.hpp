// Voice presets: how Briefing should sound, loaded from voices/*.toml.
//
// A preset file looks like:
//
//   name = "default"                 # optional; defaults to the file stem
//   description = "…"
//   [espeak]
//   voice = "cmn-latn-pinyin"        # eSpeak NG voice for Mandarin (pinyin input)
//   english_voice = "en"             # voice for English words
//   variant = ""                     # eSpeak NG variant, e.g. "f2" (appended as "+f2")
//   rate = 175                       # syllables (eSpeak "words") per minute, 80..450
//   pitch = 50                       # 0..99
//   range = 50                       # pitch range, 0..99
//   volume = 100                     # 0..200
//   [pauses]                         # milliseconds of silence, 0..10000
//   sentence = 300                   # after each sentence
//   paragraph = 600                  # after the last sentence of a paragraph (instead of `sentence`)
//   section_start = 300              # before the first sentence of a section
//   section_end = 800                # after the last sentence of a section
//   [output]
//   sample_rate = 0                  # 0 = eSpeak NG's own rate; else 8000..96000 (resampled)
//   loudness_lufs = -16              # integrated loudness target (EBU R128), -40..-5
//   true_peak_dbtp = -1              # true-peak ceiling, -10..0
//   formats = ""                     # extra formats beside WAV, comma-separated: flac, ogg, opus, mp3
//
// Every key is optional; missing keys keep the defaults above. Unknown keys
// are an error (a typo must not be silently ignored). Errors name the file,
// the key and the allowed range.
//
// Presets are found by name in the voices directory (data_dir()/voices, a
// copy of the repository's voices/), or loaded from a path to a .toml file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace briefing {

struct VoicePreset {
    std::string name = "default";
    std::string description;
    std::string source;  // the file it came from ("" for built-in defaults)

    std::string espeak_voice = "cmn-latn-pinyin";
    std::string english_voice = "en";
    std::string variant;
    int rate = 175;
    int pitch = 50;
    int range = 50;
    int volume = 100;

    int pause_sentence_ms = 300;
    int pause_paragraph_ms = 600;
    int pause_section_start_ms = 300;
    int pause_section_end_ms = 800;

    int output_sample_rate = 0;
    int loudness_lufs = -16;
    int true_peak_dbtp = -1;
    std::string output_formats;

    // Throws VoiceError naming `source`, the key and the allowed range.
    void validate() const;

    // A canonical one-line description of every value (used in logs and as
    // part of cache keys: two presets with equal values give equal strings).
    std::string to_string() const;
};

// Parses a preset file. Throws VoiceError (unreadable, malformed TOML with its
// line, unknown key, wrong type, out of range).
VoicePreset load_voice_file(const std::filesystem::path& file);

// `name_or_path`: a preset name found in `voices_dir`, or a path to a .toml
// file (anything containing '/' or ending in ".toml"). Throws VoiceError
// listing the available names when a name is unknown.
VoicePreset load_voice(const std::string& name_or_path, const std::filesystem::path& voices_dir);

// The presets in `voices_dir`, sorted by name. Broken files are reported by
// throwing, so `briefing voices` shows the problem.
std::vector<VoicePreset> list_voices(const std::filesystem::path& voices_dir);

}  // namespace briefing
