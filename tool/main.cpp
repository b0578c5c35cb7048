//===--- main.cpp - the loadcheck command-line driver ---------------------===//
//
// Parses the command line and dispatches: `loadcheck merge`, a worker run
// by hand on one file (hidden --internal-worker), --explain, --list-checks, or an
// analysis run (Pipeline.h).
//
//===----------------------------------------------------------------------===//
#include "checks/CheckRegistry.h"
#include "tool/ExitCodes.h"
#include "tool/Paths.h"
#include "tool/Pipeline.h"
#include "tool/front/Config.h"
#include "tool/front/Explain.h"
#include "tool/front/Options.h"
#include "tool/front/Profile.h"
#include "tool/report/Report.h"
#include "tool/results/Merge.h"
#include "tool/run/Analyzer.h"
#include "tool/run/Worker.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"
#include <fmt/core.h>

// Keep the statically linked modules' registrations (clang-tidy's anchors).
namespace clang::tidy {
extern volatile int BugproneModuleAnchorSource;
extern volatile int ConcurrencyModuleAnchorSource;
extern volatile int PerformanceModuleAnchorSource;
[[maybe_unused]] static int LinkedModuleAnchors[] = {
    BugproneModuleAnchorSource, ConcurrencyModuleAnchorSource,
    PerformanceModuleAnchorSource, loadcheck::LoadcheckModuleAnchorSource};
} // namespace clang::tidy

using namespace loadcheck;

static void error(llvm::StringRef Message) {
  fmt::print(stderr, "loadcheck: error: {}\n", Message.str());
}

/// `--list-checks --format=json`: the check set and each check.
static void printChecksJson(llvm::raw_ostream &OS,
                            const std::vector<std::string> &Names,
                            const std::string &CheckSet) {
  llvm::json::Array Checks;
  for (const std::string &Name : Names) {
    const CheckInfo *Info = findCheck(Name);
    llvm::json::Object Check{{"name", Name},
                             {"section", sectionOf(Name)},
                             {"summary", summaryOf(Name)},
                             {"fixIt", Info && Info->OffersFix}};
    if (Info)
      Check["languages"] = Info->runsOnC() ? llvm::json::Array{"C", "C++"}
                                           : llvm::json::Array{"C++"};
    Checks.push_back(std::move(Check));
  }
  llvm::json::Object Out{{"checkSet", CheckSet}, {"checks", std::move(Checks)}};
  OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Out))) << "\n";
}

static void printChecksText(llvm::raw_ostream &OS,
                            const std::vector<std::string> &Names) {
  OS << "Enabled checks:\n";
  for (const std::string &Name : Names) {
    const CheckInfo *Info = findCheck(Name);
    OS << "    " << Name << "  [" << sectionOf(Name)
       << (Info && Info->OffersFix ? ", fix-it" : "") << "]"
       << (Info ? "  (" + Info->languagesText().str() + ")" : "") << "\n";
  }
}

static int listChecks(const DriverOptions &Opts) {
  for (const ReportRequest &R : Opts.Reports)
    if (R.Format != OutputFormat::Text && R.Format != OutputFormat::Json) {
      error(fmt::format("--list-checks prints text or json, not {}",
                        formatName(R.Format).str()));
      return UsageError;
    }
  // The configuration that applies is that of the current directory.
  std::vector<std::string> Warnings;
  std::vector<std::string> Errors =
      validateConfiguration(Opts, {currentDirectoryProbe()}, Warnings);
  for (const std::string &E : Errors)
    error(E);
  if (!Errors.empty())
    return UsageError;
  std::vector<std::string> Names = enabledChecks(Opts, "");
  std::string Root =
      Opts.Root.empty() ? defaultRoot() : absolutePath(Opts.Root);
  std::string CheckSet = describeCheckSet(Opts, "", Root, Names.size());
  std::vector<ReportRequest> Reports = Opts.Reports;
  if (Reports.empty())
    Reports.push_back({OutputFormat::Text, ""});
  WriteOutcome Written =
      writeReportFiles(Reports, Opts.Output, ColorMode::Never,
                       [&](llvm::raw_ostream &OS, OutputFormat Format) {
                         if (Format == OutputFormat::Json)
                           printChecksJson(OS, Names, CheckSet);
                         else
                           printChecksText(OS, Names);
                       });
  writeStdout(Written.Stdout);
  if (!Written.Error.empty()) {
    error(Written.Error);
    return UsageError;
  }
  return Clean;
}

static int explain(const DriverOptions &Opts, const std::string &Executable) {
  std::string Error;
  if (!explainCheck(llvm::outs(), *Opts.Explain, Executable, Error)) {
    error(Error);
    return UsageError;
  }
  return Clean;
}

int main(int Argc, const char **Argv) {
  // No exit handler for SIGPIPE: a closed pipe on stdout (`loadcheck |
  // head`) ends the process quietly by the signal's default action, as it
  // ends other Unix tools, with the status a shell expects (128 + SIGPIPE).
  // Everything but the stdout report is written before it (Report.h).
  llvm::InitLLVM Init(Argc, Argv, /*InstallPipeSignalExitHandler=*/false);
  if (Argc > 1 && llvm::StringRef(Argv[1]) == "merge")
    return runMerge(Argc - 1, Argv + 1);
  int ExitNow = Clean;
  std::optional<DriverOptions> Opts = parseCommandLine(Argc, Argv, ExitNow);
  if (!Opts)
    return ExitNow;
  std::vector<std::string> Written = {Opts->Output, Opts->ExportFixes,
                                      Opts->WriteBaseline};
  for (const ReportRequest &R : Opts->Reports)
    Written.push_back(R.File);
  for (const std::string &Path : Written)
    if (Opts->WorkerFile.empty() && !Path.empty())
      createParentDirectories(Path);
  std::string Executable =
      llvm::sys::fs::getMainExecutable(Argv[0], (void *)&error);

  if (!Opts->WorkerFile.empty())
    return runWorker(Opts->WorkerFile, Opts->WorkerOutput, *Opts);
  if (Opts->Explain)
    return explain(*Opts, Executable);
  if (Opts->DumpConfig)
    return dumpConfiguration(*Opts);
  if (Opts->VerifyConfig)
    return verifyConfiguration(*Opts);
  if (Opts->ListChecks)
    return listChecks(*Opts);
  return runAnalysis(*Opts);
}
