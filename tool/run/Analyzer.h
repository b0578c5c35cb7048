//===--- Analyzer.h - run the checks over translation units -----*- C++ -*-===//
#ifndef LOADCHECK_TOOL_RUN_ANALYZER_H
#define LOADCHECK_TOOL_RUN_ANALYZER_H

#include "tool/run/FileResult.h"
#include "tool/front/Options.h"
#include "clang/Tooling/CompilationDatabase.h"
#include <string>
#include <vector>

namespace loadcheck {

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

#endif // LOADCHECK_TOOL_RUN_ANALYZER_H
