//===--- Shard.h - split the translation units across CI jobs ---*- C++ -*-===//
//
// --shard K/N analyses one of N disjoint shares of the translation units.
// The split depends only on the set of files and their sizes: files sorted
// by size (largest first, ties by path) each go to the shard with the
// fewest bytes so far (ties to the lowest shard), the classic greedy
// balancing. It is independent of the input order and of -j, so N machines
// running the same command with K = 1..N together analyse every file once.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_RESULTS_SHARD_H
#define LOADCHECK_TOOL_RESULTS_SHARD_H

#include <cstdint>
#include <string>
#include <vector>

namespace loadcheck {

struct SizedFile {
  std::string Path;
  uint64_t Size = 0;
};

/// The 0-based shard of each file of \p Files (same order) among \p Count.
std::vector<unsigned> assignShards(const std::vector<SizedFile> &Files,
                                   unsigned Count);

/// The files of shard \p Index (1-based) of \p Count, sized from disk (an
/// unreadable file counts as empty), in their original order.
std::vector<std::string> selectShard(const std::vector<std::string> &Files,
                                     unsigned Index, unsigned Count);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_RESULTS_SHARD_H
