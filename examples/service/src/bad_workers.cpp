//===--- bad_workers.cpp - BAD: config reloader and webhook notifier ------===//
//
// Two more background workers with thread lifecycle anti-patterns; their
// counterparts are in good_workers.cpp.
//
//===----------------------------------------------------------------------===//
#include "service/model.h"

#include <future>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace bad {

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

// POSTs the changed key to one subscriber (the backing store stands in for
// the HTTP call).
void deliver(const std::string &url, const std::string &key) {
  service::loadFromBackingStore(url + "?key=" + key);
}

} // namespace

// Re-reads the configuration from the backing store, over and over.
std::jthread startConfigReloader() {
  return std::jthread([](std::stop_token st) {
    // BAD(loadcheck-missing-cancellation): the stop token is never read: ~jthread requests a stop nobody sees, then waits forever.
    while (true) {
      // BAD(loadcheck-thread-exception-escape): one malformed line throws out of the reloader thread: std::terminate kills the server.
      const auto entries = parseConfig(service::loadFromBackingStore("config"));
      (void)entries;
    }
  });
}

// Tells every subscriber about a changed key, "in parallel".
void notifySubscribers(const std::vector<std::string> &urls,
                       const std::string &key) {
  for (const std::string &url : urls) {
    // BAD(loadcheck-unbounded-thread-spawn): one thread per subscriber; a popular key starts thousands.
    // BAD(loadcheck-discarded-async-future): the discarded future blocks at the end of the statement: one webhook at a time.
    (void)std::async(std::launch::async, deliver, url, key);
  }
}

} // namespace bad
