#include "synth/voice_preset.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "text/errors.hpp"

namespace briefing {

namespace fs = std::filesystem;

namespace {

struct IntKey {
    const char* table;
    const char* key;
    int VoicePreset::*field;
    int min;
    int max;
};

// The numeric keys and their allowed ranges (eSpeak NG's own limits for
// rate, pitch, range and volume).
const IntKey kIntKeys[] = {
    {"espeak", "rate", &VoicePreset::rate, 80, 450},
    {"espeak", "pitch", &VoicePreset::pitch, 0, 99},
    {"espeak", "range", &VoicePreset::range, 0, 99},
    {"espeak", "volume", &VoicePreset::volume, 0, 200},
    {"pauses", "sentence", &VoicePreset::pause_sentence_ms, 0, 10000},
    {"pauses", "paragraph", &VoicePreset::pause_paragraph_ms, 0, 10000},
    {"pauses", "section_start", &VoicePreset::pause_section_start_ms, 0, 10000},
    {"pauses", "section_end", &VoicePreset::pause_section_end_ms, 0, 10000},
    {"output", "sample_rate", &VoicePreset::output_sample_rate, 0, 96000},
    {"output", "loudness_lufs", &VoicePreset::loudness_lufs, -40, -5},
    {"output", "true_peak_dbtp", &VoicePreset::true_peak_dbtp, -10, 0},
};

struct StringKey {
    const char* table;
    const char* key;
    std::string VoicePreset::*field;
};

const StringKey kStringKeys[] = {
    {"", "name", &VoicePreset::name},
    {"", "description", &VoicePreset::description},
    {"espeak", "voice", &VoicePreset::espeak_voice},
    {"espeak", "english_voice", &VoicePreset::english_voice},
    {"espeak", "variant", &VoicePreset::variant},
    {"output", "formats", &VoicePreset::output_formats},
};

std::string key_name(const char* table, const char* key) {
    return *table ? std::string(table) + "." + key : std::string(key);
}

[[noreturn]] void fail(const VoicePreset& p, const std::string& what) {
    throw VoiceError("voice preset " + (p.source.empty() ? p.name : p.source) + ": " + what);
}

bool known_key(const std::string& full) {
    for (const auto& k : kIntKeys)
        if (key_name(k.table, k.key) == full) return true;
    for (const auto& k : kStringKeys)
        if (key_name(k.table, k.key) == full) return true;
    return false;
}

// Names are passed to eSpeak NG and used in messages: keep them to a safe set.
bool plain_name(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == '.';
    });
}

void reject_unknown_keys(const toml::table& root, const VoicePreset& p) {
    for (const auto& [k, v] : root) {
        const std::string key(k.str());
        if (const auto* sub = v.as_table()) {
            if (key != "espeak" && key != "pauses" && key != "output") fail(p, "unknown table [" + key + "]");
            for (const auto& [k2, v2] : *sub)
                if (!known_key(key + "." + std::string(k2.str())))
                    fail(p, "unknown key " + key + "." + std::string(k2.str()));
        } else if (!known_key(key)) {
            fail(p, "unknown key " + key);
        }
    }
}

const toml::node* find(const toml::table& root, const char* table, const char* key) {
    if (!*table) return root.get(key);
    const auto* sub = root.get_as<toml::table>(table);
    return sub ? sub->get(key) : nullptr;
}

void read_values(const toml::table& root, VoicePreset& p) {
    for (const auto& k : kStringKeys) {
        const toml::node* n = find(root, k.table, k.key);
        if (!n) continue;
        if (!n->is_string()) fail(p, key_name(k.table, k.key) + " must be a string");
        p.*k.field = n->as_string()->get();
    }
    for (const auto& k : kIntKeys) {
        const toml::node* n = find(root, k.table, k.key);
        if (!n) continue;
        if (!n->is_integer()) fail(p, key_name(k.table, k.key) + " must be a whole number");
        const int64_t v = n->as_integer()->get();
        if (v < k.min || v > k.max)
            fail(p, key_name(k.table, k.key) + " = " + std::to_string(v) + " is not in [" +
                        std::to_string(k.min) + ", " + std::to_string(k.max) + "]");
        p.*k.field = static_cast<int>(v);
    }
}

}  // namespace

