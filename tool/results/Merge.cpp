#include "tool/results/Merge.h"
#include "tool/ExitCodes.h"
#include "tool/Paths.h"
#include "tool/link/LinkStage.h"
#include "tool/report/Report.h"
#include "tool/report/Reporters.h"
#include "tool/results/Finding.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <map>
#include <set>

namespace json = llvm::json;
namespace path = llvm::sys::path;

namespace loadcheck {

namespace {

enum class Kind { Json, Sarif };

struct Input {
  std::string Path;
  Kind Type = Kind::Json;
  json::Value Document = nullptr;
};

void error(llvm::StringRef Message) {
  fmt::print(stderr, "loadcheck: error: merge: {}\n", Message.str());
}

bool isCompilerCheck(llvm::StringRef Check) {
  return Check.starts_with("clang-diagnostic-");
}

/// Reads \p Path and tells a loadcheck JSON result from a loadcheck SARIF
/// log. Returns "" or the error line.
std::string readInput(const std::string &Path, Input &Out) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  if (!Buffer)
    return fmt::format("cannot read '{}': {}", Path,
                       Buffer.getError().message());
  auto Value = json::parse((*Buffer)->getBuffer());
  if (!Value)
    return fmt::format("'{}' is not valid JSON: {}", Path,
                       llvm::toString(Value.takeError()));
  const json::Object *O = Value->getAsObject();
  Out.Path = Path;
  if (O && O->getString("version") == "2.1.0" && O->getArray("runs")) {
    for (const json::Value &Run : *O->getArray("runs")) {
      const json::Object *R = Run.getAsObject();
      const json::Object *Tool = R ? R->getObject("tool") : nullptr;
      const json::Object *Driver = Tool ? Tool->getObject("driver") : nullptr;
      auto Name = Driver ? Driver->getString("name") : std::nullopt;
      if (Name != "loadcheck")
        return fmt::format("'{}' is a SARIF log of '{}', not of loadcheck",
                           Path, Name ? Name->str() : "an unnamed tool");
    }
    Out.Type = Kind::Sarif;
  } else if (O && O->getInteger("version") == 1 && O->getArray("findings") &&
             O->getObject("tool") &&
             O->getObject("tool")->getString("name") == "loadcheck") {
    Out.Type = Kind::Json;
  } else {
    return fmt::format("'{}' is not a loadcheck JSON or SARIF result", Path);
  }
  Out.Document = std::move(*Value);
  return "";
}

// --- JSON results -----------------------------------------------------------

/// A finding of a JSON result: the model the reporters print, and the
/// original object, copied verbatim into a merged JSON result.
struct JsonFinding {
  Finding Model;
  const json::Object *Original = nullptr;
  /// The original with the link's notes appended, when it got some.
  std::optional<json::Object> Annotated;
  /// From a shard whose program was not linked: merge decides it.
  bool Undecided = false;

