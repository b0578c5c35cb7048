//===--- Pipeline.h - one analysis run, stage by stage ----------*- C++ -*-===//
//
// collectInputs -> analyseUnits -> deduplicate -> linkProgram ->
// applyBaseline -> report -> applyFixes -> summarise: the compilation
// database and configuration checked, every translation unit analysed in a
// worker process (or taken from the cache), the findings deduplicated and
// fingerprinted, the program linked across translation units to decide
// the findings that depend on it, the baseline applied, the reports
// written, fix-its applied, and the exit code.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_PIPELINE_H
#define LOADCHECK_TOOL_PIPELINE_H

#include "tool/front/Options.h"
#include <string>

namespace loadcheck {

/// Runs the analysis \p Opts describes; \p Executable is the driver itself,
/// re-executed as the workers. Returns the process exit code.
int runAnalysis(const DriverOptions &Opts, const std::string &Executable);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_PIPELINE_H
