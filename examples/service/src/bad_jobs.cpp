//===--- bad_jobs.cpp - BAD: background work ------------------------------===//
//
// Expected findings: unbounded-queue, missing-cancellation,
// blocking-under-lock, unjoined-thread (x2), discarded-async-future,
// unbounded-thread-spawn, thread-exception-escape, detached-thread (x3),
// sleep-polling (x2), volatile-synchronization, unstructured-logging.
// Counterparts: good_jobs.cpp.
//
//===----------------------------------------------------------------------===//
#include "service/bad.h"

#include <chrono>
#include <future>
#include <iostream>
#include <pthread.h>
#include <stdexcept>
#include <unistd.h>

namespace bad {
namespace {

constexpr auto kRetryBackoff = std::chrono::milliseconds(100);

// BAD(loadcheck-volatile-synchronization): volatile orders nothing between threads; the flusher may never see the store.
volatile bool g_flusher_stop = false;

// Entry point of the audit threads: appends one record to the audit log.
void *auditMain(void *arg) {
  auto *record = static_cast<std::string *>(arg);
  record->push_back('\n');
  [[maybe_unused]] const ssize_t n =
      ::write(STDERR_FILENO, record->data(), record->size());
  delete record;
  return nullptr;
}

} // namespace

void JobQueue::push(Job job) {
  {
    std::lock_guard lock(mu_);
    // BAD(loadcheck-unbounded-queue): no capacity check, no wait: under overload producers never slow down and memory grows until OOM.
    jobs_.push(std::move(job));
  }
  ready_.notify_one();
}

Job JobQueue::pop() {
  std::unique_lock lock(mu_);
  ready_.wait(lock, [this] { return !jobs_.empty(); });
  Job job = std::move(jobs_.front());
  jobs_.pop();
  return job;
}

std::size_t JobQueue::size() {
  std::lock_guard lock(mu_);
  return jobs_.size();
}

JobRunner::JobRunner(JobQueue &queue) : queue_(queue) {
  worker_ = std::thread([this] {
    // BAD(loadcheck-missing-cancellation): nothing can stop this loop, so the join() in ~JobRunner hangs at shutdown.
    while (true) {
      const Job job = queue_.pop();
      execute(job);
    }
  });
}

JobRunner::~JobRunner() { worker_.join(); }

std::size_t JobRunner::inFlight() {
  std::lock_guard lock(mu_);
  return in_flight_.size();
}

void JobRunner::execute(const Job &job) {
  std::lock_guard lock(mu_);
  in_flight_.insert(job.id);
  if (!service::runJob(job)) {
    // BAD(loadcheck-blocking-under-lock): backs off with mu_ held; inFlight() callers stall for the whole sleep.
    std::this_thread::sleep_for(kRetryBackoff);
    service::runJob(job);
  }
  in_flight_.erase(job.id);
}

// Loads a snapshot; a helper thread sums its size while this one inserts.
std::optional<std::uint64_t> importSnapshot(Cache &cache,
                                            const std::vector<Entry> &entries) {
  std::uint64_t total_bytes = 0;
  // BAD(loadcheck-unjoined-thread): the early return below leaves 'sizer' joinable; its destructor calls std::terminate.
  std::thread sizer([&entries, &total_bytes] {
    for (const Entry &entry : entries)
      total_bytes += entry.key.size() + entry.value.size();
  });
  for (const Entry &entry : entries) {
    if (entry.key.empty())
      return std::nullopt; // corrupt snapshot
    cache.put(entry.key, entry.value);
  }
  sizer.join();
  return total_bytes;
}

// Preloads hot keys so the first requests after a deploy hit the cache.
void warmCacheInBackground(Cache &cache, std::vector<std::string> keys) {
  // BAD(loadcheck-unjoined-thread): 'warmer' is never joined or detached: std::terminate when this function returns.
  std::thread warmer([&cache, keys = std::move(keys)] {
    for (const std::string &key : keys)
      cache.put(key, service::loadFromBackingStore(key));
  });
}

// Re-reads every key from the backing store, "in parallel".
void refreshAll(Cache &cache, const std::vector<std::string> &keys) {
  for (const std::string &key : keys) {
    // BAD(loadcheck-unbounded-thread-spawn): one thread per key; a large key set starts thousands of threads.
    // BAD(loadcheck-discarded-async-future): 'done' blocks in its destructor at the end of each iteration: the refresh runs one key at a time.
    auto done = std::async(std::launch::async, [&cache, key] {
      cache.put(key, service::loadFromBackingStore(key));
    });
  }
}

// Streams the cache to a replica; the caller joins the returned thread.
std::thread startReplication(std::vector<Entry> entries, int replica_fd) {
  return std::thread([entries = std::move(entries), replica_fd] {
    for (const Entry &entry : entries) {
      const std::string line = entry.key + "=" + entry.value + "\n";
      if (!service::http::sendAll(replica_fd, line))
        // BAD(loadcheck-thread-exception-escape): nothing catches this on the replication thread: std::terminate kills the server.
        throw std::runtime_error("replica connection lost");
    }
  });
}

// Writes one audit record without making the request wait for it.
bool startAudit(std::string record) {
  auto *payload = new std::string(std::move(record));
  pthread_t audit_thread;
  if (pthread_create(&audit_thread, nullptr, &auditMain, payload) != 0) {
    delete payload;
    return false;
  }
  // BAD(loadcheck-detached-thread): shutdown cannot wait for the audit write; records in flight are lost.
  pthread_detach(audit_thread);
  return true;
}

bool startAuditBatch(std::vector<std::string> records) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  // BAD(loadcheck-detached-thread): every audit thread is born detached and cannot be joined at shutdown.
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  bool ok = true;
  for (std::string &record : records) {
    auto *payload = new std::string(std::move(record));
    pthread_t audit_thread;
    // BAD(loadcheck-unbounded-thread-spawn): one thread per record of the batch.
    if (pthread_create(&audit_thread, &attr, &auditMain, payload) != 0) {
      delete payload;
      ok = false;
    }
  }
  pthread_attr_destroy(&attr);
  return ok;
}

// Blocks until every queued job was picked up (called before shutdown).
void waitForDrain(JobQueue &queue) {
  // BAD(loadcheck-sleep-polling): polls size() every 10 ms: burns CPU while idle and adds up to 10 ms of latency.
  while (queue.size() > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

void startMetricsFlusher(Stats &stats) {
  std::thread flusher([&stats] {
    // BAD(loadcheck-sleep-polling): wakes every second to re-check the flag; stopping waits up to a full period.
    while (!g_flusher_stop) {
      std::this_thread::sleep_for(std::chrono::seconds(1));
      // BAD(loadcheck-unstructured-logging): std::cout from a thread entry: unstructured, unlevelled, interleaved.
      std::cout << stats.render() << '\n';
    }
  });
  // BAD(loadcheck-detached-thread): the flusher outlives 'stats' at shutdown and cannot be joined.
  flusher.detach();
}

void stopMetricsFlusher() { g_flusher_stop = true; }

} // namespace bad
