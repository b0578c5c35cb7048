//===--- Analyzer.h - run the checks over translation units -----*- C++ -*-===//
#ifndef LOADCHECK_TOOL_ANALYZER_H
#define LOADCHECK_TOOL_ANALYZER_H

#include "tool/FileDigest.h"
#include "tool/Finding.h"
#include "tool/Options.h"
#include "clang/Tooling/CompilationDatabase.h"
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

/// Runs the enabled checks over one file through clang-tidy's library entry
/// point, so NOLINT, CheckOptions and header filtering behave as in
/// clang-tidy.
FileResult analyzeFile(const std::string &File,
                       const clang::tooling::CompilationDatabase &Database,
                       const DriverOptions &Opts);

/// The names of the checks enabled for \p File (or for the current
/// directory when empty), as clang-tidy computes them.
std::vector<std::string> enabledChecks(const DriverOptions &Opts,
                                       const std::string &File);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_ANALYZER_H
