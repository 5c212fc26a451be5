#include "synth/espeak_engine.hpp"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>

#include <cstdlib>

#include "text/errors.hpp"
#include "text/utf8.hpp"

namespace briefing {

namespace {

// Per-call sink, routed through espeak's user_data (never a global).
struct Sink {
    SentenceSamples* out = nullptr;
    std::uint64_t run_start = 0;  // samples before the current run
    std::size_t run = 0;
    int expected_rate = 0;
    bool rate_mismatch = false;
};

int on_audio(short* wav, int numsamples, espeak_EVENT* events) {
    // Every callback carries at least a LIST_TERMINATED event with user_data.
    auto* sink = static_cast<Sink*>(events->user_data);
    if (!sink) return 1;
    for (espeak_EVENT* e = events; e->type != espeakEVENT_LIST_TERMINATED; ++e) {
        if (e->type == espeakEVENT_SAMPLERATE && e->id.number != sink->expected_rate) sink->rate_mismatch = true;
        if (e->type == espeakEVENT_WORD)
            sink->out->words.push_back({static_cast<std::uint32_t>(e->text_position),
                                        static_cast<std::uint32_t>(e->length),
                                        sink->run_start + static_cast<std::uint64_t>(e->sample), sink->run});
    }
    if (wav && numsamples > 0) sink->out->samples.insert(sink->out->samples.end(), wav, wav + numsamples);
    return EspeakEngine::cancel_signal().load() != 0 ? 1 : 0;
}

std::string status_message(espeak_ng_STATUS status) {
    char buf[512] = {0};
    espeak_ng_GetStatusCodeMessage(status, buf, sizeof buf);
    return buf;
}

void check_parameter(espeak_PARAMETER p, int value) {
    const espeak_ng_STATUS st = espeak_ng_SetParameter(p, value, 0);
    if (st != ENS_OK) throw EngineError("eSpeak NG rejected a voice parameter: " + status_message(st));
}

}  // namespace

std::string sanitise_for_espeak(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    for (char32_t cp : text::decode(utf8)) {
        if (cp == '\n' || cp == '\t' || cp == '\r') {
            out.push_back(' ');
        } else if (!text::is_unspeakable(cp)) {
            text::append(out, cp);
        }
    }
    return out;
}

std::atomic<int>& EspeakEngine::cancel_signal() {
    static std::atomic<int> sig{0};
    return sig;
}

EspeakEngine::EspeakEngine(const VoicePreset& preset, const std::string& requested_path) {
    std::string data_path = requested_path;
    if (const char* env = std::getenv("BRIEFING_ESPEAK_DATA"); data_path.empty() && env) data_path = env;
    espeak_ng_InitializePath(data_path.empty() ? nullptr : data_path.c_str());
    espeak_ng_ERROR_CONTEXT context = nullptr;
    const espeak_ng_STATUS st = espeak_ng_Initialize(&context);
    if (st != ENS_OK) {
        espeak_ng_ClearErrorContext(&context);
        throw EngineError("eSpeak NG could not start: " + status_message(st) +
                          " (is the espeak-ng-data package installed?)");
    }
    const espeak_ng_STATUS out = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nullptr);
    if (out != ENS_OK) {
        espeak_ng_Terminate();
        throw EngineError("eSpeak NG output could not start: " + status_message(out));
    }
    const char* used_path = nullptr;
    version_ = espeak_Info(&used_path);
    data_path_ = used_path ? used_path : "";
    // eSpeak NG silently falls back to another data directory; refuse that.
    if (!data_path.empty() && data_path_.rfind(data_path, 0) != 0) {
        espeak_ng_Terminate();
        throw EngineError("eSpeak NG data not found at " + data_path + " (it would have used " + data_path_ + ")");
    }
    sample_rate_ = espeak_ng_GetSampleRate();
    if (sample_rate_ <= 0) {
        espeak_ng_Terminate();
        throw EngineError("eSpeak NG reported no sample rate; its data in " + data_path_ + " is unusable");
    }
    espeak_SetSynthCallback(on_audio);
    try {
        use_preset(preset);
    } catch (...) {
        espeak_ng_Terminate();
        throw;
    }
}

EspeakEngine::~EspeakEngine() { espeak_ng_Terminate(); }

void EspeakEngine::use_preset(const VoicePreset& preset) {
    preset.validate();
    preset_ = preset;
    current_voice_ = -1;
    select_voice(true);  // both voices are tried now, so a missing one fails before any work
    select_voice(false);
}

void EspeakEngine::select_voice(bool english) {
    const int want = english ? 1 : 0;
    if (current_voice_ == want) return;
    std::string name = english ? preset_.english_voice : preset_.espeak_voice;
    if (!preset_.variant.empty()) name += "+" + preset_.variant;
    const espeak_ng_STATUS st = espeak_ng_SetVoiceByName(name.c_str());
    if (st != ENS_OK)
        throw VoiceError("voice preset " + preset_.name + ": eSpeak NG voice '" + name +
                         "' is not available: " + status_message(st));
    // A voice change resets eSpeak's parameters, so apply them each time.
    check_parameter(espeakRATE, preset_.rate);
    check_parameter(espeakPITCH, preset_.pitch);
    check_parameter(espeakRANGE, preset_.range);
    check_parameter(espeakVOLUME, preset_.volume);
    current_voice_ = want;
}

SentenceSamples EspeakEngine::synthesize(const std::vector<SpeechRun>& runs) {
    SentenceSamples result;
    Sink sink{&result, 0, 0, sample_rate_, false};
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const std::string text = sanitise_for_espeak(runs[i].text);
        if (text.find_first_not_of(' ') == std::string::npos) continue;
        select_voice(runs[i].english);
        sink.run = i;
        sink.run_start = result.samples.size();
        const espeak_ng_STATUS st = espeak_ng_Synthesize(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0,
                                                         espeakCHARS_UTF8, nullptr, &sink);
        if (const int sig = cancel_signal().load()) throw Interrupted(sig);
        if (st != ENS_OK) throw EngineError("eSpeak NG failed to synthesise a sentence: " + status_message(st));
        if (sink.rate_mismatch) throw EngineError("eSpeak NG changed its sample rate mid-run");
    }
    return result;
}

}  // namespace briefing
