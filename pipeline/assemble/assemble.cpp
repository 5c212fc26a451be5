#include "assemble/assemble.hpp"

#include "text/utf8.hpp"

namespace briefing {

namespace {

void add_silence(std::vector<std::int16_t>& samples, std::uint64_t n) { samples.insert(samples.end(), n, 0); }

// A paragraph's cue label: its first words, short enough for a chapter list.
std::string paragraph_label(const SpokenSentence& first) {
    constexpr std::size_t kMaxChars = 24;
    std::u32string cps = text::decode(first.text);
    if (cps.size() > kMaxChars) cps = cps.substr(0, kMaxChars) + U"…";
    return text::encode(cps);
}

int pause_after(const std::vector<SpokenSentence>& s, std::size_t i, const VoicePreset& p) {
    return pause_after_ms(p, i + 1 == s.size(), i + 1 < s.size() && s[i + 1].paragraph != s[i].paragraph);
}

}  // namespace

int pause_after_ms(const VoicePreset& p, bool last_in_section, bool paragraph_ends) {
    if (last_in_section) return p.pause_section_end_ms;
    return paragraph_ends ? p.pause_paragraph_ms : p.pause_sentence_ms;
}

std::uint64_t ms_to_samples(int ms, int rate) {
    return static_cast<std::uint64_t>(ms) * static_cast<std::uint64_t>(rate) / 1000;
}

std::int64_t samples_to_ms(std::uint64_t samples, int rate) {
    return static_cast<std::int64_t>((samples * 1000 + static_cast<std::uint64_t>(rate) / 2) /
                                     static_cast<std::uint64_t>(rate));
}

SectionAudio assemble_section(std::size_t index, std::string title, int sample_rate, const VoicePreset& pauses,
                              std::vector<SpokenSentence> sentences) {
    SectionAudio out;
    out.index = index;
    out.title = std::move(title);
    out.sample_rate = sample_rate;
    // Reserve exactly what will be written: speech plus every pause. A vector
    // that outgrows its reservation doubles, briefly holding two copies of
    // the section (a long section's pauses add up to far more than 10 s).
    std::size_t total = ms_to_samples(sentences.empty() ? pauses.pause_section_end_ms : 0, sample_rate) +
                        ms_to_samples(pauses.pause_section_start_ms, sample_rate);
    for (std::size_t i = 0; i < sentences.size(); ++i)
        total += sentences[i].samples.size() + ms_to_samples(pause_after(sentences, i, pauses), sample_rate);
    out.samples.reserve(total);

    add_silence(out.samples, ms_to_samples(pauses.pause_section_start_ms, sample_rate));
    for (std::size_t i = 0; i < sentences.size(); ++i) {
        SpokenSentence& s = sentences[i];
        const std::uint64_t start = out.samples.size();
        if (i == 0 || s.paragraph != sentences[i - 1].paragraph)
            out.cues.push_back({static_cast<std::uint32_t>(out.cues.size() + 1), start, paragraph_label(s)});
        out.samples.insert(out.samples.end(), s.samples.begin(), s.samples.end());
        out.sentences.push_back({s.paragraph, std::move(s.text), std::move(s.spoken), start, out.samples.size()});
        std::vector<std::int16_t>().swap(s.samples);  // release as we go: one copy of the audio at a time
        add_silence(out.samples, ms_to_samples(pause_after(sentences, i, pauses), sample_rate));
    }
    if (sentences.empty()) add_silence(out.samples, ms_to_samples(pauses.pause_section_end_ms, sample_rate));
    return out;
}

}  // namespace briefing
