//===--- Report.h - the reports a run writes --------------------*- C++ -*-===//
//
// The format switch over every reporter (Reporters.h, TextReporter.h) and
// where the reports go: --checklist to stdout, each --format report to its
// own file, or to --output, or to stdout, coloured as --color says. One
// analysis writes every report. The files are written first; what goes to
// stdout is rendered then and written last (after --fix, so a closed pipe
// on stdout cannot cost the fixes or the report files).
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_REPORT_REPORT_H
#define LOADCHECK_TOOL_REPORT_REPORT_H

#include "tool/front/Options.h"
#include "tool/report/Reporters.h"
#include "tool/results/Finding.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/raw_ostream.h"
#include <string>
#include <vector>

namespace loadcheck {

/// Prints \p Findings in \p Format.
void printReport(llvm::raw_ostream &OS, OutputFormat Format,
                 const std::vector<Finding> &Findings,
                 const ReportContext &Context);

/// What writing the reports gave: "" or the error line, whether a report
/// file could not even be opened (nothing was written; the run stops
/// there), and the text for stdout, to be written by writeStdout.
struct WriteOutcome {
  std::string Error;
  bool NotOpened = false;
  std::string Stdout;
};

/// Prints one report in the given format.
using ReportPrinter =
    llvm::function_ref<void(llvm::raw_ostream &, OutputFormat)>;

/// Writes \p Reports as \p Print prints them: a report with a file to that
/// file, the other to \p Output, or rendered into WriteOutcome::Stdout when
/// that is "". Text is coloured as \p Color says.
WriteOutcome writeReportFiles(const std::vector<ReportRequest> &Reports,
                              const std::string &Output, ColorMode Color,
                              ReportPrinter Print);

/// Writes the reports \p Opts asks for (none: text), and --checklist.
WriteOutcome writeReports(const DriverOptions &Opts,
                          const std::vector<Finding> &Findings,
                          const ReportContext &Context);

/// Writes what the reports rendered for stdout.
void writeStdout(llvm::StringRef Text);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_REPORT_REPORT_H