  json::Object output() const { return Annotated ? *Annotated : *Original; }
};

// Paths in a result are relative to the repository root of the machine
// that wrote it; they are taken relative to the merged result's root
// (underRoot), so shards checked out in different directories merge.

bool locationFrom(const json::Object &O, llvm::StringRef Root, Location &L) {
  auto File = O.getString("file");
  auto Line = O.getInteger("line"), Column = O.getInteger("column");
  if (!File || !Line || !Column)
    return false;
  L.File = underRoot(*File, Root);
  L.Line = unsigned(*Line);
  L.Column = unsigned(*Column);
  return true;
}

bool findingFrom(const json::Object &O, llvm::StringRef Root, Finding &F) {
  auto Check = O.getString("check"), Severity = O.getString("severity");
  auto Message = O.getString("message");
  auto Fingerprint = O.getString("fingerprint");
  if (!Check || !Severity || !Message || !Fingerprint ||
      !locationFrom(O, Root, F.Where))
    return false;
  F.Check = Check->str();
  F.Message = Message->str();
  F.Fingerprint = Fingerprint->str();
  F.Function = O.getString("function").value_or("").str();
  if (*Severity == "error") {
    if (isCompilerCheck(F.Check))
      F.Level = Severity::Error;
    else
      F.WarningAsError = true;
  }
  // The byte offset the link's verdicts are keyed by (0 in results of
  // versions without it).
  F.Where.Offset = unsigned(O.getInteger("offset").value_or(0));
  F.End = F.Where;
  F.End.Line = unsigned(O.getInteger("endLine").value_or(F.Where.Line));
  F.End.Column = unsigned(O.getInteger("endColumn").value_or(F.Where.Column));
  if (const json::Array *Notes = O.getArray("notes"))
    for (const json::Value &V : *Notes) {
      const json::Object *N = V.getAsObject();
      Note Out;
      auto Text = N ? N->getString("message") : std::nullopt;
      if (!Text || !locationFrom(*N, Root, Out.Where))
        return false;
      Out.Message = Text->str();
      F.Notes.push_back(std::move(Out));
    }
  if (const json::Array *Fixes = O.getArray("fixes"))
    for (const json::Value &V : *Fixes) {
      const json::Object *R = V.getAsObject();
      auto File = R ? R->getString("file") : std::nullopt;
      auto Offset = R ? R->getInteger("offset") : std::nullopt;
      auto Length = R ? R->getInteger("length") : std::nullopt;
      auto Text = R ? R->getString("replacement") : std::nullopt;
      if (!File || !Offset || !Length || !Text)
        return false;
      F.Fixes.push_back({underRoot(*File, Root), unsigned(*Offset),
                         unsigned(*Length), Text->str()});
    }
  return true;
}

void warning(llvm::StringRef Message) {
  fmt::print(stderr, "loadcheck: warning: merge: {}\n", Message.str());
}

/// The program facts of the inputs' translation units (the "facts"
/// section of a JSON result), and whether some input left its findings
/// undecided (a shard).
struct MergedFacts {
  std::vector<UnitFacts> Units;
  std::set<const Input *> Undecided;
};

MergedFacts readFacts(const std::vector<Input> &Inputs, llvm::StringRef Root) {
  MergedFacts Out;
  for (const Input &In : Inputs) {
    const json::Object *Facts = In.Document.getAsObject()->getObject("facts");
    if (!Facts)
      continue; // a result of a version without facts: decided
    if (Facts->getBoolean("linked") == false)
      Out.Undecided.insert(&In);
    const json::Array *Units = Facts->getArray("units");
    for (size_t I = 0; Units && I < Units->size(); ++I) {
      const json::Object *Unit = (*Units)[I].getAsObject();
      auto File = Unit ? Unit->getString("file") : std::nullopt;
      const json::Value *Payload = Unit ? Unit->get("facts") : nullptr;
      if (!File || !Payload) {
        warning(fmt::format("'{}': facts entry {} names no translation unit; "
                            "the program is linked without it",
                            In.Path, I));
        continue;
      }
      Out.Units.push_back({underRoot(*File, Root), *Payload, In.Path});
    }
  }
  // One per translation unit, in the order of a run (the same result
  // merged twice links each unit once).
  llvm::stable_sort(Out.Units, [](const UnitFacts &A, const UnitFacts &B) {
    return A.File < B.File;
  });
  Out.Units.erase(std::unique(Out.Units.begin(), Out.Units.end(),
                              [](const UnitFacts &A, const UnitFacts &B) {
                                return A.File == B.File;
                              }),
                  Out.Units.end());
  return Out;
}

/// \p F decided by \p Program: false when it is not reported; the notes it
/// gains are added to its JSON too.
bool decide(LinkStage &Program, JsonFinding &F, llvm::StringRef Root) {
  size_t Before = F.Model.Notes.size();
  if (!Program.decide(F.Model))
    return false;
  if (F.Model.Notes.size() == Before)
    return true;
  F.Annotated = *F.Original;
  json::Array *Notes = F.Annotated->getArray("notes");
  if (!Notes) {
    (*F.Annotated)["notes"] = json::Array();
    Notes = F.Annotated->getArray("notes");
  }
  for (size_t I = Before; I < F.Model.Notes.size(); ++I) {
    const Note &N = F.Model.Notes[I];
    Notes->push_back(
        json::Object{{"file", jsonText(relativeToRoot(N.Where.File, Root))},
                     {"line", N.Where.Line},
                     {"column", N.Where.Column},
                     {"message", jsonText(N.Message)}});
  }
  return true;
}

/// Writes \p Reports (to their files, \p Output or stdout) as \p Print
/// prints them. False: a file could not be written (the error is printed).
bool writeMerged(const std::vector<ReportRequest> &Reports,
                 const std::string &Output, ReportPrinter Print) {
  WriteOutcome Written =
      writeReportFiles(Reports, Output, ColorMode::Auto, Print);
  writeStdout(Written.Stdout);
  if (!Written.Error.empty())
    error(Written.Error);
  return Written.Error.empty();
}

int mergeJson(const std::vector<Input> &Inputs,
              const std::vector<ReportRequest> &Reports,
              const std::string &Output, bool Quiet, ExitCode Outcome) {
  const json::Object &First = *Inputs.front().Document.getAsObject();
  std::string Root = First.getString("root").value_or("").str();
  MergedFacts Facts = readFacts(Inputs, Root);
  std::vector<JsonFinding> All;
  std::vector<std::pair<FileFailure, const json::Object *>> Failures;
  std::vector<std::string> Enabled;
  std::set<std::string> EnabledSeen;
  size_t FilesAnalysed = 0, HiddenInHeaders = 0;
  for (const Input &In : Inputs) {
    const json::Object &Doc = *In.Document.getAsObject();
    FilesAnalysed += Doc.getInteger("filesAnalysed").value_or(0);
    HiddenInHeaders += Doc.getInteger("hiddenInHeaders").value_or(0);
    if (const json::Array *Checks = Doc.getArray("enabledChecks"))
      for (const json::Value &C : *Checks)
        if (auto Name = C.getAsString())
          if (EnabledSeen.insert(Name->str()).second)
            Enabled.push_back(Name->str());
    if (const json::Array *Failed = Doc.getArray("failures"))
      for (const json::Value &V : *Failed) {
        const json::Object *O = V.getAsObject();
        auto File = O ? O->getString("file") : std::nullopt;
        auto Reason = O ? O->getString("reason") : std::nullopt;
        if (File && Reason)
          Failures.push_back({{underRoot(*File, Root), Reason->str()}, O});
      }
    size_t Index = 0;
    for (const json::Value &V : *Doc.getArray("findings")) {
      JsonFinding F;
      F.Original = V.getAsObject();
      F.Undecided = Facts.Undecided.count(&In);
      if (!F.Original || !findingFrom(*F.Original, Root, F.Model)) {
        error(fmt::format("'{}': finding {} is malformed; skipped", In.Path,
                          Index));
        Outcome = worseOf(Outcome, UsageError);
      } else {
        All.push_back(std::move(F));
      }
      ++Index;
    }
  }

  // The shards' findings decided by the whole program, as one run decides
  // them.
  LinkStage Program(Facts.Units, [&Root](llvm::StringRef Path) {
    return underRoot(Path, Root);
  });
  for (const std::string &W : Program.summary().Warnings)
    warning(W);
  if (!Facts.Undecided.empty()) {
    std::vector<JsonFinding> Kept;
    for (JsonFinding &F : All)
      if (!F.Undecided || decide(Program, F, Root))
        Kept.push_back(std::move(F));
    All = std::move(Kept);
  }
  json::Array Units;
  const std::vector<size_t> &Refused = Program.summary().Refused;
  for (size_t I = 0; I < Facts.Units.size(); ++I)
    if (!llvm::is_contained(Refused, I))
      Units.push_back(json::Object{
          {"file", jsonText(relativeToRoot(Facts.Units[I].File, Root))},
          {"facts", Facts.Units[I].Facts}});

  llvm::sort(All, [](const JsonFinding &A, const JsonFinding &B) {
    return std::tie(A.Model, A.Model.Fingerprint) <
           std::tie(B.Model, B.Model.Fingerprint);
  });
  std::vector<JsonFinding> Unique;
  for (JsonFinding &F : All)
    if (Unique.empty() ||
        findingIdentity(Unique.back().Model) != findingIdentity(F.Model))
      Unique.push_back(std::move(F));
  llvm::stable_sort(Failures, [](const auto &A, const auto &B) {
    return A.first.File < B.first.File;
  });
  Failures.erase(std::unique(Failures.begin(), Failures.end(),
                             [](const auto &A, const auto &B) {
                               return A.first.File == B.first.File &&
                                      A.first.Reason == B.first.Reason;
                             }),
                 Failures.end());

  ReportContext Context;
  Context.Root = Root;
  Context.EnabledChecks = Enabled;
  Context.FilesAnalysed = FilesAnalysed;
  Context.HiddenInHeaders = HiddenInHeaders;
  for (const auto &Failure : Failures)
    Context.Failures.push_back(Failure.first);
  std::vector<Finding> Models;
  Models.reserve(Unique.size());
  for (const JsonFinding &F : Unique)
    Models.push_back(F.Model);
  auto PrintJson = [&](llvm::raw_ostream &OS) {
    // The inputs' findings and failures verbatim (they carry what the
    // model does not), and the facts of the whole program.
    json::Array Findings, FailureArray;
    for (const JsonFinding &F : Unique)
      Findings.push_back(F.output());
    for (const auto &Failure : Failures)
      FailureArray.push_back(json::Object(*Failure.second));
    json::Object Out{{"version", 1},
                     {"tool", json::Object{{"name", "loadcheck"},
                                           {"version", LOADCHECK_VERSION}}},
                     {"root", Root},
                     {"filesAnalysed", FilesAnalysed},
                     {"enabledChecks", json::Array(Enabled)},
                     {"failures", std::move(FailureArray)},
                     {"hiddenInHeaders", HiddenInHeaders},
                     {"findings", std::move(Findings)},
                     {"facts", json::Object{{"linked", true},
                                            {"units", json::Array(Units)}}}};
    OS << llvm::formatv("{0:2}", json::Value(std::move(Out))) << "\n";
  };
  if (!writeMerged(Reports, Output,
                   [&](llvm::raw_ostream &OS, OutputFormat Format) {
                     if (Format == OutputFormat::Json)
                       PrintJson(OS);
                     else
                       printReport(OS, Format, Models, Context);
                   }))
    Outcome = worseOf(Outcome, UsageError);

  size_t CheckFindings = llvm::count_if(Unique, [](const JsonFinding &F) {
    return !isCompilerCheck(F.Model.Check);
  });
  std::set<std::string> FilesWithFindings;
  for (const JsonFinding &F : Unique)
    if (!isCompilerCheck(F.Model.Check))
      FilesWithFindings.insert(F.Model.Where.File);
  size_t Analysed = FilesAnalysed - std::min(FilesAnalysed, Failures.size());
  if (!Quiet)
    fmt::print(stderr,
               "loadcheck: merged {} result{}: {} finding{} in {} file{}; {} "
               "file{} analysed, {} not analysed{}\n",
               Inputs.size(), Inputs.size() == 1 ? "" : "s", CheckFindings,
               CheckFindings == 1 ? "" : "s", FilesWithFindings.size(),
               FilesWithFindings.size() == 1 ? "" : "s", Analysed,
               Analysed == 1 ? "" : "s", Failures.size(),
               hiddenInHeadersSummary(HiddenInHeaders));
  if (CheckFindings)
    Outcome = worseOf(Outcome, Findings);
  if (!Failures.empty())
    Outcome = worseOf(Outcome, AnalysisFailed);
  return Outcome;
}

// --- SARIF logs -------------------------------------------------------------

std::string percentDecode(llvm::StringRef Text) {
  std::string Out;
  for (size_t I = 0; I < Text.size(); ++I) {
    unsigned Byte = 0;
    if (Text[I] == '%' && I + 2 < Text.size() &&
        !Text.substr(I + 1, 2).getAsInteger(16, Byte)) {
      Out += char(Byte);
      I += 2;
    } else {
      Out += Text[I];
    }
  }
  return Out;
}

struct SarifResult {
  json::Object Result;
  std::string File; ///< absolute, for the analyser's order
  int64_t Line = 0, Column = 0;
  std::string Rule, Message, Fingerprint;

