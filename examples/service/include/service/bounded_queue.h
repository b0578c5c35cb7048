//===--- bounded_queue.h - GOOD: fixed-capacity MPMC queue ------*- C++ -*-===//
//
// The counterpart of bad::JobQueue: producers get backpressure, consumers
// wake on a condition variable and can be stopped with a std::stop_token.
//
//===----------------------------------------------------------------------===//
#ifndef EXAMPLE_SERVICE_BOUNDED_QUEUE_H
#define EXAMPLE_SERVICE_BOUNDED_QUEUE_H

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <stop_token>
#include <utility>

namespace good {

template <typename T> class BoundedQueue {
public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {}

  /// Waits for room; false if the queue was closed or \p st was stopped.
  bool push(T item, std::stop_token st = {}) {
    {
      std::unique_lock lock(mu_);
      const auto ready = [&] { return closed_ || items_.size() < capacity_; };
      if (!not_full_.wait(lock, std::move(st), ready) || closed_)
        return false;
      // GOOD(loadcheck-unbounded-queue): pushed only after waiting on not_full_ for room: producers slow to the consumers' pace.
      items_.push_back(std::move(item));
    }
    not_empty_.notify_one();
    return true;
  }

  /// Never waits: false when full, so the caller can shed load (503).
  bool tryPush(T item) {
    {
      std::lock_guard lock(mu_);
      if (closed_ || items_.size() >= capacity_)
        return false;
      // GOOD(loadcheck-unbounded-queue): pushed only below capacity_; when full the caller is refused and sheds load.
      items_.push_back(std::move(item));
    }
    not_empty_.notify_one();
    return true;
  }

  /// Waits for an item; nullopt once closed and drained, or on stop.
  std::optional<T> pop(std::stop_token st = {}) {
    std::optional<T> item;
    bool drained = false;
    {
      std::unique_lock lock(mu_);
      const auto ready = [&] { return closed_ || !items_.empty(); };
      if (!not_empty_.wait(lock, std::move(st), ready) || items_.empty())
        return std::nullopt;
      item.emplace(std::move(items_.front()));
      items_.pop_front();
      drained = items_.empty();
    }
    not_full_.notify_one();
    if (drained)
      drained_.notify_all();
    return item;
  }

  // GOOD(loadcheck-sleep-polling): sleeps on a condition variable that pop() signals instead of polling size().
  void waitUntilEmpty() {
    std::unique_lock lock(mu_);
    drained_.wait(lock, [&] { return items_.empty(); });
  }

  /// Wakes every waiter; pop() still hands out what is queued.
  void close() {
    {
      std::lock_guard lock(mu_);
      closed_ = true;
    }
    not_empty_.notify_all();
    not_full_.notify_all();
  }

private:
  const std::size_t capacity_;
  std::mutex mu_; // guards items_ and closed_
  // _any: the only condition variable that can wait on a std::stop_token.
  std::condition_variable_any not_empty_;
  std::condition_variable_any not_full_;
  std::condition_variable_any drained_;
  std::deque<T> items_;
  bool closed_ = false;
};

} // namespace good

#endif // EXAMPLE_SERVICE_BOUNDED_QUEUE_H
