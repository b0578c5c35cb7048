//===--- main.cpp - the loadcheck command-line driver ---------------------===//
//
// options -> compilation database -> configuration checks -> per-file
// clang-tidy runs in a bounded pool of worker processes -> deduplicated,
// sorted, fingerprinted findings -> baseline -> fixes -> report -> exit code.
//
//===----------------------------------------------------------------------===//
#include "checks/CheckRegistry.h"
#include "tool/Analyzer.h"
#include "tool/Baseline.h"
#include "tool/Cache.h"
#include "tool/Config.h"
#include "tool/Database.h"
#include "tool/ExitCodes.h"
#include "tool/Explain.h"
#include "tool/Fingerprint.h"
#include "tool/Fixes.h"
#include "tool/Merge.h"
#include "tool/Options.h"
#include "tool/Paths.h"
#include "tool/Preflight.h"
#include "tool/Profile.h"
#include "tool/Progress.h"
#include "tool/Shard.h"
#include "tool/TextReporter.h"
#include "tool/Worker.h"
#include "tool/reporters/Reporters.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"
#include <cstdlib>
#include <fmt/core.h>
#include <set>
#include <thread>

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

/// --color=always/never decide; with auto, NO_COLOR (https://no-color.org)
/// turns colour off, else colour goes to a terminal only.
static bool useColor(ColorMode Mode, bool ToTerminal) {
  if (Mode != ColorMode::Auto)
    return Mode == ColorMode::Always;
  std::optional<std::string> NoColor = llvm::sys::Process::GetEnv("NO_COLOR");
  if (NoColor && !NoColor->empty())
    return false;
  return ToTerminal;
}

/// "; cache: H hits (D direct), M misses" for the summary line with
/// --cache-dir: how a CI log shows the cache works. Direct hits skipped the
/// preprocessor (Cache.h).
static std::string cacheSummary(const DriverOptions &Opts, size_t Hits,
                                size_t Direct, size_t Misses) {
  if (Opts.CacheDir.empty())
    return "";
  return fmt::format("; cache: {} hit{}{}, {} miss{}", Hits,
                     Hits == 1 ? "" : "s",
                     Hits ? fmt::format(" ({} direct)", Direct) : "", Misses,
                     Misses == 1 ? "" : "es");
}

