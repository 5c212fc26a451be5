// Worker processes for batch work.
//
// libespeak-ng is one engine per process, so parallel work is N forked
// processes, each building its own EspeakEngine after the fork (the parent
// never starts one before forking). Work and results pass through a shared
// anonymous memory block: an atomic counter hands out work items, and each
// item has a fixed-size result slot the parent reads for progress.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace briefing {

enum class SlotState : int { Pending = 0, Claimed = 1, Done = 2 };

struct ResultSlot {
    std::atomic<int> state;  // SlotState
    pid_t worker;
    int code;                // 0 ok; else the CLI exit class of the failure
    std::int64_t audio_ms;
    std::uint64_t cache_hits, cache_misses, cache_corrupt;
    char message[600];       // failure message, NUL-terminated, truncated
};

// Shared between the parent and its workers; lives until destroyed in the parent.
class SharedWork {
public:
    explicit SharedWork(std::size_t items);
    ~SharedWork();
    SharedWork(const SharedWork&) = delete;
    SharedWork& operator=(const SharedWork&) = delete;

    std::size_t size() const { return items_; }
    // The next unclaimed item, or size() when none is left.
    std::size_t claim(pid_t worker);
    ResultSlot& slot(std::size_t i);
    // A worker that cannot start at all (no eSpeak NG) says why here.
    void set_fatal(const std::string& message);
    std::string fatal() const;

private:
    struct Header;
    std::size_t items_;
    std::size_t bytes_;
    void* block_;
    Header* header_;
};

// Copies `text` into a slot's message, truncated to fit.
void set_message(ResultSlot& slot, const std::string& text);

// Forks `count` workers; worker w runs body(w) and exits with its result
// (status 0-255). Returns once all workers have exited. `tick` runs in the
// parent about ten times a second. On SIGINT/SIGTERM (seen through
// EspeakEngine::cancel_signal) the signal is passed on to the workers. A worker
// that dies leaves its claimed slots Claimed; the caller reports them.
// Workers get SIGKILL when the parent dies, so none outlives its batch.
// Returns the exit status of each worker (128+signal when killed).
std::vector<int> run_workers(unsigned count, const std::function<int(unsigned)>& body,
                             const std::function<void()>& tick);

}  // namespace briefing
