//===--- good_workers.cpp - GOOD: config reloader and webhook notifier ----===//
//
// Counterparts of bad_workers.cpp; loadcheck must report nothing here.
//
//===----------------------------------------------------------------------===//
#include "service/log.h"
#include "service/model.h"

#include <algorithm>
#include <exception>
#include <future>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace good {

namespace slog = service::slog;

namespace {

// Parses "key=value" lines; throws on a malformed line.
std::vector<service::Entry> parseConfig(const std::string &text) {
  std::vector<service::Entry> entries;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos)
      end = text.size();
    const std::string line = text.substr(begin, end - begin);
    const std::size_t eq = line.find('=');
    if (eq == std::string::npos)
      throw std::invalid_argument("malformed config line: " + line);
    entries.push_back({line.substr(0, eq), line.substr(eq + 1)});
    begin = end + 1;
  }
  return entries;
}

void deliver(const std::string &url, const std::string &key) {
  service::loadFromBackingStore(url + "?key=" + key);
}

} // namespace

// Re-reads the configuration until the owner drops the returned jthread.
std::jthread startConfigReloader() {
  return std::jthread([](std::stop_token st) {
    // GOOD(loadcheck-missing-cancellation): the loop ends when ~jthread requests a stop.
    while (!st.stop_requested()) {
      // GOOD(loadcheck-thread-exception-escape): a malformed configuration is logged and the old one kept.
      try {
        const auto entries =
            parseConfig(service::loadFromBackingStore("config"));
        slog::info("config_reloaded", {{"entries", entries.size()}});
      } catch (const std::exception &e) {
        slog::error("config_rejected", {{"error", e.what()}});
      }
    }
  });
}

// Tells every subscriber about a changed key with a bounded number of tasks.
void notifySubscribers(const std::vector<std::string> &urls,
                       const std::string &key) {
  // GOOD(loadcheck-unbounded-thread-spawn): at most hardware_concurrency() deliveries run at once, however many subscribers.
  const std::size_t worker_count =
      std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::future<void>> pending;
  pending.reserve(worker_count);
  for (std::size_t w = 0; w < worker_count; ++w) {
    // GOOD(loadcheck-discarded-async-future): every future is kept, then waited below.
    pending.push_back(
        std::async(std::launch::async, [&urls, &key, w, worker_count] {
          for (std::size_t i = w; i < urls.size(); i += worker_count)
            deliver(urls[i], key);
        }));
  }
  for (std::future<void> &done : pending)
    done.get(); // rethrows a failed delivery here, in the caller
}

} // namespace good