  auto identity() const { return std::tie(File, Line, Column, Rule, Message); }
};

/// The root directory of a run, from originalUriBaseIds (file:///dir/).
std::string runRoot(const json::Object &Run) {
  const json::Object *Bases = Run.getObject("originalUriBaseIds");
  const json::Object *Root = Bases ? Bases->getObject("%SRCROOT%") : nullptr;
  auto Uri = Root ? Root->getString("uri") : std::nullopt;
  if (!Uri || !Uri->starts_with("file://"))
    return "";
  return llvm::StringRef(percentDecode(Uri->drop_front(7))).rtrim('/').str();
}

SarifResult sarifResult(const json::Object &Result, llvm::StringRef Root) {
  SarifResult R;
  R.Result = Result;
  R.Rule = Result.getString("ruleId").value_or("").str();
  if (const json::Object *Message = Result.getObject("message"))
    R.Message = Message->getString("text").value_or("").str();
  if (const json::Object *Prints = Result.getObject("partialFingerprints"))
    R.Fingerprint =
        Prints->getString("loadcheckFingerprint/v2")
            .value_or(Prints->getString("loadcheckFingerprint/v1").value_or(""))
            .str();
  const json::Array *Locations = Result.getArray("locations");
  const json::Object *Location = Locations && !Locations->empty()
                                     ? Locations->front().getAsObject()
                                     : nullptr;
  const json::Object *Physical =
      Location ? Location->getObject("physicalLocation") : nullptr;
  if (!Physical)
    return R;
  if (const json::Object *Artifact = Physical->getObject("artifactLocation")) {
    llvm::StringRef Uri = Artifact->getString("uri").value_or("");
    if (Artifact->getString("uriBaseId"))
      R.File = underRoot(percentDecode(Uri), Root);
    else
      R.File =
          percentDecode(Uri.starts_with("file://") ? Uri.drop_front(7) : Uri);
  }
  if (const json::Object *Region = Physical->getObject("region")) {
    R.Line = Region->getInteger("startLine").value_or(0);
    R.Column = Region->getInteger("startColumn").value_or(0);
  }
  return R;
}

int mergeSarif(const std::vector<Input> &Inputs,
               const std::vector<ReportRequest> &Reports,
               const std::string &Output, bool Quiet, ExitCode Outcome) {
  const json::Object *FirstRun = nullptr;
  std::string Root;
  std::map<std::string, json::Value> Rules; // sorted by id, as one run
  std::vector<SarifResult> All;
  bool Successful = true;
  size_t HiddenInHeaders = 0;
  json::Array Notifications;
  std::set<std::string> NotificationsSeen;
  for (const Input &In : Inputs)
    for (const json::Value &RunValue :
         *In.Document.getAsObject()->getArray("runs")) {
      const json::Object &Run = *RunValue.getAsObject();
      if (!FirstRun) {
        FirstRun = &Run;
        Root = runRoot(Run);
      }
      const json::Object *Driver = Run.getObject("tool")->getObject("driver");
      if (const json::Array *RuleArray = Driver->getArray("rules"))
        for (const json::Value &Rule : *RuleArray)
          if (const json::Object *O = Rule.getAsObject())
            if (auto Id = O->getString("id"))
              Rules.emplace(Id->str(), Rule);
      if (const json::Array *Results = Run.getArray("results"))
        for (const json::Value &Result : *Results)
          if (const json::Object *O = Result.getAsObject())
            All.push_back(sarifResult(*O, Root));
      if (const json::Object *Properties = Run.getObject("properties"))
        HiddenInHeaders +=
            Properties->getInteger("hiddenInHeaders").value_or(0);
      if (const json::Array *Invocations = Run.getArray("invocations"))
        for (const json::Value &V : *Invocations) {
          const json::Object *Invocation = V.getAsObject();
          if (!Invocation)
            continue;
          if (Invocation->getBoolean("executionSuccessful") == false)
            Successful = false;
          if (const json::Array *Notes =
                  Invocation->getArray("toolExecutionNotifications"))
            for (const json::Value &N : *Notes) {
              std::string Text;
              llvm::raw_string_ostream(Text) << N;
              if (NotificationsSeen.insert(Text).second)
                Notifications.push_back(N);
            }
        }
    }

  llvm::sort(All, [](const SarifResult &A, const SarifResult &B) {
    return std::tie(A.File, A.Line, A.Column, A.Rule, A.Message,
                    A.Fingerprint) <
           std::tie(B.File, B.Line, B.Column, B.Rule, B.Message, B.Fingerprint);
  });
  std::map<std::string, size_t> RuleIndex;
  json::Array RuleArray;
  for (auto &[Id, Rule] : Rules) {
    RuleIndex[Id] = RuleArray.size();
    RuleArray.push_back(std::move(Rule));
  }
  json::Array Results;
  size_t CheckFindings = 0;
  const SarifResult *Previous = nullptr;
  for (SarifResult &R : All) {
    if (Previous && Previous->identity() == R.identity())
      continue;
    Previous = &R;
    if (RuleIndex.count(R.Rule))
      R.Result["ruleIndex"] = RuleIndex[R.Rule];
    CheckFindings += !isCompilerCheck(R.Rule);
    Results.push_back(json::Object(R.Result));
  }

  json::Object Driver(*FirstRun->getObject("tool")->getObject("driver"));
  Driver["rules"] = std::move(RuleArray);
  json::Object Invocation{{"executionSuccessful", Successful}};
  size_t NotAnalysed = Notifications.size();
  if (!Notifications.empty())
    Invocation["toolExecutionNotifications"] = std::move(Notifications);
  json::Object Run{{"tool", json::Object{{"driver", std::move(Driver)}}},
                   {"invocations", json::Array{std::move(Invocation)}},
                   {"results", std::move(Results)}};
  Run["properties"] = json::Object{{"hiddenInHeaders", HiddenInHeaders}};
  if (const json::Object *Bases = FirstRun->getObject("originalUriBaseIds"))
    Run["originalUriBaseIds"] = json::Object(*Bases);
  json::Object Log{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                   {"version", "2.1.0"},
                   {"runs", json::Array{std::move(Run)}}};
  json::Value Merged(std::move(Log));
  if (!writeMerged(Reports, Output, [&](llvm::raw_ostream &OS, OutputFormat) {
        OS << llvm::formatv("{0:2}", Merged) << "\n";
      }))
    Outcome = worseOf(Outcome, UsageError);

  if (!Quiet)
    fmt::print(stderr,
               "loadcheck: merged {} result{}: {} finding{} ({} not "
               "analysed){}\n",
               Inputs.size(), Inputs.size() == 1 ? "" : "s", CheckFindings,
               CheckFindings == 1 ? "" : "s", NotAnalysed,
               hiddenInHeadersSummary(HiddenInHeaders));
  if (CheckFindings)
    Outcome = worseOf(Outcome, Findings);
  if (!Successful)
    Outcome = worseOf(Outcome, AnalysisFailed);
  return Outcome;
}

} // namespace

