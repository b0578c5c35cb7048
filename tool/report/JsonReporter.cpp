#include "tool/Paths.h"
#include "tool/front/Profile.h"
#include "tool/front/SourceFiles.h"
#include "tool/report/Reporters.h"
#include "tool/results/Fingerprint.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"

namespace json = llvm::json;

namespace loadcheck {

void printJson(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
               const ReportContext &Context) {
  SourceFiles Sources;
  auto Rel = [&](const std::string &File) {
    return jsonText(relativeToRoot(File, Context.Root));
  };
  json::Array Out;
  for (const Finding &F : Findings) {
    json::Array Notes, Fixes;
    for (const Note &N : F.Notes)
      Notes.push_back(json::Object{{"file", Rel(N.Where.File)},
                                   {"line", N.Where.Line},
                                   {"column", N.Where.Column},
                                   {"message", jsonText(N.Message)}});
    for (const Replacement &R : F.Fixes) {
      Location Start = Sources.locate(R.File, R.Offset);
      Location End = Sources.locate(R.File, R.Offset + R.Length);
      Fixes.push_back(json::Object{{"file", Rel(R.File)},
                                   {"offset", R.Offset},
                                   {"length", R.Length},
                                   {"line", Start.Line},
                                   {"column", Start.Column},
                                   {"endLine", End.Line},
                                   {"endColumn", End.Column},
                                   {"replacement", jsonText(R.Text)}});
    }
    bool IsError = F.Level == Severity::Error || F.WarningAsError;
    Out.push_back(json::Object{{"check", F.Check},
                               {"section", sectionOf(F.Check)},
                               {"severity", IsError ? "error" : "warning"},
                               {"file", Rel(F.Where.File)},
                               {"line", F.Where.Line},
                               {"column", F.Where.Column},
                               {"offset", F.Where.Offset},
                               {"endLine", F.End.Line},
                               {"endColumn", F.End.Column},
                               {"function", jsonText(F.Function)},
                               {"fingerprint", F.Fingerprint},
                               {"message", jsonText(F.Message)},
                               {"notes", std::move(Notes)},
                               {"fixes", std::move(Fixes)}});
  }
  json::Array Failures;
  for (const FileFailure &F : Context.Failures)
    Failures.push_back(
        json::Object{{"file", Rel(F.File)}, {"reason", jsonText(F.Reason)}});
  // For `loadcheck merge`: each translation unit's program facts, paths
  // relative to the root as everywhere in the report.
  json::Array Units;
  for (const UnitFacts &Unit : Context.Facts)
    Units.push_back(json::Object{
        {"file", Rel(Unit.File)},
        {"facts", withFilesNormalised(Unit.Facts, [&](llvm::StringRef Path) {
           return jsonText(relativeToRoot(Path, Context.Root));
         })}});
  json::Object Root{{"version", 1},
                    {"tool", json::Object{{"name", "loadcheck"},
                                          {"version", LOADCHECK_VERSION}}},
                    {"root", jsonText(Context.Root)},
                    {"filesAnalysed", Context.FilesAnalysed},
                    // For `loadcheck merge`: the rules of a SARIF made from
                    // JSON shards are the enabled checks, as in one run.
                    {"enabledChecks", json::Array(Context.EnabledChecks)},
                    {"failures", std::move(Failures)},
                    {"hiddenInHeaders", Context.HiddenInHeaders},
                    {"findings", std::move(Out)},
                    {"facts", json::Object{{"linked", Context.FactsLinked},
                                           {"units", std::move(Units)}}}};
  OS << llvm::formatv("{0:2}", json::Value(std::move(Root))) << "\n";
}

} // namespace loadcheck