void VoicePreset::validate() const {
    for (const auto& k : kIntKeys) {
        const int v = this->*k.field;
        if (v < k.min || v > k.max)
            fail(*this, key_name(k.table, k.key) + " = " + std::to_string(v) + " is not in [" +
                            std::to_string(k.min) + ", " + std::to_string(k.max) + "]");
    }
    if (name.empty() || !plain_name(name)) fail(*this, "name must be letters, digits, '-', '_' or '.'");
    if (espeak_voice.empty() || !plain_name(espeak_voice)) fail(*this, "espeak.voice must be an eSpeak NG voice name");
    if (english_voice.empty() || !plain_name(english_voice))
        fail(*this, "espeak.english_voice must be an eSpeak NG voice name");
    if (!plain_name(variant)) fail(*this, "espeak.variant must be an eSpeak NG variant name such as f2");
    if (output_sample_rate != 0 && output_sample_rate < 8000)
        fail(*this, "output.sample_rate = " + std::to_string(output_sample_rate) +
                        " is not 0 (keep eSpeak NG's rate) or in [8000, 96000]");
    for (std::size_t at = 0; at <= output_formats.size();) {
        std::size_t end = output_formats.find(',', at);
        if (end == std::string::npos) end = output_formats.size();
        const std::string f = output_formats.substr(at, end - at);
        if (!f.empty() && f != "flac" && f != "ogg" && f != "opus" && f != "mp3")
            fail(*this, "output.formats: '" + f + "' is not one of flac, ogg, opus, mp3");
        at = end + 1;
    }
}

std::string VoicePreset::to_string() const {
    std::ostringstream s;
    s << "voice=" << espeak_voice << " english_voice=" << english_voice << " variant=" << variant
      << " rate=" << rate << " pitch=" << pitch << " range=" << range << " volume=" << volume
      << " pauses=" << pause_sentence_ms << "/" << pause_paragraph_ms << "/" << pause_section_start_ms << "/"
      << pause_section_end_ms << " output=" << output_sample_rate << "/" << loudness_lufs << "/" << true_peak_dbtp
      << "/" << output_formats;
    return s.str();
}

VoicePreset load_voice_file(const fs::path& file) {
    VoicePreset p;
    p.source = file.string();
    p.name = file.stem().string();
    toml::table root;
    try {
        root = toml::parse_file(file.string());
    } catch (const toml::parse_error& e) {
        const auto& where = e.source().begin;
        fail(p, "malformed TOML at line " + std::to_string(where.line) + ": " + std::string(e.description()));
    }
    reject_unknown_keys(root, p);
    read_values(root, p);
    p.validate();
    return p;
}

std::vector<VoicePreset> list_voices(const fs::path& voices_dir) {
    std::vector<VoicePreset> out;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(voices_dir, ec))
        if (entry.path().extension() == ".toml") out.push_back(load_voice_file(entry.path()));
    if (ec) throw VoiceError("cannot list voice presets in " + voices_dir.string() + ": " + ec.message());
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

VoicePreset load_voice(const std::string& name_or_path, const fs::path& voices_dir) {
    const bool is_path = name_or_path.find('/') != std::string::npos ||
                         fs::path(name_or_path).extension() == ".toml";
    if (is_path) {
        std::error_code ec;
        if (!fs::is_regular_file(name_or_path, ec))
            throw VoiceError("voice preset " + name_or_path + ": no such file");
        return load_voice_file(name_or_path);
    }
    std::string names;
    for (const auto& v : list_voices(voices_dir)) {
        if (v.name == name_or_path) return v;
        names += (names.empty() ? "" : ", ") + v.name;
    }
    throw VoiceError("unknown voice preset '" + name_or_path + "' (available: " + names +
                     "; or give a path to a .toml file)");
}

}  // namespace briefing
