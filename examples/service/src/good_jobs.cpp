//===--- good_jobs.cpp - GOOD: background work ----------------------------===//
//
// Counterparts of bad_jobs.cpp; loadcheck must report nothing here.
//
//===----------------------------------------------------------------------===//
#include "service/good.h"
#include "service/log.h"

#include <algorithm>
#include <exception>
#include <future>

namespace good {

namespace slog = service::slog;

namespace {
constexpr auto kRetryBackoff = std::chrono::milliseconds(100);
} // namespace

JobRunner::JobRunner(BoundedQueue<Job> &queue)
    : queue_(queue),
      // GOOD(loadcheck-unjoined-thread): a std::jthread member requests stop and joins in its destructor.
      worker_([this](std::stop_token st) { run(st); }) {}

std::size_t JobRunner::inFlight() const {
  std::lock_guard lock(mu_);
  return in_flight_.size();
}

void JobRunner::run(const std::stop_token &st) noexcept {
  // GOOD(loadcheck-missing-cancellation): the loop ends on a stop request, and pop() wakes up for it too.
  while (!st.stop_requested()) {
    std::optional<Job> job = queue_.pop(st);
    if (!job)
      return; // closed and drained, or stopped
    // GOOD(loadcheck-thread-exception-escape): a failing job is logged and counted; it never unwinds out of the thread.
    try {
      execute(*job);
    } catch (const std::exception &e) {
      failed_.fetch_add(1);
      slog::error("job_failed", {{"id", job->id}, {"error", e.what()}});
    } catch (...) {
      failed_.fetch_add(1);
      slog::error("job_failed", {{"id", job->id}});
    }
  }
}

void JobRunner::execute(const Job &job) {
  {
    std::lock_guard lock(mu_);
    in_flight_.insert(job.id);
  }
  bool ok = service::runJob(job);
  if (!ok) {
    // GOOD(loadcheck-blocking-under-lock): backs off with mu_ released; inFlight() never waits behind a sleeping job.
    std::this_thread::sleep_for(kRetryBackoff);
    ok = service::runJob(job);
  }
  {
    std::lock_guard lock(mu_);
    in_flight_.erase(job.id);
  }
  (ok ? completed_ : failed_).fetch_add(1);
  if (!ok)
    slog::warn("job_gave_up", {{"id", job.id}});
}

MetricsFlusher::MetricsFlusher(const Stats &stats,
                               std::chrono::milliseconds interval)
    : stats_(stats), interval_(interval),
      // GOOD(loadcheck-unjoined-thread): a member thread, joined in ~MetricsFlusher.
      thread_(&MetricsFlusher::run, this) {}

MetricsFlusher::~MetricsFlusher() {
  {
    // Under mu_ so the store cannot slip between run()'s check and its wait.
    std::lock_guard lock(mu_);
    stopping_.store(true);
  }
  wake_.notify_one();
  thread_.join();
}

void MetricsFlusher::run() {
  // GOOD(loadcheck-thread-exception-escape): the whole entry is in try/catch; a failed flush is logged, not fatal.
  try {
    // GOOD(loadcheck-missing-cancellation): the loop condition reads the atomic stop flag.
    while (!stopping_.load()) {
      {
        std::unique_lock lock(mu_);
        // GOOD(loadcheck-sleep-polling): a timed condition-variable wait; the destructor wakes it immediately.
        wake_.wait_for(lock, interval_, [this] { return stopping_.load(); });
      }
      const std::string snapshot = stats_.render();
      // GOOD(loadcheck-unstructured-logging): the structured logger, not std::cout.
      slog::info("metrics", {{"snapshot", snapshot}});
    }
  } catch (const std::exception &e) {
    slog::error("metrics_flusher_failed", {{"error", e.what()}});
  } catch (...) {
    slog::error("metrics_flusher_failed");
  }
}

// Loads a snapshot; a helper thread sums its size while this one inserts.
std::optional<std::uint64_t> importSnapshot(Cache &cache,
                                            const std::vector<Entry> &entries) {
  std::uint64_t total_bytes = 0;
  // GOOD(loadcheck-unjoined-thread): 'sizer' is joined on every path, including the early return below.
  std::thread sizer([&entries, &total_bytes] {
    for (const Entry &entry : entries)
      total_bytes += entry.key.size() + entry.value.size();
  });
  for (const Entry &entry : entries) {
    if (entry.key.empty()) {
      sizer.join(); // before the early return, or ~thread would terminate
      return std::nullopt; // corrupt snapshot
    }
    cache.put(entry.key, entry.value);
  }
  sizer.join();
  return total_bytes;
}

// Preloads hot keys; the caller owns the returned thread.
std::jthread warmCacheInBackground(Cache &cache,
                                   std::vector<std::string> keys) {
  // GOOD(loadcheck-unjoined-thread): a std::jthread handed to the caller; it stops and joins when the caller drops it.
  return std::jthread([&cache, keys = std::move(keys)](std::stop_token st) {
    try {
      for (const std::string &key : keys) {
        // GOOD(loadcheck-missing-cancellation): the stop token is checked between keys.
        if (st.stop_requested())
          return;
        cache.put(key, service::loadFromBackingStore(key));
      }
    } catch (const std::exception &e) {
      slog::error("cache_warmup_failed", {{"error", e.what()}});
    } catch (...) {
      slog::error("cache_warmup_failed");
    }
  });
}

// Re-reads every key from the backing store in parallel.
void refreshAll(Cache &cache, const std::vector<std::string> &keys) {
  // GOOD(loadcheck-unbounded-thread-spawn): a fixed number of shards sized by the hardware, not one task per key.
  const std::size_t worker_count =
      std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::future<void>> pending;
  pending.reserve(worker_count);
  for (std::size_t shard = 0; shard < worker_count; ++shard) {
    // GOOD(loadcheck-discarded-async-future): futures are collected here and waited together below.
    pending.push_back(std::async(std::launch::async, [&, shard] {
      for (std::size_t i = shard; i < keys.size(); i += worker_count)
        cache.put(keys[i], service::loadFromBackingStore(keys[i]));
    }));
  }
  // get() also rethrows a failed shard's exception in the caller.
  for (std::future<void> &done : pending)
    done.get();
}

// Streams the cache to a replica; the caller joins the returned thread.
std::thread startReplication(std::vector<Entry> entries, int replica_fd) {
  return std::thread([entries = std::move(entries), replica_fd] {
    // GOOD(loadcheck-thread-exception-escape): errors are reported and logged inside the thread; nothing escapes it.
    try {
      std::string line;
      for (const Entry &entry : entries) {
        line.assign(entry.key);
        line += '=';
        line += entry.value;
        line += '\n';
        if (!service::http::sendAll(replica_fd, line)) {
          slog::warn("replica_disconnected", {{"fd", replica_fd}});
          return;
        }
      }
    } catch (const std::exception &e) {
      slog::error("replication_failed", {{"error", e.what()}});
    } catch (...) {
      slog::error("replication_failed");
    }
  });
}

// GOOD(loadcheck-detached-thread): audit records go through the bounded job queue, whose runner is joined at shutdown.
bool submitAudit(BoundedQueue<Job> &jobs, std::uint64_t id,
                 std::string record) {
  return jobs.tryPush(Job{id, std::move(record)});
}

} // namespace good
