// One run at a time per output folder.
//
// OutputLock takes an exclusive flock(2) on "<output>/<name>" (by default
// ".briefing.lock"; each shard of a sharded batch locks its own name, since
// shards write disjoint article folders and must run side by side) and writes
// its PID there for the error message. The kernel drops the lock when
// the process dies, however it dies (even SIGKILL), so a stale lock file can
// never block a later run: only a live holder can.
//
// Leftovers of killed runs (staging folders ".<slug>.tmp-<host>-<pid>") are
// removed by remove_stale_staging when their owner is provably gone: each
// staging folder has a sibling ".lock" file its render holds with flock, and
// the kernel releases that lock when the render dies however it dies. No PID
// is trusted (PIDs are reused, and mean nothing on another machine).
#pragma once

#include <filesystem>
#include <string>

namespace briefing {

class OutputLock {
public:
    // Throws OutputError when the folder cannot be created or locked, or when
    // another live process holds it and `wait` is false (naming its PID).
    OutputLock(const std::filesystem::path& output_root, bool wait, const std::string& name = ".briefing.lock");
    ~OutputLock();
    OutputLock(const OutputLock&) = delete;
    OutputLock& operator=(const OutputLock&) = delete;

private:
    int fd_ = -1;
};

// Removes staging folders whose owner is gone (see above).
void remove_stale_staging(const std::filesystem::path& output_root);

}  // namespace briefing
