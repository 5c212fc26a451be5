#include "listen/serial_worker.hpp"

#include <utility>

namespace briefing {

SerialWorker::SerialWorker(bool threaded, std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {
    if (threaded) thread_ = std::thread([this] { loop(); });
}

SerialWorker::~SerialWorker() {
    if (!thread_.joinable()) return;
    {
        const std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        tasks_.clear();
    }
    changed_.notify_all();
    thread_.join();
}

void SerialWorker::rethrow_locked(std::unique_lock<std::mutex>& lock) {
    if (!failure_) return;
    std::exception_ptr e = std::exchange(failure_, nullptr);
    lock.unlock();
    std::rethrow_exception(e);
}

void SerialWorker::post(std::function<void()> task) {
    if (!thread_.joinable()) {
        task();
        return;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return tasks_.size() < capacity_ || failure_; });
    rethrow_locked(lock);
    tasks_.push_back(std::move(task));
    lock.unlock();
    changed_.notify_all();
}

void SerialWorker::drain() {
    if (!thread_.joinable()) return;
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return (tasks_.empty() && !busy_) || failure_; });
    rethrow_locked(lock);
}

void SerialWorker::loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        changed_.wait(lock, [&] { return !tasks_.empty() || stopping_; });
        if (stopping_) return;
        std::function<void()> task = std::move(tasks_.front());
        tasks_.pop_front();
        busy_ = true;
        lock.unlock();
        changed_.notify_all();  // room in the queue
        std::exception_ptr failed;
        try {
            task();
        } catch (...) {
            failed = std::current_exception();
        }
        lock.lock();
        busy_ = false;
        if (failed) {
            failure_ = failed;
            tasks_.clear();
        }
        changed_.notify_all();
    }
}

}  // namespace briefing
