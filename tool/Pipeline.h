//===--- Pipeline.h - one analysis run, stage by stage ----------*- C++ -*-===//
//
// collectInputs -> analyseUnits -> deduplicate -> linkProgram ->
// applyBaseline -> report -> applyFixes -> summarise: the compilation
// database and configuration checked, every translation unit analysed in a
// worker process (or taken from the cache), the findings deduplicated and
// fingerprinted (before the link, so a shard's fingerprints are those of
// one run), the program linked across translation units to decide the
// findings that depend on it, the baseline applied, the report files
// written, fix-its applied, the stdout report written (last: a closed pipe
// there costs nothing else), and the exit code.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_PIPELINE_H
#define LOADCHECK_TOOL_PIPELINE_H

#include "tool/front/Options.h"
#include <string>

namespace loadcheck {

/// Runs the analysis \p Opts describes, each translation unit in a worker
/// process forked from this one. Returns the process exit code.
int runAnalysis(const DriverOptions &Opts);

/// The check set that applies to \p File ("" = the current directory),
/// named by where it comes from, with \p Count checks: "the high-traffic
/// profile, 32 checks", "the high-traffic profile changed by .clang-tidy,
/// 30 checks", "custom checks from --checks, 4 checks". Configuration files
/// are named relative to \p Root.
std::string describeCheckSet(const DriverOptions &Opts, const std::string &File,
                             llvm::StringRef Root, size_t Count);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_PIPELINE_H
