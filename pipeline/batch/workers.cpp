#include "batch/workers.hpp"

#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <new>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "synth/espeak_engine.hpp"
#include "text/errors.hpp"

namespace briefing {

struct SharedWork::Header {
    std::atomic<std::uint64_t> next;
    std::atomic<int> fatal_set;
    char fatal[600];
};

SharedWork::SharedWork(std::size_t items) : items_(items) {
    bytes_ = sizeof(Header) + items * sizeof(ResultSlot);
    block_ = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (block_ == MAP_FAILED) throw std::runtime_error("cannot map shared memory for workers");
    // Lock-free atomics work across processes in MAP_SHARED memory.
    header_ = new (block_) Header{};
    header_->next.store(0);
    header_->fatal_set.store(0);
    auto* slots = reinterpret_cast<ResultSlot*>(static_cast<char*>(block_) + sizeof(Header));
    for (std::size_t i = 0; i < items; ++i) {
        new (&slots[i]) ResultSlot{};
        slots[i].state.store(static_cast<int>(SlotState::Pending));
    }
}

SharedWork::~SharedWork() { ::munmap(block_, bytes_); }

std::size_t SharedWork::claim(pid_t worker) {
    const std::uint64_t i = header_->next.fetch_add(1);
    if (i >= items_) return items_;
    ResultSlot& s = slot(i);
    s.worker = worker;
    s.state.store(static_cast<int>(SlotState::Claimed));
    return i;
}

ResultSlot& SharedWork::slot(std::size_t i) {
    return reinterpret_cast<ResultSlot*>(static_cast<char*>(block_) + sizeof(Header))[i];
}

void SharedWork::set_fatal(const std::string& message) {
    if (header_->fatal_set.exchange(1) == 0) {
        std::strncpy(header_->fatal, message.c_str(), sizeof header_->fatal - 1);
    }
}

std::string SharedWork::fatal() const { return header_->fatal_set.load() ? header_->fatal : ""; }

void set_message(ResultSlot& slot, const std::string& text) {
    std::strncpy(slot.message, text.c_str(), sizeof slot.message - 1);
    slot.message[sizeof slot.message - 1] = '\0';
}

namespace {

// Sleeps until a worker exits or `ms` pass, whichever is first. A pidfd per
// worker turns readable when it exits, so the parent wakes at once instead
// of up to 100 ms late (which was most of the time a small batch took to
// finish). Without pidfds (kernel < 5.3) it simply sleeps `ms`.
class ExitWatch {
public:
    explicit ExitWatch(const std::vector<pid_t>& pids) {
        for (pid_t p : pids) {
            const int fd = static_cast<int>(::syscall(SYS_pidfd_open, p, 0));
            if (fd < 0) {
                close_all();
                return;
            }
            fds_.push_back({fd, POLLIN, 0});
            pids_.push_back(p);
        }
    }
    ~ExitWatch() { close_all(); }
    ExitWatch(const ExitWatch&) = delete;
    ExitWatch& operator=(const ExitWatch&) = delete;

    // A reaped worker's pidfd stays readable for good, so it leaves the set.
    void reaped(pid_t pid) {
        for (std::size_t i = 0; i < pids_.size(); ++i)
            if (pids_[i] == pid) {
                ::close(fds_[i].fd);
                fds_.erase(fds_.begin() + static_cast<long>(i));
                pids_.erase(pids_.begin() + static_cast<long>(i));
                return;
            }
    }

    // Returns early on a signal too (poll is never restarted).
    void wait(int ms) {
        if (usable_ && !fds_.empty()) {
            ::poll(fds_.data(), fds_.size(), ms);
            return;
        }
        const timespec pause{ms / 1000, (ms % 1000) * 1000L * 1000L};
        ::nanosleep(&pause, nullptr);
    }

private:
    void close_all() {
        for (const auto& f : fds_) ::close(f.fd);
        fds_.clear();
        pids_.clear();
        usable_ = false;
    }
    std::vector<pollfd> fds_;
    std::vector<pid_t> pids_;
    bool usable_ = true;
};

}  // namespace

std::vector<int> run_workers(unsigned count, const std::function<int(unsigned)>& body,
                             const std::function<void()>& tick) {
    std::vector<pid_t> pids;
    std::vector<int> status(count, 0);
    const pid_t parent = ::getpid();
    for (unsigned w = 0; w < count; ++w) {
        const pid_t pid = ::fork();
        if (pid < 0) {
            for (pid_t p : pids) ::kill(p, SIGTERM);
            for (pid_t p : pids) ::waitpid(p, nullptr, 0);
            throw std::runtime_error(std::string("cannot start a worker process: ") + std::strerror(errno));
        }
        if (pid == 0) {
            // A worker must not outlive its batch (a kill -9 of the batch would
            // otherwise leave workers writing and holding the folder's lock).
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != parent) ::_exit(128 + SIGKILL);
            int code = 5;
            try {
                code = body(w);
            } catch (...) {
            }
            // _exit: the parent's atexit handlers and buffers are not ours to run.
            ::_exit(code);
        }
        pids.push_back(pid);
    }
    ExitWatch watch(pids);
    std::size_t alive = pids.size();
    bool forwarded = false;
    while (alive > 0) {
        int st = 0;
        const pid_t done = ::waitpid(-1, &st, WNOHANG);
        if (done > 0) {
            for (unsigned w = 0; w < count; ++w)
                if (pids[w] == done) status[w] = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
            watch.reaped(done);
            --alive;
            continue;
        }
        if (const int sig = EspeakEngine::cancel_signal().load(); sig && !forwarded) {
            for (pid_t p : pids) ::kill(p, sig);
            forwarded = true;
        }
        tick();
        watch.wait(100);
    }
    tick();
    return status;
}

}  // namespace briefing