static int listChecks(const DriverOptions &Opts) {
  llvm::outs() << "Enabled checks:\n";
  for (const std::string &Name : enabledChecks(Opts, "")) {
    const CheckInfo *Info = findCheck(Name);
    llvm::outs() << "    " << Name << "  [" << sectionOf(Name)
                 << (Info && Info->OffersFix ? ", fix-it" : "") << "]"
                 << (Info ? "  (" + Info->languagesText().str() + ")" : "")
                 << "\n";
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

static void printReport(llvm::raw_ostream &OS, OutputFormat Format,
                        const std::vector<Finding> &Findings,
                        const ReportContext &Context) {
  switch (Format) {
  case OutputFormat::Text:
    printText(OS, Findings);
    break;
  case OutputFormat::Json:
    printJson(OS, Findings, Context);
    break;
  case OutputFormat::Sarif:
    printSarif(OS, Findings, Context);
    break;
  case OutputFormat::Github:
    printGithub(OS, Findings, Context);
    break;
  case OutputFormat::Gitlab:
    printGitlab(OS, Findings, Context);
    break;
  }
}

int main(int Argc, const char **Argv) {
  llvm::InitLLVM Init(Argc, Argv);
  if (Argc > 1 && llvm::StringRef(Argv[1]) == "merge") // issue 8: sharding
    return runMerge(Argc - 1, Argv + 1);
  int ExitNow = Clean;
  std::optional<DriverOptions> Opts = parseCommandLine(Argc, Argv, ExitNow);
  if (!Opts)
    return ExitNow;
  for (const std::string *Path :
       {&Opts->Output, &Opts->ExportFixes, &Opts->WriteBaseline})
    if (Opts->WorkerFile.empty() && !Path->empty())
      createParentDirectories(*Path);
  std::string Executable =
      llvm::sys::fs::getMainExecutable(Argv[0], (void *)&error);

  if (!Opts->WorkerFile.empty())
    return runWorker(Opts->WorkerFile, Opts->WorkerOutput, *Opts);

  if (Opts->Explain) {
    std::string Error;
    if (!explainCheck(llvm::outs(), *Opts->Explain, Executable, Error)) {
      error(Error);
      return UsageError;
    }
    return Clean;
  }

  std::vector<std::string> Warnings;
  if (Opts->ListChecks) {
    // The configuration that applies is that of the current directory.
    std::vector<std::string> Errors =
        validateConfiguration(*Opts, {currentDirectoryProbe()}, Warnings);
    for (const std::string &E : Errors)
      error(E);
    return Errors.empty() ? listChecks(*Opts) : UsageError;
  }

  if (Opts->Checklist && Opts->Format != OutputFormat::Text &&
      Opts->Output.empty()) {
    error("--checklist prints to stdout: give --output for the --format "
          "report");
    return UsageError;
  }

  // Unusable outputs or baseline: refuse before minutes of analysis.
  std::vector<std::string> Unusable = preflightErrors(*Opts);
  for (const std::string &E : Unusable)
    error(E);
  if (!Unusable.empty())
    return UsageError;

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
  std::vector<std::string> Enabled;
  if (!Inputs->Files.empty()) {
    Enabled = enabledChecks(*Opts, Inputs->Files.front());
    if (Enabled.empty()) {
      error("no check is enabled: --checks and .clang-tidy disable them all");
      return UsageError;
    }
  }

  // issue 8: --shard K/N keeps its share; the enabled checks above come
  // from the whole input set, so every shard reports the same rules.
  if (Opts->ShardCount)
    Inputs->Files =
        selectShard(Inputs->Files, Opts->ShardIndex, Opts->ShardCount);

  ReportContext Context;
  Context.Root = Opts->Root.empty() ? defaultRoot() : absolutePath(Opts->Root);
  Context.EnabledChecks = Enabled;
  Context.FilesAnalysed = Inputs->Files.size();
  Context.ProfileName = Opts->Checks ? "custom" : "high-traffic";

  unsigned Jobs = Opts->Jobs
                      ? Opts->Jobs
                      : std::max(1u, std::thread::hardware_concurrency());
  Progress Bar(!Opts->Quiet && llvm::sys::Process::StandardErrIsDisplayed(),
               Inputs->Files.size(), Context.Root);
  // issue 8: the executable is hashed once here, not by every worker.
  std::vector<std::string> WorkerArgs = Opts->OwnArgs;
  if (!Opts->CacheDir.empty())
    WorkerArgs.push_back("--internal-executable-hash=" + cacheExecutableHash());
  std::vector<FileResult> Results = runWorkers(
      Inputs->Files, Jobs, Executable, WorkerArgs, Opts->HasCompilerArgs,
      Opts->CompilerArgs,
      [&](size_t Done, const std::string &File) { Bar.update(Done, File); },
      Opts->TimeoutPerFile);
  Bar.finish();

  // issue 8: --cache-dir statistics and warnings, each text once.
  size_t CacheHits = 0, CacheDirect = 0, CacheMisses = 0;
  std::set<std::string> CacheWarningsShown;
  for (const FileResult &Result : Results) {
    CacheHits += Result.Cache == FileResult::CacheStatus::Hit ||
                 Result.Cache == FileResult::CacheStatus::DirectHit;
    CacheDirect += Result.Cache == FileResult::CacheStatus::DirectHit;
    CacheMisses += Result.Cache == FileResult::CacheStatus::Miss;
    for (const std::string &W : Result.CacheWarnings)
      if (CacheWarningsShown.insert(W).second)
        fmt::print(stderr, "loadcheck: warning: {}\n", W);
  }

  std::vector<Finding> All;
  for (FileResult &Result : Results) {
    if (!Result.Failure.empty())
      Context.Failures.push_back({Result.File, Result.Failure});
    for (Finding &F : Result.Findings)
      All.push_back(std::move(F));
  }
  All = deduplicate(std::move(All));
  // Check options of the wrong type: configuration errors, not findings.
  for (const std::string &E : takeConfigurationErrors(All)) {
    error(E);
    Outcome = UsageError;
  }
  fingerprintFindings(All, Context.Root);

  if (!Opts->WriteBaseline.empty()) {
    std::string E = writeBaseline(Opts->WriteBaseline, All, Context.Root);
    if (!E.empty()) {
      error(E);
      Outcome = UsageError;
    }
  }
  size_t Baselined = 0;
  if (!Opts->Baseline.empty()) {
    std::string E = applyBaseline(Opts->Baseline, All, Baselined);
    if (!E.empty()) {
      error(E);
      return UsageError;
    }
  }

  if (!Opts->ExportFixes.empty()) {
    std::string E = exportFixes(Opts->ExportFixes, All);
    if (!E.empty()) {
      error(E);
      Outcome = UsageError;
    }
  }

  std::unique_ptr<llvm::raw_fd_ostream> File;
  if (!Opts->Output.empty()) {
    std::error_code EC;
    File = std::make_unique<llvm::raw_fd_ostream>(Opts->Output, EC,
                                                  llvm::sys::fs::OF_Text);
    if (EC) {
      error(fmt::format("cannot write '{}': {}", Opts->Output, EC.message()));
      return UsageError;
    }
  }
  bool Terminal = llvm::sys::Process::StandardOutIsDisplayed();
  if (Opts->Checklist) {
    llvm::outs().enable_colors(false);
    printChecklist(llvm::outs(), All, Context);
  }
  if (File) {
    File->enable_colors(Opts->Format == OutputFormat::Text &&
                        useColor(Opts->Color, false));
    printReport(*File, Opts->Format, All, Context);
  } else if (!Opts->Checklist) {
    llvm::outs().enable_colors(Opts->Format == OutputFormat::Text &&
                               useColor(Opts->Color, Terminal));
    printReport(llvm::outs(), Opts->Format, All, Context);
  }
  llvm::outs().flush();
  if (File) {
    File->close();
    if (File->has_error()) {
      error(fmt::format("cannot write '{}': {}", Opts->Output,
                        File->error().message()));
      File->clear_error();
      Outcome = UsageError;
    }
  }

  // After the report, which shows the sources as they were analysed.
  std::optional<FixOutcome> Fixed;
  if (Opts->Fix) {
    // What each file was when analysed: --fix refuses files changed since.
    FileDigests Analysed;
    for (const FileResult &Result : Results)
      mergeDigests(Analysed, Result.Analysed);
    Fixed = applyFixes(All, &Analysed);
  }

  for (const FileFailure &F : Context.Failures)
    error(F.Reason);
  if (Fixed) {
    for (const std::string &C : Fixed->Conflicts)
      fmt::print(stderr, "loadcheck: warning: {}\n", C);
    for (const std::string &E : Fixed->Errors) {
      error(E);
      Outcome = UsageError;
    }
    for (const std::string &R : Fixed->Refused) {
      error(R);
      Outcome = worseOf(Outcome, AnalysisFailed);
    }
    if (!Opts->Quiet)
      fmt::print(stderr,
                 "loadcheck: applied {} fix-it{} in {} file{} ({} "
                 "conflicting)\n",
                 Fixed->Applied, Fixed->Applied == 1 ? "" : "s",
                 Fixed->FilesChanged, Fixed->FilesChanged == 1 ? "" : "s",
                 Fixed->Conflicts.size());
  }
  size_t CheckFindings = llvm::count_if(
      All, [](const Finding &F) { return !F.isCompilerError(); });
  if (!Opts->Quiet)
    fmt::print(
        stderr, "loadcheck: {} finding{} in {} file{} ({} not analysed){}{}\n",
        CheckFindings, CheckFindings == 1 ? "" : "s", Inputs->Files.size(),
        Inputs->Files.size() == 1 ? "" : "s", Context.Failures.size(),
        Opts->Baseline.empty()
            ? std::string()
            : fmt::format("; {} known from the baseline", Baselined),
        cacheSummary(*Opts, CacheHits, CacheDirect, CacheMisses));
  if (CheckFindings)
    Outcome = worseOf(Outcome, Findings);
  if (!Context.Failures.empty())
    Outcome = worseOf(Outcome, AnalysisFailed);
  return Outcome;
}
