//===--- FileDigest.h - identity of a file's content ------------*- C++ -*-===//
#ifndef LOADCHECK_TOOL_RUN_FILEDIGEST_H
#define LOADCHECK_TOOL_RUN_FILEDIGEST_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/xxhash.h"
#include <cstdint>
#include <map>
#include <string>

namespace loadcheck {

/// Size and 64-bit XXH3 of a file's bytes: what --fix compares to know that
/// a file is still the one its fix-its were computed on.
struct FileDigest {
  uint64_t Size = 0;
  uint64_t Hash = 0;

  static FileDigest of(llvm::StringRef Content) {
    return {Content.size(), llvm::xxh3_64bits(Content)};
  }
  /// Recorded for a file that two analyses read with different contents: it
  /// changed during the run, and matches no content.
  static FileDigest changedDuringRun() { return {~uint64_t(0), 0}; }
  bool operator==(const FileDigest &O) const {
    return Size == O.Size && Hash == O.Hash;
  }
  bool operator!=(const FileDigest &O) const { return !(*this == O); }
};

/// Absolute path -> digest of the content the analysis read.
using FileDigests = std::map<std::string, FileDigest>;

/// Adds the digests of one analysis to those of the run.
inline void mergeDigests(FileDigests &Into, const FileDigests &From) {
  for (const auto &[File, Digest] : From) {
    auto [It, Inserted] = Into.emplace(File, Digest);
    if (!Inserted && It->second != Digest)
      It->second = FileDigest::changedDuringRun();
  }
}

} // namespace loadcheck

#endif // LOADCHECK_TOOL_RUN_FILEDIGEST_H
