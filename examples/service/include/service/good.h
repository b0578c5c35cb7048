//===--- good.h - The GOOD half of the example service ----------*- C++ -*-===//
//
// The corrected counterparts of bad.h. Every fix is marked in src/good_*.cpp
// with `// GOOD(<check>): <why>`; loadcheck must report nothing here.
//
//===----------------------------------------------------------------------===//
#ifndef EXAMPLE_SERVICE_GOOD_H
#define EXAMPLE_SERVICE_GOOD_H

#include "service/bounded_queue.h"
#include "service/http.h"
#include "service/model.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace good {

using service::CacheStats;
using service::Entry;
using service::Job;

class Cache {
public:
  std::optional<std::string> get(const std::string &key);
  void put(const std::string &key, std::string value);
  CacheStats stats() const;
  /// Loads \p seed the first time it is called; later calls do nothing.
  void warmOnce(const std::vector<Entry> &seed);

private:
  mutable std::mutex mu_;       // guards entries_
  mutable std::mutex stats_mu_; // guards hits_ and misses_
  std::unordered_map<std::string, std::string> entries_;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
  std::atomic<bool> warmed_{false};
};

class Stats {
public:
  void recordRequest(std::string_view route);
  std::string render() const;

private:
  mutable std::mutex mu_; // guards requests_ and by_route_
  std::uint64_t requests_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> by_route_;
};

/// Runs queued jobs on one background std::jthread.
class JobRunner {
public:
  explicit JobRunner(BoundedQueue<Job> &queue);
  std::size_t inFlight() const;
  std::uint64_t completed() const noexcept { return completed_.load(); }

private:
  void run(const std::stop_token &st) noexcept;
  void execute(const Job &job);

  BoundedQueue<Job> &queue_;
  mutable std::mutex mu_; // guards in_flight_
  std::set<std::uint64_t> in_flight_;
  std::atomic<std::uint64_t> completed_{0};
  std::atomic<std::uint64_t> failed_{0};
  std::jthread worker_; // last: stops and joins before the members it uses die
};

/// Logs a stats snapshot every interval on a thread it owns.
class MetricsFlusher {
public:
  MetricsFlusher(const Stats &stats, std::chrono::milliseconds interval);
  ~MetricsFlusher();
  MetricsFlusher(const MetricsFlusher &) = delete;
  MetricsFlusher &operator=(const MetricsFlusher &) = delete;

private:
  void run();

  const Stats &stats_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  // GOOD(loadcheck-volatile-synchronization): std::atomic<bool>, not volatile: the store is guaranteed visible to run().
  std::atomic<bool> stopping_{false};
  std::thread thread_; // last: starts once everything it reads exists
};

/// Dispatches parsed requests to the cache, the stats and the job queue.
class Handler {
public:
  Handler(Cache &cache, Stats &stats, BoundedQueue<Job> &jobs)
      : cache_(cache), stats_(stats), jobs_(jobs) {}
  service::http::Response handle(const service::http::Request &request);

private:
  Cache &cache_;
  Stats &stats_;
  BoundedQueue<Job> &jobs_;
  std::atomic<std::uint64_t> next_job_id_{1};
};

/// Accept loop feeding a fixed pool of connection workers.
class Server {
public:
  Server(Handler &handler, std::size_t queue_capacity)
      : handler_(handler), connections_(queue_capacity) {}
  ~Server();
  Server(const Server &) = delete;
  Server &operator=(const Server &) = delete;

  /// Opens the listening socket and the wake-up pipe; false on error.
  bool listen(std::uint16_t port);
  /// Write end of the wake-up pipe; one byte written to it stops run().
  int wakeFd() const noexcept { return wake_pipe_[1]; }
  void requestStop() noexcept;
  /// Serves until requestStop() or a byte on wakeFd(), then drains and joins
  /// the workers.
  void run();

private:
  void workerMain();
  void serveConnection(int fd, std::vector<char> &buffer);

  Handler &handler_;
  BoundedQueue<int> connections_;
  std::vector<std::thread> workers_;
  std::atomic<bool> stopping_{false};
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
};

// Free-standing helpers, see good_jobs.cpp.
std::optional<std::uint64_t> importSnapshot(Cache &cache,
                                            const std::vector<Entry> &entries);
[[nodiscard]] std::jthread warmCacheInBackground(Cache &cache,
                                                 std::vector<std::string> keys);
void refreshAll(Cache &cache, const std::vector<std::string> &keys);
std::thread startReplication(std::vector<Entry> entries, int replica_fd);
bool submitAudit(BoundedQueue<Job> &jobs, std::uint64_t id, std::string record);

} // namespace good

#endif // EXAMPLE_SERVICE_GOOD_H
