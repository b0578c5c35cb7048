//===--- bad.h - The BAD half of the example service ------------*- C++ -*-===//
//
// Components written the way loadcheck is meant to catch. The anti-patterns
// themselves live in src/bad_*.cpp, each marked `// BAD(<check>): <why>` on
// the line above; src/good_*.cpp holds the corrected counterparts.
//
//===----------------------------------------------------------------------===//
#ifndef EXAMPLE_SERVICE_BAD_H
#define EXAMPLE_SERVICE_BAD_H

#include "service/http.h"
#include "service/model.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <queue>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace bad {

using service::CacheStats;
using service::Entry;
using service::Job;

class Cache {
public:
  std::optional<std::string> get(const std::string &key);
  void put(const std::string &key, std::string value);
  CacheStats stats();
  /// Loads \p seed the first time it is called; later calls do nothing.
  void warmOnce(const std::vector<Entry> &seed);

private:
  std::mutex mu_;       // guards entries_
  std::mutex stats_mu_; // guards hits_ and misses_
  std::unordered_map<std::string, std::string> entries_;
  std::uint64_t hits_ = 0;
  std::uint64_t misses_ = 0;
  std::atomic<bool> warmed_{false};
};

class Stats {
public:
  void recordRequest(std::string_view route);
  std::string render();

private:
  std::mutex mu_; // guards requests_ and by_route_
  std::uint64_t requests_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> by_route_;
};

/// A hand-made work queue with no capacity limit.
class JobQueue {
public:
  void push(Job job);
  Job pop();
  std::size_t size();

private:
  std::mutex mu_;
  std::condition_variable ready_;
  std::queue<Job> jobs_;
};

/// Runs queued jobs on one background thread.
class JobRunner {
public:
  explicit JobRunner(JobQueue &queue);
  ~JobRunner();
  std::size_t inFlight();

private:
  void execute(const Job &job);

  JobQueue &queue_;
  std::mutex mu_; // guards in_flight_
  std::set<std::uint64_t> in_flight_;
  std::thread worker_;
};

/// Dispatches parsed requests to the cache, the stats and the job queue.
class Handler {
public:
  Handler(Cache &cache, Stats &stats, JobQueue &jobs)
      : cache_(cache), stats_(stats), jobs_(jobs) {}
  service::http::Response handle(const service::http::Request &request);

private:
  Cache &cache_;
  Stats &stats_;
  JobQueue &jobs_;
  std::atomic<std::uint64_t> next_job_id_{1};
};

// Free-standing helpers, see bad_jobs.cpp.
std::optional<std::uint64_t> importSnapshot(Cache &cache,
                                            const std::vector<Entry> &entries);
void warmCacheInBackground(Cache &cache, std::vector<std::string> keys);
void refreshAll(Cache &cache, const std::vector<std::string> &keys);
std::thread startReplication(std::vector<Entry> entries, int replica_fd);
bool startAudit(std::string record);
bool startAuditBatch(std::vector<std::string> records);
void waitForDrain(JobQueue &queue);
void startMetricsFlusher(Stats &stats);
void stopMetricsFlusher();

} // namespace bad

#endif // EXAMPLE_SERVICE_BAD_H
