// A queue of tasks run one after another, in order, on a thread of its own:
// the listen stage hands it the writing (files, the output meter) so that
// writing one block overlaps limiting the next.
//
// post() blocks while `capacity` tasks wait, so memory stays bounded. A
// task that throws stops the worker: the tasks after it are dropped and the
// exception comes back from the next post() or from drain(). With
// `threaded` false, post() simply runs the task (one core, or a batch
// worker that should not take a second one).
//
// The destructor waits for the running task and drops the rest, so declare
// the worker after everything its tasks touch.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace briefing {

class SerialWorker {
public:
    explicit SerialWorker(bool threaded, std::size_t capacity = 8);
    ~SerialWorker();
    SerialWorker(const SerialWorker&) = delete;
    SerialWorker& operator=(const SerialWorker&) = delete;

    void post(std::function<void()> task);
    // Waits until every posted task has run; rethrows a task's exception.
    void drain();

private:
    void loop();
    void rethrow_locked(std::unique_lock<std::mutex>& lock);

    std::size_t capacity_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::function<void()>> tasks_;
    bool busy_ = false, stopping_ = false;
    std::exception_ptr failure_;
    std::thread thread_;  // last: started once the rest is ready
};

}  // namespace briefing
