//===--- bad_state.cpp - BAD: cache and stats with racy locking -----------===//
//
// Expected findings: unguarded-shared-state, lock-order-inversion,
// atomic-check-then-act. Counterparts: good_state.cpp.
//
//===----------------------------------------------------------------------===//
#include "service/bad.h"

namespace bad {

std::optional<std::string> Cache::get(const std::string &key) {
  std::lock_guard lock(mu_);
  const auto it = entries_.find(key);
  // Order here: mu_, then stats_mu_ (stats() below takes the opposite order).
  std::lock_guard stats_lock(stats_mu_);
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

CacheStats Cache::stats() {
  std::lock_guard stats_lock(stats_mu_);
  // BAD(loadcheck-lock-order-inversion): stats_mu_ then mu_, while get() takes mu_ then stats_mu_: the two can deadlock.
  std::lock_guard lock(mu_);
  return {hits_, misses_, entries_.size()};
}

void Cache::warmOnce(const std::vector<Entry> &seed) {
  // BAD(loadcheck-atomic-check-then-act): two threads can both read false before either stores true; the seed loads twice.
  if (!warmed_) {
    warmed_ = true;
    for (const Entry &entry : seed)
      put(entry.key, entry.value);
  }
}

void Stats::recordRequest(std::string_view route) {
  // BAD(loadcheck-unguarded-shared-state): requests_ is read under mu_ in render() but incremented here without it.
  ++requests_;
  std::lock_guard lock(mu_);
  ++by_route_[std::string(route)];
}

std::string Stats::render() {
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

} // namespace bad
