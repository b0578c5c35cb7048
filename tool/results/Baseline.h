//===--- Baseline.h - accept today's findings, report new ones --*- C++ -*-===//
//
// A baseline is a JSON file (docs/formats.md) listing findings by
// fingerprint (Fingerprint.h). With --baseline, findings whose fingerprint
// the baseline holds are not reported; each baseline entry absorbs one
// finding. Entries that absorb none are gone: fixed (or removed) since the
// baseline was written.
//
// Version 2 fingerprints name the enclosing function from the AST. Version 1
// baselines (functions found by counting braces) are still read, matched
// against version 1 fingerprints, with a warning that asks to rewrite them.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_RESULTS_BASELINE_H
#define LOADCHECK_TOOL_RESULTS_BASELINE_H

#include "tool/results/Finding.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace loadcheck {

/// The version --write-baseline writes.
inline constexpr int BaselineVersion = 2;

struct Baseline {
  struct Entry {
    std::string Fingerprint;
    std::string File; ///< relative to the root, as written
  };
  std::string Path;
  int Version = BaselineVersion;
  std::vector<Entry> Entries;
};

/// Writes the baseline of \p Findings. Returns "" or an error line.
std::string writeBaseline(const std::string &Path,
                          const std::vector<Finding> &Findings,
                          const std::string &Root);

/// Reads the baseline \p Path into \p Out. Returns "" or an error line
/// (unreadable, malformed, or of an unknown version).
std::string readBaseline(const std::string &Path, Baseline &Out);

/// The warning a baseline of an older version deserves, or "".
std::string upgradeWarning(const Baseline &Known);

struct BaselineOutcome {
  size_t Suppressed = 0; ///< findings the baseline holds, not reported
  size_t Gone = 0;       ///< entries that no finding matched
};

/// Removes from \p Findings those \p Known holds (by their version 1
/// fingerprint for a version 1 baseline). Gone counts the unmatched entries
/// whose file \p Covered says the run analysed (a file outside a shard's
/// share has no findings to match).
BaselineOutcome
applyBaseline(const Baseline &Known, std::vector<Finding> &Findings,
              llvm::function_ref<bool(llvm::StringRef File)> Covered);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_RESULTS_BASELINE_H
