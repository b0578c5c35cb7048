#include "tool/Pipeline.h"
#include "tool/ExitCodes.h"
#include "tool/Paths.h"
#include "tool/front/Config.h"
#include "tool/front/Database.h"
#include "tool/front/Preflight.h"
#include "tool/link/LinkStage.h"
#include "tool/report/Report.h"
#include "tool/results/Baseline.h"
#include "tool/results/Fingerprint.h"
#include "tool/results/Fixes.h"
#include "tool/results/Shard.h"
#include "tool/run/Analyzer.h"
#include "tool/run/Cache.h"
#include "tool/run/Progress.h"
#include "tool/run/Worker.h"

#include "llvm/Support/Process.h"
#include <algorithm>
#include <fmt/core.h>
#include <optional>
#include <set>
#include <thread>

namespace loadcheck {

namespace {

void error(llvm::StringRef Message) {
  fmt::print(stderr, "loadcheck: error: {}\n", Message.str());
}

void warning(llvm::StringRef Message) {
  fmt::print(stderr, "loadcheck: warning: {}\n", Message.str());
}

/// What the cache did over the run (--cache-dir).
struct CacheCounts {
  size_t Hits = 0, Direct = 0, Misses = 0;
};

/// The state a run carries from stage to stage.
struct Run {
  explicit Run(const DriverOptions &Opts) : Opts(Opts) {}

  const DriverOptions &Opts;
  ExitCode Outcome = Clean;
  std::unique_ptr<InputSet> Inputs;
  ReportContext Context;
  std::vector<FileResult> Results;
  CacheCounts Cache;
  std::vector<Finding> Findings;
  size_t Baselined = 0;
  std::optional<FixOutcome> Fixed;