int runMerge(int Argc, const char **Argv) {
  CLI::App App("loadcheck merge: combine JSON or SARIF results of loadcheck "
               "(e.g. the shards of --shard) into one.\n\n"
               "Exit codes: 0 no findings, 1 findings, 2 an input is "
               "unreadable or not a loadcheck result (the others are still "
               "merged), 3 an input records a file that was not analysed.",
               "loadcheck merge");
  std::vector<std::string> Files, Formats;
  std::string Output;
  bool Quiet = false;
  App.add_option("results", Files,
                 "Results written by loadcheck --format=json or "
                 "--format=sarif, all of the same format");
  App.add_option("-o,--output", Output,
                 "Write the merged result to this file instead of stdout");
  App.add_option("--format", Formats,
                 std::string(FormatHelp) +
                     " (default: the format of the inputs; SARIF inputs "
                     "merge into SARIF only)")
      ->type_name("FORMAT[:FILE]")
      ->allow_extra_args(false);
  App.add_flag("-q,--quiet", Quiet, "No summary line");
  try {
    App.parse(Argc, Argv);
  } catch (const CLI::CallForHelp &) {
    fmt::print("{}", App.help());
    return Clean;
  } catch (const CLI::ParseError &E) {
    error(fmt::format("{} (see loadcheck merge --help)", E.what()));
    return UsageError;
  }
  if (Files.empty()) {
    error("no result files given (see loadcheck merge --help)");
    return UsageError;
  }
  std::vector<ReportRequest> Reports;
  if (std::string E = parseReportRequests(Formats, Output, Reports);
      !E.empty()) {
    error(E);
    return UsageError;
  }

  ExitCode Outcome = Clean;
  std::vector<Input> Inputs;
  for (const std::string &File : Files) {
    Input In;
    std::string Error = readInput(File, In);
    if (!Error.empty()) {
      error(Error);
      Outcome = UsageError;
      continue;
    }
    if (!Inputs.empty() && Inputs.front().Type != In.Type) {
      error(fmt::format("'{}' is {} but '{}' is {}: merge results of one "
                        "format",
                        File, In.Type == Kind::Sarif ? "SARIF" : "JSON",
                        Inputs.front().Path,
                        Inputs.front().Type == Kind::Sarif ? "SARIF" : "JSON"));
      Outcome = UsageError;
      continue;
    }
    Inputs.push_back(std::move(In));
  }
  if (Inputs.empty())
    return UsageError;
  Kind Type = Inputs.front().Type;
  if (Reports.empty())
    Reports.push_back(
        {Type == Kind::Sarif ? OutputFormat::Sarif : OutputFormat::Json, ""});
  for (const ReportRequest &R : Reports)
    if (Type == Kind::Sarif && R.Format != OutputFormat::Sarif) {
      error(fmt::format("SARIF results merge into SARIF only (SARIF lacks "
                        "the function and fix-it positions of --format={}): "
                        "merge the JSON results instead",
                        formatName(R.Format).str()));
      return UsageError;
    }
  if (!Output.empty())
    createParentDirectories(Output);
  for (const ReportRequest &R : Reports)
    if (!R.File.empty())
      createParentDirectories(R.File);
  return Type == Kind::Sarif
             ? mergeSarif(Inputs, Reports, Output, Quiet, Outcome)
             : mergeJson(Inputs, Reports, Output, Quiet, Outcome);
}

} // namespace loadcheck
