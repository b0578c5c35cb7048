//===--- Reporters.h - machine-readable and CI outputs ----------*- C++ -*-===//
//
// Every reporter prints the final findings (deduplicated, sorted,
// fingerprinted, baseline-filtered) in one format. Paths are relative to the
// repository root (ReportContext::Root) when inside it. The formats are
// documented in docs/formats.md.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_REPORT_REPORTERS_H
#define LOADCHECK_TOOL_REPORT_REPORTERS_H

#include "tool/link/LinkStage.h"
#include "tool/results/Finding.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"
#include <string>
#include <vector>

namespace loadcheck {

struct FileFailure {
  std::string File;
  std::string Reason;
};

struct ReportContext {
  std::string Root; ///< absolute repository root
  std::vector<std::string> EnabledChecks;
  size_t FilesAnalysed = 0;
  std::vector<FileFailure> Failures;
  /// The check set and where it comes from, e.g. "the high-traffic
  /// profile, 32 checks" (describeCheckSet, Pipeline.h).
  std::string CheckSet;
  /// The program facts of every translation unit analysed (JSON reports
  /// carry them, so `loadcheck merge` can link shards), their "files"
  /// tables spelled as the findings' paths.
  std::vector<UnitFacts> Facts;
  /// Whether the findings were decided by linking Facts; false in a shard,
  /// whose program is incomplete (merge decides).
  bool FactsLinked = true;
  /// Findings in headers that the header filters hid, once each: the
  /// summary line, the JSON report and the SARIF run's properties say how
  /// many (`loadcheck merge` adds up those of its inputs).
  size_t HiddenInHeaders = 0;
};

/// `--format=json`: the schema of docs/formats.md, plus the program facts
/// (see ReportContext::Facts).
void printJson(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
               const ReportContext &Context);

/// `--format=sarif`: SARIF 2.1.0, one run, as GitHub code scanning takes it.
void printSarif(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                const ReportContext &Context);

/// `--format=github`: workflow-command annotations.
void printGithub(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                 const ReportContext &Context);

/// `--format=gitlab`: GitLab Code Quality report.
void printGitlab(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                 const ReportContext &Context);

/// `--checklist`: the review checklist filled in.
void printChecklist(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                    const ReportContext &Context);

/// Paths, messages and source text as JSON strings: bytes that are not
/// UTF-8 become U+FFFD (llvm::json would do the same, but asserts first in
/// builds without NDEBUG).
inline std::string jsonText(llvm::StringRef Text) {
  return llvm::json::isUTF8(Text) ? Text.str() : llvm::json::fixUTF8(Text);
}

/// "; N findings in headers hidden by the header filter" for a summary
/// line (a run's, a merge's), or nothing when none was hidden.
inline std::string hiddenInHeadersSummary(size_t Hidden) {
  if (!Hidden)
    return "";
  return "; " + std::to_string(Hidden) +
         (Hidden == 1 ? " finding" : " findings") +
         " in headers hidden by the header filter";
}

/// Number of findings shown as GitHub annotations; the rest are summarised.
inline constexpr size_t GithubAnnotationLimit = 10;

} // namespace loadcheck

#endif // LOADCHECK_TOOL_REPORT_REPORTERS_H
