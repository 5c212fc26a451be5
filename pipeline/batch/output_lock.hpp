// One run at a time per output folder.
//
// OutputLock takes an exclusive flock(2) on "<output>/.briefing.lock" and
// writes its PID there for the error message. The kernel drops the lock when
// the process dies, however it dies (even SIGKILL), so a stale lock file can
// never block a later run: only a live holder can.
//
// While the lock is held nobody else writes in the folder, so leftovers of a
// killed run (staging folders ".<slug>.tmp-<pid>") are removed on taking it.
#pragma once

#include <filesystem>

namespace briefing {

class OutputLock {
public:
    // Throws OutputError when the folder cannot be created or locked, or when
    // another live process holds it and `wait` is false (naming its PID).
    OutputLock(const std::filesystem::path& output_root, bool wait);
    ~OutputLock();
    OutputLock(const OutputLock&) = delete;
    OutputLock& operator=(const OutputLock&) = delete;

private:
    int fd_ = -1;
};

// Removes staging folders left by killed runs. Call only under OutputLock.
void remove_stale_staging(const std::filesystem::path& output_root);

}  // namespace briefing
