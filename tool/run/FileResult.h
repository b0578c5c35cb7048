//===--- FileResult.h - what analysing one translation unit gave -*- C++
//-*-===//
#ifndef LOADCHECK_TOOL_RUN_FILERESULT_H
#define LOADCHECK_TOOL_RUN_FILERESULT_H

#include "tool/results/Finding.h"
#include "tool/run/FileDigest.h"
#include <string>
#include <vector>

namespace loadcheck {

/// What happened to one translation unit.
struct FileResult {
  std::string File;
  std::vector<Finding> Findings; ///< includes compiler errors, if any
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
};

} // namespace loadcheck

#endif // LOADCHECK_TOOL_RUN_FILERESULT_H
