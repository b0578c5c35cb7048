//===--- Baseline.h - accept today's findings, report new ones --*- C++ -*-===//
//
// A baseline is a JSON file (docs/formats.md) listing findings by
// fingerprint (Fingerprint.h). With --baseline, findings whose fingerprint
// the baseline holds are not reported; each baseline entry absorbs one
// finding.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_RESULTS_BASELINE_H
#define LOADCHECK_TOOL_RESULTS_BASELINE_H

#include "tool/results/Finding.h"
#include <string>
#include <vector>

namespace loadcheck {

/// Writes the baseline of \p Findings. Returns "" or an error line.
std::string writeBaseline(const std::string &Path,
                          const std::vector<Finding> &Findings,
                          const std::string &Root);

/// Removes from \p Findings those recorded in the baseline \p Path. Returns
/// "" or an error line (unreadable or malformed baseline).
std::string applyBaseline(const std::string &Path,
                          std::vector<Finding> &Findings, size_t &Suppressed);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_RESULTS_BASELINE_H
