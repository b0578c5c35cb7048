//===--- good_main.cpp - GOOD: wiring, signals, graceful shutdown ---------===//
//
// Counterpart of bad_main.cpp; loadcheck must report nothing here.
//
//===----------------------------------------------------------------------===//
#include "service/good.h"
#include "service/log.h"

#include <csignal>
#include <signal.h>
#include <unistd.h>

namespace {

namespace slog = service::slog;

constexpr std::uint16_t kPort = 8080;
constexpr std::size_t kConnectionQueueCapacity = 256;
constexpr std::size_t kJobQueueCapacity = 1024;

// Write end of the server's wake-up pipe. Set before the handler is installed
// and never changed afterwards, so the handler only ever reads it.
int g_wake_fd = -1;

// Only write(2), which is async-signal-safe: the accept loop sees the byte,
// stops accepting and drains.
extern "C" void onTerminate(int /*signo*/) {
  const char byte = 't';
  [[maybe_unused]] const ssize_t n = ::write(g_wake_fd, &byte, 1);
}

bool installSignalHandlers() {
  struct sigaction action {};
  action.sa_handler = onTerminate;
  sigemptyset(&action.sa_mask);
  return ::sigaction(SIGTERM, &action, nullptr) == 0 &&
         ::sigaction(SIGINT, &action, nullptr) == 0;
}

} // namespace

// GOOD(loadcheck-missing-graceful-shutdown): SIGTERM/SIGINT stop the accept loop; workers, job runner and flusher drain and join.
int main() {
  good::Cache cache;
  good::Stats stats;
  good::BoundedQueue<service::Job> jobs(kJobQueueCapacity);
  good::JobRunner runner(jobs);
  good::MetricsFlusher flusher(stats, std::chrono::seconds(10));
  good::Handler handler(cache, stats, jobs);
  good::Server server(handler, kConnectionQueueCapacity);

  if (!server.listen(kPort)) {
    slog::error("listen_failed", {{"port", kPort}});
    return 1;
  }
  g_wake_fd = server.wakeFd();
  if (!installSignalHandlers()) {
    slog::error("sigaction_failed");
    return 1;
  }
  std::jthread warmer =
      good::warmCacheInBackground(cache, {"config", "home", "popular"});
  slog::info("listening", {{"port", kPort}});

  server.run(); // returns once stopped, with every connection worker joined
  // Finish the queued jobs, then let the destructors stop and join warmer,
  // flusher and runner.
  jobs.close();
  jobs.waitUntilEmpty();
  slog::info("stopped", {{"jobs_completed", runner.completed()}});
  return 0;
}
