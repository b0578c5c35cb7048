//===--- Fixes.h - apply or export fix-its ----------------------*- C++ -*-===//
#ifndef LOADCHECK_TOOL_RESULTS_FIXES_H
#define LOADCHECK_TOOL_RESULTS_FIXES_H

#include "tool/run/FileDigest.h"
#include "tool/results/Finding.h"
#include <string>
#include <vector>

namespace loadcheck {

struct FixOutcome {
  size_t Applied = 0; ///< findings whose fix was applied
  size_t FilesChanged = 0;
  std::vector<std::string> Conflicts; ///< one line per fix not applied
  std::vector<std::string> Errors;    ///< files that could not be written
  /// One line per file left alone because it is no longer what was
  /// analysed (its fix-its would land at the wrong offsets).
  std::vector<std::string> Refused;
};

/// Applies the fix-its of \p Findings in place. A finding's fix is applied
/// whole or not at all: when one of its replacements overlaps a fix already
/// accepted (in the findings' sorted order) it is reported as a conflict.
/// Each file is written to a temporary next to it and renamed over it.
/// With \p Analysed, a file whose content is not the one recorded there
/// (changed on disk since it was analysed, or not recorded) is refused:
/// none of the fixes touching it is applied, in any file.
FixOutcome applyFixes(const std::vector<Finding> &Findings,
                      const FileDigests *Analysed = nullptr);

/// Writes the fix-its as clang-tidy's --export-fixes YAML, which
/// clang-apply-replacements-19 applies. Returns "" or an error line.
std::string exportFixes(const std::string &Path,
                        const std::vector<Finding> &Findings);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_RESULTS_FIXES_H
