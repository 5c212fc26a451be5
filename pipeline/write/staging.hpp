// Staging folders: how a whole output folder appears at once.
//
// A render (or an edition) writes every file into a hidden staging folder
//   <root>/.<name>.tmp-<host>-<pid>
// and, when all of it is complete (manifest last), commit() swaps it with the
// previous folder in one rename (renameat2 RENAME_EXCHANGE) and deletes the
// previous one. Until then the previous output is untouched; if the writer
// fails or is interrupted, the staging folder is removed.
//
// Ownership: while a StagingFolder exists it holds an flock on a sibling
// "<staging>.lock". The kernel releases that lock when its process exits,
// however it exits (even SIGKILL), so remove_stale_staging can tell a dead
// writer's leftovers from a live writer's folder without trusting PIDs
// (which are reused, and mean nothing on another machine). The lock file is
// created before the folder and removed after it, so a folder without one
// is always a leftover; an unlocked lock file without its folder is one too.
//
// Errors are OutputError naming the folder. Not copyable.
#pragma once

#include <filesystem>
#include <string>

namespace briefing {

class StagingFolder {
public:
    // Creates `root` if needed, then the staging folder for `name` (a safe
    // file name, e.g. an article slug).
    StagingFolder(const std::filesystem::path& root, const std::string& name);
    ~StagingFolder();
    StagingFolder(const StagingFolder&) = delete;
    StagingFolder& operator=(const StagingFolder&) = delete;

    const std::filesystem::path& path() const { return path_; }

    // Puts the staged folder at `final_dir`, replacing any previous one.
    void commit(const std::filesystem::path& final_dir);

private:
    void release();

    std::filesystem::path path_;
    std::string lock_path_;
    int lock_fd_ = -1;
    bool committed_ = false;
};

// This machine's name as used in staging folder names (safe characters only).
std::string staging_host();

// Removes the staging folders under `root` whose writer is gone.
void remove_stale_staging(const std::filesystem::path& root);

}  // namespace briefing
