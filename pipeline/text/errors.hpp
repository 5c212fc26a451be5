// Error types shared by all stages.
//
// Stages throw these; only the CLI turns them into messages and exit codes
// (see cli/main.cpp). Each message is complete on its own: it names the file,
// line, option or preset key at fault and says what to fix.
#pragma once

#include <stdexcept>
#include <string>

namespace briefing {

// The article (or another input file) cannot be read as intended.
struct InputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A voice preset is unknown, malformed or out of range.
struct VoiceError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// eSpeak NG could not be started or failed while synthesising.
struct EngineError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// An output file or folder could not be written.
struct OutputError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The run was stopped by SIGINT or SIGTERM; `signal` is the signal number.
struct Interrupted : std::runtime_error {
    explicit Interrupted(int sig) : std::runtime_error("interrupted"), signal(sig) {}
    int signal;
};

}  // namespace briefing
