//===--- ChangedUnits.h - the units and lines a change touches --*- C++ -*-===//
//
// The changed-lines mode (--diff-base REV, --diff FILE) analyses the
// translation units a change affects and reports the findings on the lines
// it adds or modifies.
//
// A translation unit is affected when it reads a changed file (its main file
// or any header) or looks for a removed one (a deleted header, a rename's old
// name). What it reads comes from its result-cache manifest when that still
// holds (no preprocessing), otherwise from running the preprocessor on it:
// exact, never a guess from #include lines. A unit that cannot be
// preprocessed is analysed (conservatively: the analysis reports why).
//
// The link stage needs the whole program's facts to give the same verdicts
// as a full run. Unaffected units give theirs from the cache when it holds
// their current result. When some are missing and a finding on a changed
// line is a candidate (its verdict depends on the program), the missing
// units are analysed for their facts, so a changed-lines run never reports
// what a full run drops.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_CHANGED_CHANGEDUNITS_H
#define LOADCHECK_TOOL_CHANGED_CHANGEDUNITS_H

#include "tool/changed/ChangeSet.h"
#include "tool/front/Options.h"
#include "tool/link/LinkStage.h"
#include "tool/results/Finding.h"
#include "clang/Tooling/CompilationDatabase.h"
#include <optional>
#include <string>
#include <vector>

namespace loadcheck {

struct ChangedUnits {
  ChangeSet Changes;
  size_t Total = 0;                  ///< translation units of the input set
  std::vector<std::string> Affected; ///< to analyse, sorted
  /// Facts of unaffected units, from the cache.
  std::vector<UnitFacts> CachedFacts;
  /// Unaffected units whose facts the cache does not hold.
  std::vector<std::string> WithoutFacts;
  std::vector<std::string> Warnings; ///< the cache's, one line each

  /// Keeps the findings on changed lines, and compiler errors anywhere
  /// (they say why a unit could not be analysed).
  void keepChangedLines(std::vector<Finding> &Findings) const;
  /// "changed lines: A of T translation units affected by ..." for stderr.
  std::string summaryLine() const;
};

/// True when --diff-base or --diff asks for the changed-lines mode.
bool wantsChangedLines(const DriverOptions &Opts);

/// Reads the change (--diff-base, or --diff with paths relative to \p Root)
/// and selects the units of \p Files it affects, \p Jobs at a time. Returns
/// nullopt and one line when the change cannot be read.
std::optional<ChangedUnits>
selectChangedUnits(const DriverOptions &Opts,
                   const std::vector<std::string> &Files,
                   const clang::tooling::CompilationDatabase &Database,
                   llvm::StringRef Root, unsigned Jobs, std::string &Error);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_CHANGED_CHANGEDUNITS_H
