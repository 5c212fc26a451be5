#include "batch/output_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

#include "text/errors.hpp"

namespace briefing {

namespace fs = std::filesystem;

namespace {

std::string holder_pid(int fd) {
    char buf[32] = {0};
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    std::string s = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s.empty() ? "unknown" : s;
}

}  // namespace

OutputLock::OutputLock(const fs::path& output_root, bool wait, const std::string& name) {
    std::error_code ec;
    fs::create_directories(output_root, ec);
    if (ec) throw OutputError(output_root.string() + ": cannot create the output folder: " + ec.message());
    const fs::path path = output_root / name;
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw OutputError(path.string() + ": cannot open the lock file: " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK || !wait) {
            const std::string who = holder_pid(fd_);
            ::close(fd_);
            throw OutputError(output_root.string() + ": another briefing run (pid " + who +
                              ") is writing here; wait for it to finish or pass --wait");
        }
        while (::flock(fd_, LOCK_EX) != 0 && errno == EINTR) {
        }
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
        // The PID is only for messages; the flock itself is what protects.
    }
}

OutputLock::~OutputLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace briefing