  void fail(llvm::StringRef Message, ExitCode Code = UsageError) {
    error(Message);
    Outcome = worseOf(Outcome, Code);
  }
};

/// The database, the files to analyse (this shard's share) and the
/// configuration, checked before minutes of analysis. False: stop with a
/// usage error.
bool collectInputs(Run &R) {
  const DriverOptions &Opts = R.Opts;
  if (Opts.Checklist && Opts.Format != OutputFormat::Text &&
      Opts.Output.empty()) {
    error("--checklist prints to stdout: give --output for the --format "
          "report");
    return false;
  }

  // Unusable outputs or baseline: refuse before minutes of analysis.
  std::vector<std::string> Unusable = preflightErrors(Opts);
  for (const std::string &E : Unusable)
    error(E);
  if (!Unusable.empty())
    return false;

  std::string DatabaseError;
  R.Inputs = loadInputs(Opts, DatabaseError);
  if (!R.Inputs) {
    error(DatabaseError);
    return false;
  }
  for (const std::string &E : R.Inputs->InputErrors)
    R.fail(E);

  std::vector<std::string> Warnings;
  std::vector<std::string> ConfigErrors =
      validateConfiguration(Opts, R.Inputs->Files, Warnings);
  for (const std::string &W : Warnings)
    warning(W);
  for (const std::string &E : ConfigErrors)
    error(E);
  if (!ConfigErrors.empty())
    return false;
  std::vector<std::string> Enabled;
  if (!R.Inputs->Files.empty()) {
    Enabled = enabledChecks(Opts, R.Inputs->Files.front());
    if (Enabled.empty()) {
      error("no check is enabled: --checks and .clang-tidy disable them all");
      return false;
    }
  }

  // --shard K/N keeps its share; the enabled checks above come from the
  // whole input set, so every shard reports the same rules.
  if (Opts.ShardCount)
    R.Inputs->Files =
        selectShard(R.Inputs->Files, Opts.ShardIndex, Opts.ShardCount);

  R.Context.Root = Opts.Root.empty() ? defaultRoot() : absolutePath(Opts.Root);
  R.Context.EnabledChecks = Enabled;
  R.Context.FilesAnalysed = R.Inputs->Files.size();
  R.Context.ProfileName = Opts.Checks ? "custom" : "high-traffic";
  return true;
}

/// Every translation unit through a worker process, then the cache's
/// statistics and warnings (each text once).
void analyseUnits(Run &R, const std::string &Executable) {
  const DriverOptions &Opts = R.Opts;
  unsigned Jobs =
      Opts.Jobs ? Opts.Jobs : std::max(1u, std::thread::hardware_concurrency());
  Progress Bar(!Opts.Quiet && llvm::sys::Process::StandardErrIsDisplayed(),
               R.Inputs->Files.size(), R.Context.Root);
  // The executable is hashed once here, not by every worker.
  std::vector<std::string> WorkerArgs = Opts.OwnArgs;
  if (!Opts.CacheDir.empty())
    WorkerArgs.push_back("--internal-executable-hash=" + cacheExecutableHash());
  R.Results = runWorkers(
      R.Inputs->Files, Jobs, Executable, WorkerArgs, Opts.HasCompilerArgs,
      Opts.CompilerArgs,
      [&](size_t Done, const std::string &File) { Bar.update(Done, File); },
      Opts.TimeoutPerFile);
  Bar.finish();

  std::set<std::string> CacheWarningsShown;
  for (const FileResult &Result : R.Results) {
    R.Cache.Hits += Result.Cache == FileResult::CacheStatus::Hit ||
                    Result.Cache == FileResult::CacheStatus::DirectHit;
    R.Cache.Direct += Result.Cache == FileResult::CacheStatus::DirectHit;
    R.Cache.Misses += Result.Cache == FileResult::CacheStatus::Miss;
    for (const std::string &W : Result.CacheWarnings)
      if (CacheWarningsShown.insert(W).second)
        warning(W);
  }
}

/// The findings of every translation unit, once each (a header's finding
/// comes from every TU including it), check options of the wrong type
/// turned into configuration errors, the rest fingerprinted.
void deduplicate(Run &R) {
  std::vector<Finding> All;
  for (FileResult &Result : R.Results) {
    if (!Result.Failure.empty())
      R.Context.Failures.push_back({Result.File, Result.Failure});
    for (Finding &F : Result.Findings)
      All.push_back(std::move(F));
    Result.Findings.clear();
  }
  R.Findings = deduplicateFindings(std::move(All));
  // What the header filters hid, once each, leaving out what another
  // translation unit (with another filter) reports.
  std::vector<Finding> Hidden;
  for (FileResult &Result : R.Results)
    for (Finding &F : Result.HiddenInHeaders)
      if (!std::binary_search(R.Findings.begin(), R.Findings.end(), F))
        Hidden.push_back(std::move(F));
  R.Context.HiddenInHeaders = deduplicateFindings(std::move(Hidden)).size();
  for (const std::string &E : takeConfigurationErrors(R.Findings))
    R.fail(E);
  fingerprintFindings(R.Findings, R.Context.Root);
}

/// The program linked from every analysed translation unit's facts, and
/// each finding decided by it: dropped, or kept with the path's notes. A
/// shard sees part of the program only: it keeps every finding and its
/// facts, and `loadcheck merge` of the JSON shards links them.
void linkProgram(Run &R) {
  for (FileResult &Result : R.Results)
    if (Result.Failure.empty() &&
        Result.Facts.kind() != llvm::json::Value::Null)
      R.Context.Facts.push_back({Result.File, std::move(Result.Facts)});
  R.Context.FactsLinked = R.Opts.ShardCount == 0;
  if (!R.Context.FactsLinked)
    return;
  LinkStage Program(R.Context.Facts,
                    [](llvm::StringRef Path) { return absolutePath(Path); });
  Program.decideAll(R.Findings);
  for (const std::string &W : Program.summary().Warnings)
    warning(W);
  if (R.Opts.Verbose)
    fmt::print(stderr, "loadcheck: {}\n",
               linkStatisticsLine(Program.summary()));
}

/// --write-baseline, then --baseline. False: the baseline cannot be read.
bool applyBaseline(Run &R) {
  if (!R.Opts.WriteBaseline.empty()) {
    std::string E =
        writeBaseline(R.Opts.WriteBaseline, R.Findings, R.Context.Root);
    if (!E.empty())
      R.fail(E);
  }
  if (!R.Opts.Baseline.empty()) {
    std::string E =
        loadcheck::applyBaseline(R.Opts.Baseline, R.Findings, R.Baselined);
    if (!E.empty()) {
      error(E);
      return false;
    }
  }
  return true;
}

/// --export-fixes and the reports. False: the --output file cannot be
/// opened.
bool report(Run &R) {
  if (!R.Opts.ExportFixes.empty()) {
    std::string E = exportFixes(R.Opts.ExportFixes, R.Findings);
    if (!E.empty())
      R.fail(E);
  }
  WriteOutcome Written = writeReports(R.Opts, R.Findings, R.Context);
  if (Written.NotOpened) {
    error(Written.Error);
    return false;
  }
  if (!Written.Error.empty())
    R.fail(Written.Error);
  return true;
}

/// --fix, after the report, which shows the sources as they were analysed.
void applyFixes(Run &R) {
  if (!R.Opts.Fix)
    return;
  // What each file was when analysed: --fix refuses files changed since.
  FileDigests Analysed;
  for (const FileResult &Result : R.Results)
    mergeDigests(Analysed, Result.Analysed);
  R.Fixed = loadcheck::applyFixes(R.Findings, &Analysed);
}

/// "; cache: H hits (D direct), M misses" for the summary line with
/// --cache-dir: how a CI log shows the cache works. Direct hits skipped the
/// preprocessor (Cache.h).
std::string cacheSummary(const DriverOptions &Opts, const CacheCounts &C) {
  if (Opts.CacheDir.empty())
    return "";
  return fmt::format("; cache: {} hit{}{}, {} miss{}", C.Hits,
                     C.Hits == 1 ? "" : "s",
                     C.Hits ? fmt::format(" ({} direct)", C.Direct) : "",
                     C.Misses, C.Misses == 1 ? "" : "es");
}

/// The failures, what --fix did, the summary line and the exit code.
int summarise(Run &R) {
  const DriverOptions &Opts = R.Opts;
  for (const FileFailure &F : R.Context.Failures)
    error(F.Reason);
  if (R.Fixed) {
    for (const std::string &C : R.Fixed->Conflicts)
      warning(C);
    for (const std::string &E : R.Fixed->Errors)
      R.fail(E);
    for (const std::string &Refused : R.Fixed->Refused)
      R.fail(Refused, AnalysisFailed);
    if (!Opts.Quiet)
      fmt::print(stderr,
                 "loadcheck: applied {} fix-it{} in {} file{} ({} "
                 "conflicting)\n",
                 R.Fixed->Applied, R.Fixed->Applied == 1 ? "" : "s",
                 R.Fixed->FilesChanged, R.Fixed->FilesChanged == 1 ? "" : "s",
                 R.Fixed->Conflicts.size());
  }
  size_t CheckFindings = llvm::count_if(
      R.Findings, [](const Finding &F) { return !F.isCompilerError(); });
  size_t Files = R.Inputs->Files.size();
  if (!Opts.Quiet)
    fmt::print(stderr,
               "loadcheck: {} finding{} in {} file{} ({} not analysed){}{}{}\n",
               CheckFindings, CheckFindings == 1 ? "" : "s", Files,
               Files == 1 ? "" : "s", R.Context.Failures.size(),
               Opts.Baseline.empty()
                   ? std::string()
                   : fmt::format("; {} known from the baseline", R.Baselined),
               hiddenInHeadersSummary(R.Context.HiddenInHeaders),
               cacheSummary(Opts, R.Cache));
  if (CheckFindings)
    R.Outcome = worseOf(R.Outcome, Findings);
  if (!R.Context.Failures.empty())
    R.Outcome = worseOf(R.Outcome, AnalysisFailed);
  return R.Outcome;
}

} // namespace

int runAnalysis(const DriverOptions &Opts, const std::string &Executable) {
  Run R(Opts);
  if (!collectInputs(R))
    return UsageError;
  analyseUnits(R, Executable);
  deduplicate(R);
  linkProgram(R);
  if (!applyBaseline(R))
    return UsageError;
  if (!report(R))
    return UsageError;
  applyFixes(R);
  return summarise(R);
}

} // namespace loadcheck
