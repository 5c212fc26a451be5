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
// removed by remove_stale_staging when their process is provably gone: same
// host, and no such PID alive. Another machine's leftovers stay (hidden, and
// replaced when that article is rendered again).
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

// Removes staging folders left by dead processes of this host.
void remove_stale_staging(const std::filesystem::path& output_root);

}  // namespace briefing
