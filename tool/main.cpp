//===--- main.cpp - the loadcheck command-line driver ---------------------===//
//
// options -> compilation database -> configuration checks -> per-file
// clang-tidy runs -> deduplicated, sorted findings -> report -> exit code.
//
//===----------------------------------------------------------------------===//
#include "checks/CheckRegistry.h"
#include "tool/Analyzer.h"
#include "tool/Config.h"
#include "tool/Database.h"
#include "tool/ExitCodes.h"
#include "tool/Options.h"
#include "tool/Paths.h"
#include "tool/TextReporter.h"

#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include <fmt/core.h>
#include <set>

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

/// Colour only on a terminal (or when asked), and never with NO_COLOR set
/// (https://no-color.org), which wins even over --color=always.
static bool useColor(ColorMode Mode) {
  std::optional<std::string> NoColor = llvm::sys::Process::GetEnv("NO_COLOR");
  if (NoColor && !NoColor->empty())
    return false;
  if (Mode != ColorMode::Auto)
    return Mode == ColorMode::Always;
  return llvm::sys::Process::StandardOutIsDisplayed();
}

static int listChecks(const DriverOptions &Opts) {
  llvm::outs() << "Enabled checks:\n";
  for (const std::string &Name : enabledChecks(Opts, "")) {
    const CheckInfo *Info = findCheck(Name);
    llvm::outs() << "    " << Name;
    if (Info)
      llvm::outs() << "  [" << Info->Section
                   << (Info->OffersFix ? ", fix-it" : "") << "]";
    llvm::outs() << "\n";
  }
  return Clean;
}

static std::vector<Finding> deduplicate(std::vector<Finding> Findings) {
  llvm::sort(Findings);
  // A finding in a header shows up once per translation unit including it.
  std::set<std::tuple<std::string, unsigned, std::string, std::string>> Seen;
  std::vector<Finding> Unique;
  for (Finding &F : Findings)
    if (Seen.emplace(F.Where.File, F.Where.Offset, F.Check, F.Message).second)
      Unique.push_back(std::move(F));
  return Unique;
}

int main(int Argc, const char **Argv) {
  llvm::InitLLVM Init(Argc, Argv);
  int ExitNow = Clean;
  std::optional<DriverOptions> Opts = parseCommandLine(Argc, Argv, ExitNow);
  if (!Opts)
    return ExitNow;

  std::vector<std::string> Warnings;
  if (Opts->ListChecks) {
    // The configuration that applies is that of the current directory.
    std::vector<std::string> Errors =
        validateConfiguration(*Opts, {currentDirectoryProbe()}, Warnings);
    for (const std::string &E : Errors)
      error(E);
    return Errors.empty() ? listChecks(*Opts) : UsageError;
  }

  std::string DatabaseError;
  std::unique_ptr<InputSet> Inputs = loadInputs(*Opts, DatabaseError);
  if (!Inputs) {
    error(DatabaseError);
    return UsageError;
  }
  ExitCode Outcome = Clean;
  for (const std::string &E : Inputs->InputErrors) {
    error(E);
    Outcome = UsageError;
  }

  std::vector<std::string> ConfigErrors =
      validateConfiguration(*Opts, Inputs->Files, Warnings);
  for (const std::string &W : Warnings)
    fmt::print(stderr, "loadcheck: warning: {}\n", W);
  for (const std::string &E : ConfigErrors)
    error(E);
  if (!ConfigErrors.empty())
    return UsageError;
  if (!Inputs->Files.empty() &&
      enabledChecks(*Opts, Inputs->Files.front()).empty()) {
    error("no check is enabled: --checks and .clang-tidy disable them all");
    return UsageError;
  }

  std::vector<Finding> All;
  std::vector<std::string> Failures;
  for (const std::string &File : Inputs->Files) {
    FileResult Result = analyzeFile(File, *Inputs->Database, *Opts);
    if (!Result.Failure.empty())
      Failures.push_back(Result.Failure);
    for (Finding &F : Result.Findings)
      All.push_back(std::move(F));
  }
  All = deduplicate(std::move(All));

  llvm::outs().enable_colors(useColor(Opts->Color));
  printText(llvm::outs(), All);
  llvm::outs().flush();

  for (const std::string &F : Failures)
    error(F);
  size_t CheckFindings = llvm::count_if(
      All, [](const Finding &F) { return !F.isCompilerError(); });
  if (!Opts->Quiet)
    fmt::print(
        stderr, "loadcheck: {} finding{} in {} file{} ({} not analysed)\n",
        CheckFindings, CheckFindings == 1 ? "" : "s", Inputs->Files.size(),
        Inputs->Files.size() == 1 ? "" : "s", Failures.size());
  if (CheckFindings)
    Outcome = worseOf(Outcome, Findings);
  if (!Failures.empty())
    Outcome = worseOf(Outcome, AnalysisFailed);
  return Outcome;
}
