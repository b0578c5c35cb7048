//===--- good_state.cpp - GOOD: cache and stats with sound locking --------===//
//
// Counterparts of bad_state.cpp; loadcheck must report nothing here.
//
//===----------------------------------------------------------------------===//
#include "service/good.h"

namespace good {

std::optional<std::string> Cache::get(const std::string &key) {
  // GOOD(loadcheck-lock-order-inversion): std::scoped_lock takes both mutexes deadlock-free, and stats() uses the same call.
  std::scoped_lock lock(mu_, stats_mu_);
  const auto it = entries_.find(key);
  if (it == entries_.end()) {
    ++misses_;
    return std::nullopt;
  }
  ++hits_;
  return it->second;
}

void Cache::put(const std::string &key, std::string value) {
  std::lock_guard lock(mu_);
  entries_.insert_or_assign(key, std::move(value));
}

CacheStats Cache::stats() const {
  std::scoped_lock lock(mu_, stats_mu_);
  return {hits_, misses_, entries_.size()};
}

void Cache::warmOnce(const std::vector<Entry> &seed) {
  bool expected = false;
  // GOOD(loadcheck-atomic-check-then-act): check and set are one atomic step; exactly one caller loads the seed.
  if (!warmed_.compare_exchange_strong(expected, true))
    return;
  for (const Entry &entry : seed)
    put(entry.key, entry.value);
}

void Stats::recordRequest(std::string_view route) {
  // GOOD(loadcheck-unguarded-shared-state): every write to requests_ and by_route_ happens under mu_, like the reads in render().
  std::lock_guard lock(mu_);
  ++requests_;
  if (const auto it = by_route_.find(route); it != by_route_.end())
    ++it->second;
  else
    by_route_.emplace(route, 1);
}

std::string Stats::render() const {
  std::lock_guard lock(mu_);
  std::string out = "requests=" + std::to_string(requests_);
  for (const auto &[route, count] : by_route_) {
    out += ' ';
    out += route;
    out += '=';
    out += std::to_string(count);
  }
  return out;
}

} // namespace good
