#include "write/text_files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <system_error>

#include "text/errors.hpp"

namespace briefing {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const fs::path& p, const std::string& what) {
    throw OutputError(p.string() + ": " + what + ": " + std::strerror(errno));
}

std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s;
}

}  // namespace

void write_file_atomic(const fs::path& target, std::string_view content) {
    const std::string tmp = target.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) fail(target, "cannot create");
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int saved = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            errno = saved;
            fail(target, "write failed");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::close(fd) != 0) {
        ::unlink(tmp.c_str());
        fail(target, "write failed");
    }
    if (::rename(tmp.c_str(), target.c_str()) != 0) {
        const int saved = errno;
        ::unlink(tmp.c_str());
        errno = saved;
        fail(target, "cannot rename into place");
    }
}

std::string playlist_text(const std::vector<PlaylistEntry>& entries) {
    std::string out = "#EXTM3U\n";
    for (const auto& e : entries) {
        out += "#EXTINF:" + std::to_string(static_cast<long long>(std::lround(e.seconds))) + "," +
               one_line(e.title) + "\n";
        out += one_line(e.file) + "\n";
    }
    return out;
}

}  // namespace briefing
