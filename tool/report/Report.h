//===--- Report.h - the reports a run writes --------------------*- C++ -*-===//
//
// The format switch over every reporter (Reporters.h, TextReporter.h) and
// where the reports go: --checklist to stdout, the --format report to
// --output or stdout, coloured as --color says.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_REPORT_REPORT_H
#define LOADCHECK_TOOL_REPORT_REPORT_H

#include "tool/front/Options.h"
#include "tool/report/Reporters.h"
#include "tool/results/Finding.h"
#include "llvm/Support/raw_ostream.h"
#include <string>
#include <vector>

namespace loadcheck {

/// Prints \p Findings in \p Format.
void printReport(llvm::raw_ostream &OS, OutputFormat Format,
                 const std::vector<Finding> &Findings,
                 const ReportContext &Context);

/// What writing the reports gave: "" or the error line, and whether the
/// --output file could not even be opened (nothing was written; the run
/// stops there).
struct WriteOutcome {
  std::string Error;
  bool NotOpened = false;
};

/// Writes the reports \p Opts asks for.
WriteOutcome writeReports(const DriverOptions &Opts,
                          const std::vector<Finding> &Findings,
                          const ReportContext &Context);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_REPORT_REPORT_H
