//===--- model.cpp - Stand-ins for the backing store and job work ---------===//
#include "service/model.h"

#include <array>

namespace service {
namespace {

// FNV-1a: cheap, deterministic "work" for the stand-ins below.
std::uint64_t fingerprint(std::string_view data) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : data)
    hash = (hash ^ c) * 1099511628211ull;
  return hash;
}

} // namespace

std::string loadFromBackingStore(std::string_view key) {
  static constexpr std::array<char, 16> kHex = {'0', '1', '2', '3', '4', '5',
                                                '6', '7', '8', '9', 'a', 'b',
                                                'c', 'd', 'e', 'f'};
  std::uint64_t hash = fingerprint(key);
  std::string value(16, '0');
  for (char &digit : value) {
    digit = kHex[hash & 0xf];
    hash >>= 4;
  }
  return value;
}

bool runJob(const Job &job) {
  // An empty payload stands for a dependency that is briefly unavailable.
  return !job.payload.empty() && fingerprint(job.payload) != 0;
}

std::string_view routeOf(std::string_view path) {
  if (path.starts_with("/kv/"))
    return "/kv/*";
  if (path == "/jobs" || path == "/stats" || path == "/admin/shutdown")
    return path;
  return "other";
}

} // namespace service
