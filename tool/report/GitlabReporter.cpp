#include "tool/Paths.h"
#include "tool/results/Fingerprint.h"
#include "tool/front/Profile.h"
#include "tool/report/Reporters.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

namespace json = llvm::json;

namespace loadcheck {

/// Code Quality's category for a checklist section.
static const char *category(llvm::StringRef Section) {
  if (Section == "Security")
    return "Security";
  if (Section == "Memory" || Section == "Connections")
    return "Performance";
  if (Section == "Observability")
    return "Clarity";
  return "Bug Risk";
}

void printGitlab(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                 const ReportContext &Context) {
  // https://docs.gitlab.com/ee/ci/testing/code_quality.html#code-quality-report-format
  json::Array Issues;
  for (const Finding &F : Findings) {
    bool IsError = F.Level == Severity::Error || F.WarningAsError;
    Issues.push_back(json::Object{
        {"type", "issue"},
        {"description", jsonText(F.Message + " [" + F.Check + "]")},
        {"check_name", F.Check},
        {"categories", json::Array{category(sectionOf(F.Check))}},
        {"fingerprint", F.Fingerprint},
        {"severity", IsError ? "critical" : "major"},
        {"location",
         json::Object{
             {"path", jsonText(relativeToRoot(F.Where.File, Context.Root))},
             {"lines",
              json::Object{{"begin", F.Where.Line},
                           {"end", std::max(F.Where.Line, F.End.Line)}}}}}});
  }
  OS << llvm::formatv("{0:2}", json::Value(std::move(Issues))) << "\n";
}

} // namespace loadcheck
