// The one owner of libespeak-ng.
//
// libespeak-ng keeps all its state in process globals and is not
// thread-safe (measured: SIGFPE with four threads). So:
//   - build exactly one EspeakEngine per process, in main, and pass it by
//     reference; it is neither copyable nor movable, and not a singleton;
//   - call it from one thread only; parallel work uses worker processes,
//     each with its own engine;
//   - this is the only translation unit that includes <espeak-ng/…>.
//
// Construction uses the espeak_ng_* status API (the legacy espeak_Initialize
// can exit(1) inside the library), verifies the data path eSpeak NG really
// used and that the preset's voices exist, so a missing voice is reported at
// start, before any work. Text is always passed as plain UTF-8
// (espeakCHARS_UTF8; never SSML or phoneme mode) after sanitise_for_espeak.
//
// Audio: mono signed 16-bit PCM at sample_rate() (22050 Hz for the cmn voices
// in eSpeak NG 1.51, but always read it from here). No end-of-sentence pause
// is added (no espeakENDPAUSE): the assemble stage owns pauses.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "pronounce/pronounce.hpp"
#include "synth/voice_preset.hpp"

namespace briefing {

// Removes everything eSpeak NG must never see in plain-text mode: C0/C1
// controls (U+0001 would start an embedded command that changes rate, pitch
// or voice), zero-width and bidi formatting characters and private-use code
// points. Newlines and tabs become spaces. Pure.
std::string sanitise_for_espeak(std::string_view utf8);

// Where a spoken word lies inside a sentence's audio (from eSpeak WORD events).
struct WordTiming {
    std::uint32_t text_position = 0;  // 1-based code point index into its run's text
    std::uint32_t length = 0;         // in code points
    std::uint64_t sample = 0;         // first sample, counted from the sentence's start
    std::size_t run = 0;              // which SpeechRun of the sentence
};

struct SentenceSamples {
    std::vector<std::int16_t> samples;  // mono int16 at EspeakEngine::sample_rate()
    std::vector<WordTiming> words;
};

class EspeakEngine {
public:
    // Starts eSpeak NG from `data_path` ("" = $BRIEFING_ESPEAK_DATA if set,
    // else the library's default; a folder that is not the one eSpeak NG
    // really uses is refused rather than silently replaced), selects
    // `preset`'s voices to check they exist, and applies its parameters.
    // Throws EngineError (data missing or unusable) or VoiceError (voice not
    // installed), each with a message saying what to install or fix.
    explicit EspeakEngine(const VoicePreset& preset, const std::string& data_path = "");
    ~EspeakEngine();
    EspeakEngine(const EspeakEngine&) = delete;
    EspeakEngine& operator=(const EspeakEngine&) = delete;
    EspeakEngine(EspeakEngine&&) = delete;
    EspeakEngine& operator=(EspeakEngine&&) = delete;

    int sample_rate() const { return sample_rate_; }
    const std::string& version() const { return version_; }
    const std::string& data_path() const { return data_path_; }

    // Switches to another preset (voices and parameters). Throws VoiceError.
    void use_preset(const VoicePreset& preset);

    // Synthesises one sentence unit: each run with its voice, back to back.
    // Throws EngineError on failure, Interrupted when cancel_signal() is set.
    SentenceSamples synthesize(const std::vector<SpeechRun>& runs);

    // The number of a signal that asked the run to stop (0 = none). Set from a
    // signal handler; synthesis stops at eSpeak NG's next callback.
    static std::atomic<int>& cancel_signal();

private:
    void select_voice(bool english);

    VoicePreset preset_;
    int sample_rate_ = 0;
    std::string version_;
    std::string data_path_;
    int current_voice_ = -1;  // 0 Mandarin, 1 English, -1 none yet
};

}  // namespace briefing
