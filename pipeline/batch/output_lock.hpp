// One run at a time per output folder.
//
// OutputLock takes an exclusive flock(2) on "<output>/<name>" (by default
// ".briefing.lock"; each shard of a sharded batch locks its own name, since
// shards write disjoint article folders and must run side by side) and writes
// its PID there for the error message. The kernel drops the lock when
// the process dies, however it dies (even SIGKILL), so a stale lock file can
// never block a later run: only a live holder can.
//
// Leftovers of killed runs are removed with remove_stale_staging
// (write/staging.hpp) once the lock is taken.
#pragma once

#include <filesystem>
#include <string>

#include "write/staging.hpp"  // remove_stale_staging, used with the lock

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

}  // namespace briefing
