#include "write/staging.hpp"

#include <fcntl.h>      // AT_FDCWD
#include <stdio.h>      // renameat2, RENAME_EXCHANGE (glibc ≥ 2.28)
#include <sys/file.h>   // flock
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include "text/errors.hpp"
#include "write/file_names.hpp"

namespace briefing {

namespace fs = std::filesystem;

namespace {

// True when nobody holds the flock on `lock_path` (or it does not exist).
bool owner_gone(const std::string& lock_path) {
    const int fd = ::open(lock_path.c_str(), O_RDWR | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT;
    const bool free = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
    ::close(fd);
    return free;
}

// Opens and locks `path`, making sure the locked file is still the one at
// `path`: a remover may unlink a lock file between our open and our flock
// (it saw it unlocked), and a lock on an unlinked file protects nothing.
int lock_file(const std::string& path) {
    for (;;) {
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0 || ::flock(fd, LOCK_EX) != 0) {
            if (fd >= 0) ::close(fd);
            return -1;
        }
        struct stat held {}, named {};
        if (::fstat(fd, &held) == 0 && ::stat(path.c_str(), &named) == 0 && held.st_ino == named.st_ino &&
            held.st_dev == named.st_dev)
            return fd;
        ::close(fd);
    }
}

}  // namespace

std::string staging_host() {
    char buf[256] = {0};
    if (::gethostname(buf, sizeof buf - 1) != 0) return "host";
    return safe_name(buf, "host", 64);
}

StagingFolder::StagingFolder(const fs::path& root, const std::string& name)
    : path_(root / ("." + name + ".tmp-" + staging_host() + "-" + std::to_string(::getpid()))),
      lock_path_(path_.string() + ".lock") {
    std::error_code ec;
    fs::create_directories(root, ec);
    if (ec) throw OutputError(root.string() + ": cannot create the output folder: " + ec.message());
    lock_fd_ = lock_file(lock_path_);
    if (lock_fd_ < 0)
        throw OutputError(root.string() + ": cannot write in the output folder: " + std::strerror(errno));
    fs::remove_all(path_, ec);
    if (!fs::create_directory(path_, ec) || ec) {
        release();
        throw OutputError(root.string() + ": cannot write in the output folder: " +
                          (ec ? ec.message() : std::string("already exists")));
    }
}

StagingFolder::~StagingFolder() {
    std::error_code ec;
    if (!committed_) fs::remove_all(path_, ec);
    release();
}

void StagingFolder::commit(const fs::path& final_dir) {
    if (::renameat2(AT_FDCWD, path_.c_str(), AT_FDCWD, final_dir.c_str(), RENAME_EXCHANGE) == 0) {
        committed_ = true;
        std::error_code ec;
        fs::remove_all(path_, ec);  // now holds the previous output
        return;
    }
    if (errno != ENOENT)
        throw OutputError(final_dir.string() + ": cannot replace the previous output: " + std::strerror(errno));
    if (::rename(path_.c_str(), final_dir.c_str()) != 0)
        throw OutputError(final_dir.string() + ": cannot move the output into place: " + std::strerror(errno));
    committed_ = true;
}

// The lock file goes last, after the folder, so a folder never outlives it.
void StagingFolder::release() {
    if (lock_fd_ < 0) return;
    ::unlink(lock_path_.c_str());
    ::close(lock_fd_);
    lock_fd_ = -1;
}

void remove_stale_staging(const fs::path& root) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(root, ec)) {
        const std::string name = e.path().filename().string();
        if (name.empty() || name[0] != '.' || name.find(".tmp-") == std::string::npos) continue;
        if (e.is_directory(ec)) {
            const std::string lock = e.path().string() + ".lock";
            if (!owner_gone(lock)) continue;
            fs::remove_all(e.path(), ec);
            ::unlink(lock.c_str());
        } else if (e.path().extension() == ".lock" && !fs::exists(e.path().parent_path() / e.path().stem(), ec)) {
            // A writer killed before creating its folder, or after removing it.
            if (owner_gone(e.path().string())) ::unlink(e.path().c_str());
        }
    }
}

}  // namespace briefing
