#include "tool/Paths.h"
#include "tool/results/Fingerprint.h"
#include "tool/report/Reporters.h"

#include <map>

namespace loadcheck {

namespace {

/// Escaping of workflow commands: the message (data) escapes %, CR and LF;
/// property values also ':' and ','.
std::string escape(llvm::StringRef Text, bool Property) {
  std::string Out;
  for (char C : Text) {
    switch (C) {
    case '%':
      Out += "%25";
      break;
    case '\r':
      Out += "%0D";
      break;
    case '\n':
      Out += "%0A";
      break;
    case ':':
      Out += Property ? "%3A" : ":";
      break;
    case ',':
      Out += Property ? "%2C" : ",";
      break;
    default:
      Out += C;
    }
  }
  return Out;
}

} // namespace

void printGithub(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                 const ReportContext &Context) {
  size_t Shown = 0;
  std::map<std::string, size_t> RestPerFile;
  for (const Finding &F : Findings) {
    std::string File = relativeToRoot(F.Where.File, Context.Root);
    bool IsError = F.Level == Severity::Error || F.WarningAsError;
    if (Shown < GithubAnnotationLimit) {
      ++Shown;
      OS << "::" << (IsError ? "error" : "warning")
         << " file=" << escape(File, true) << ",line=" << F.Where.Line
         << ",col=" << F.Where.Column;
      if (F.End.Line > F.Where.Line ||
          (F.End.Line == F.Where.Line && F.End.Column > F.Where.Column))
        OS << ",endLine=" << F.End.Line << ",endColumn=" << F.End.Column;
      OS << ",title=" << escape(F.Check, true)
         << "::" << escape(F.Message, false) << "\n";
      continue;
    }
    // GitHub shows only the first 10 annotations of a step: the rest are
    // listed as plain lines, after one summary notice.
    ++RestPerFile[File];
  }
  if (RestPerFile.empty())
    return;
  size_t Rest = Findings.size() - Shown;
  OS << "::notice title=loadcheck::" << Rest << " more finding"
     << (Rest == 1 ? "" : "s") << " not shown as annotations (GitHub shows "
     << GithubAnnotationLimit << " per step) in " << RestPerFile.size()
     << " file" << (RestPerFile.size() == 1 ? "" : "s")
     << "; upload the SARIF report for all of them\n";
  size_t Index = 0;
  for (const Finding &F : Findings) {
    if (Index++ < Shown)
      continue;
    OS << relativeToRoot(F.Where.File, Context.Root) << ":" << F.Where.Line
       << ":" << F.Where.Column << ": "
       << (F.Level == Severity::Error || F.WarningAsError ? "error" : "warning")
       << ": " << F.Message << " [" << F.Check << "]\n";
  }
}

} // namespace loadcheck
