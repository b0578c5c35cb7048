//===--- FileResult.h - one translation unit's outcome ---------*- C++ -*-===//
#ifndef LOADCHECK_TOOL_RUN_FILERESULT_H
#define LOADCHECK_TOOL_RUN_FILERESULT_H

#include "tool/results/Finding.h"
#include "tool/run/FileDigest.h"
#include "llvm/Support/JSON.h"
#include <string>
#include <vector>

namespace loadcheck {

/// What happened to one translation unit.
struct FileResult {
  std::string File;
  std::vector<Finding> Findings; ///< includes compiler errors, if any
  /// Findings in headers that the header filters (HeaderFilterRegex,
  /// ExcludeHeaderFilterRegex, --header-filter, --exclude-header-filter)
  /// hide: not reported, counted in the summary.
  std::vector<Finding> HiddenInHeaders;
  /// Set when the file could not be analysed (unreadable, does not
  /// compile): a one-line reason.
  std::string Failure;
  /// What the result cache (--cache-dir, Cache.h) did for this file, and
  /// its warnings (one line each; the driver prints each text once). Not
  /// part of a cache entry. DirectHit: found through a manifest, without
  /// preprocessing; Hit: through the preprocessed key.
  enum class CacheStatus { Off, Hit, DirectHit, Miss } Cache = CacheStatus::Off;
  std::vector<std::string> CacheWarnings;
  /// The content the analysis read of every file a fix-it of Findings
  /// touches (see --fix).
  FileDigests Analysed;
  /// The program facts of the translation unit (checks/model/ProgramLink.h)
  /// for the driver's link stage; null when it was not analysed.
  llvm::json::Value Facts = nullptr;
};

} // namespace loadcheck

#endif // LOADCHECK_TOOL_RUN_FILERESULT_H
