//===--- model.h - Domain types shared by both halves -----------*- C++ -*-===//
#ifndef EXAMPLE_SERVICE_MODEL_H
#define EXAMPLE_SERVICE_MODEL_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace service {

struct Entry {
  std::string key;
  std::string value;
};

struct Job {
  std::uint64_t id = 0;
  std::string payload;
};

struct CacheStats {
  std::uint64_t hits = 0;
  std::uint64_t misses = 0;
  std::size_t entries = 0;
};

/// Stand-in for a slow read from the backing database.
std::string loadFromBackingStore(std::string_view key);

/// Stand-in for one background job; false is a transient failure that is
/// worth one retry.
bool runJob(const Job &job);

/// Maps a request path to a bounded set of metric labels ("/kv/*"), so that
/// per-route counters do not grow with the number of keys.
std::string_view routeOf(std::string_view path);

} // namespace service

#endif // EXAMPLE_SERVICE_MODEL_H
