#include "tool/Paths.h"
#include "tool/front/Profile.h"
#include "tool/report/CodeScanning.h"
#include "tool/report/Reporters.h"
#include "tool/results/Fingerprint.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include <fmt/core.h>
#include <map>

namespace json = llvm::json;

namespace loadcheck {

namespace {

constexpr const char *RootId = "%SRCROOT%";

/// Relative URI reference of a path inside the root.
std::string relativeUri(llvm::StringRef Rel) {
  std::string Out;
  for (char C : Rel) {
    if (llvm::isAlnum(C) || llvm::StringRef("/-._~").contains(C))
      Out += C;
    else
      Out += llvm::formatv("%{0:X-2}", (unsigned char)C).str();
  }
  return Out;
}

json::Object artifactLocation(const std::string &File,
                              const ReportContext &Context) {
  std::string Rel = relativeToRoot(File, Context.Root);
  if (Rel == File) // outside the repository
    return json::Object{{"uri", fileUri(File, false)}};
  return json::Object{{"uri", relativeUri(Rel)}, {"uriBaseId", RootId}};
}

json::Object physicalLocation(const Location &Start, const Location &End,
                              const ReportContext &Context) {
  json::Object Region{{"startLine", Start.Line}, {"startColumn", Start.Column}};
  if (End.Line > Start.Line ||
      (End.Line == Start.Line && End.Column > Start.Column)) {
    Region["endLine"] = End.Line;
    Region["endColumn"] = End.Column;
  }
  return json::Object{
      {"artifactLocation", artifactLocation(Start.File, Context)},
      {"region", std::move(Region)}};
}

/// The help of a rule: its summary and link, and for loadcheck checks
/// their docs page as Markdown.
json::Object ruleHelp(const std::string &Id, const std::string &Summary) {
  json::Object Help{{"text", Summary + " " + helpUri(Id)}};
  if (std::optional<std::string> Page = ruleHelpMarkdown(Id))
    Help["markdown"] = jsonText(*Page);
  return Help;
}

const char *level(const Finding &F) {
  return F.Level == Severity::Error || F.WarningAsError ? "error" : "warning";
}

} // namespace

void printSarif(llvm::raw_ostream &OS, const std::vector<Finding> &Findings,
                const ReportContext &Context) {
  // Rules: every enabled check, then any other check that reported (such as
  // clang-diagnostic-error), in name order so ruleIndex is stable.
  std::vector<std::string> RuleIds = Context.EnabledChecks;
  for (const Finding &F : Findings)
    RuleIds.push_back(F.Check);
  llvm::sort(RuleIds);
  RuleIds.erase(std::unique(RuleIds.begin(), RuleIds.end()), RuleIds.end());
  std::map<std::string, size_t> RuleIndex;
  json::Array Rules;
  for (const std::string &Id : RuleIds) {
    RuleIndex[Id] = Rules.size();
    std::string Summary = summaryOf(Id);
    if (Summary.empty())
      Summary = "clang-tidy check " + Id + ".";
    std::string Section = sectionOf(Id);
    Rules.push_back(json::Object{
        {"id", Id},
        {"name", Id},
        {"shortDescription", json::Object{{"text", Summary}}},
        {"fullDescription",
         json::Object{{"text", fmt::format("{} Checklist section: {}. See {}.",
                                           Summary, Section, helpUri(Id))}}},
        {"helpUri", helpUri(Id)},
        {"help", ruleHelp(Id, Summary)},
        {"defaultConfiguration",
         json::Object{{"level", Id.rfind("clang-diagnostic-", 0) == 0
                                    ? "error"
                                    : "warning"}}},
        {"properties", ruleProperties(Id, Section)}});
  }

  json::Array Results;
  for (const Finding &F : Findings) {
    if (F.Where.File.empty())
      continue; // SARIF results need a location; none lacks one in practice
    json::Object Result{
        {"ruleId", F.Check},
        {"ruleIndex", RuleIndex[F.Check]},
        {"level", level(F)},
        {"message", json::Object{{"text", jsonText(F.Message)}}},
        {"locations",
         json::Array{json::Object{
             {"physicalLocation", physicalLocation(F.Where, F.End, Context)}}}},
        {"partialFingerprints",
         json::Object{{"loadcheckFingerprint/v2", F.Fingerprint}}}};
    json::Array Related;
    for (const Note &N : F.Notes)
      if (!N.Where.File.empty())
        Related.push_back(json::Object{
            {"id", Related.size()},
            {"message", json::Object{{"text", jsonText(N.Message)}}},
            {"physicalLocation", physicalLocation(N.Where, N.Where, Context)}});
    if (!Related.empty())
      Result["relatedLocations"] = std::move(Related);
    if (!F.Fixes.empty()) {
      std::map<std::string, json::Array> PerFile;
      for (const Replacement &R : F.Fixes)
        PerFile[R.File].push_back(json::Object{
            {"deletedRegion",
             json::Object{{"byteOffset", R.Offset}, {"byteLength", R.Length}}},
            {"insertedContent", json::Object{{"text", jsonText(R.Text)}}}});
      json::Array Changes;
      for (auto &[File, Replacements] : PerFile)
        Changes.push_back(
            json::Object{{"artifactLocation", artifactLocation(File, Context)},
                         {"replacements", std::move(Replacements)}});
      Result["fixes"] = json::Array{json::Object{
          {"description",
           json::Object{{"text", "apply the fix-it of " + F.Check}}},
          {"artifactChanges", std::move(Changes)}}};
    }
    Results.push_back(std::move(Result));
  }

  json::Array Notifications;
  for (const FileFailure &Failure : Context.Failures)
    Notifications.push_back(json::Object{
        {"level", "error"},
        {"message", json::Object{{"text", jsonText(Failure.Reason)}}},
        {"locations",
         json::Array{json::Object{
             {"physicalLocation",
              json::Object{{"artifactLocation",
                            artifactLocation(Failure.File, Context)}}}}}}});

  json::Object Invocation{{"executionSuccessful", Context.Failures.empty()}};
  if (!Notifications.empty())
    Invocation["toolExecutionNotifications"] = std::move(Notifications);

  json::Object Run{
      {"tool",
       json::Object{
           {"driver", json::Object{{"name", "loadcheck"},
                                   {"version", LOADCHECK_VERSION},
                                   {"semanticVersion", LOADCHECK_VERSION},
                                   {"informationUri", LOADCHECK_HOME_URL},
                                   {"rules", std::move(Rules)}}}}},
      {"originalUriBaseIds",
       json::Object{
           {RootId, json::Object{{"uri", fileUri(Context.Root, true)}}}}},
      {"invocations", json::Array{std::move(Invocation)}},
      {"results", std::move(Results)}};
  // How many findings the header filters hid: a property of the run, which
  // `loadcheck merge` adds up over its inputs.
  Run["properties"] =
      json::Object{{"hiddenInHeaders", Context.HiddenInHeaders}};
  if (std::optional<json::Array> Provenance =
          versionControlProvenance(Context.Root))
    Run["versionControlProvenance"] = std::move(*Provenance);
  json::Object Log{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                   {"version", "2.1.0"},
                   {"runs", json::Array{std::move(Run)}}};
  OS << llvm::formatv("{0:2}", json::Value(std::move(Log))) << "\n";
}

} // namespace loadcheck
