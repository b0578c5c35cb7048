#include "tool/Pipeline.h"
#include "tool/ExitCodes.h"
#include "tool/Paths.h"
#include "tool/changed/ChangedUnits.h"
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

#include "llvm/ADT/StringExtras.h"
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
  size_t BaselineGone = 0;      ///< baseline entries no finding matched
  bool BaselineWritten = false; ///< today's findings are accepted
  std::string Stdout;           ///< the reports for stdout, written last
  std::optional<FixOutcome> Fixed;
  std::optional<ChangedUnits> Changed; ///< --diff-base, --diff

  void fail(llvm::StringRef Message, ExitCode Code = UsageError) {
    error(Message);
    Outcome = worseOf(Outcome, Code);
  }
};

unsigned jobCount(const DriverOptions &Opts) {
  return Opts.Jobs ? Opts.Jobs
                   : std::max(1u, std::thread::hardware_concurrency());
}

/// The options the workers analyse with: the driver's. The executable is
/// hashed once here, not by every worker.
DriverOptions workerOptions(const DriverOptions &Opts) {
  DriverOptions WorkerOpts = Opts;
  if (!Opts.CacheDir.empty() && WorkerOpts.ExecutableHash.empty())
    WorkerOpts.ExecutableHash = cacheExecutableHash();
  return WorkerOpts;
}

/// --diff-base, --diff: keeps the translation units the change affects
/// (ChangedUnits.h). False: the change cannot be read.
bool selectChanged(Run &R) {
  const DriverOptions &Opts = R.Opts;
  if (!wantsChangedLines(Opts))
    return true;
  if (!Opts.WriteBaseline.empty()) {
    error("--write-baseline records the findings of the whole project: run "
          "it without --diff-base and --diff");
    return false;
  }
  std::string E;
  R.Changed = selectChangedUnits(Opts, R.Inputs->Files, *R.Inputs->Database,
                                 R.Context.Root, jobCount(Opts), E);
  if (!R.Changed) {
    error(E);
    return false;
  }
  std::set<std::string> Shown;
  for (const std::string &W : R.Changed->Warnings)
    if (Shown.insert(W).second)
      warning(W);
  if (!Opts.Quiet)
    fmt::print(stderr, "loadcheck: {}\n", R.Changed->summaryLine());
  R.Inputs->Files = R.Changed->Affected;
  return true;
}

/// The database, the files to analyse (this shard's share) and the
/// configuration, checked before minutes of analysis. False: stop with a
/// usage error.
bool collectInputs(Run &R) {
  const DriverOptions &Opts = R.Opts;
  if (Opts.Checklist && Opts.Output.empty())
    for (const ReportRequest &R : Opts.Reports)
      if (R.File.empty() && R.Format != OutputFormat::Text) {
        error(fmt::format("--checklist prints to stdout: give the {} report "
                          "a file (--format={}:FILE or --output)",
                          formatName(R.Format).str(),
                          formatName(R.Format).str()));
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
  if (!selectChanged(R))
    return false;
  R.Context.FilesAnalysed = R.Inputs->Files.size();
  R.Context.CheckSet = describeCheckSet(
      Opts, R.Inputs->Files.empty() ? "" : R.Inputs->Files.front(),
      R.Context.Root, Enabled.size());
  return true;
}

/// Every translation unit through a worker process, then the cache's
/// statistics and warnings (each text once).
void analyseUnits(Run &R) {
  const DriverOptions &Opts = R.Opts;
  unsigned Jobs = jobCount(Opts);
  Progress Bar(!Opts.Quiet && llvm::sys::Process::StandardErrIsDisplayed(),
               R.Inputs->Files.size(), R.Context.Root);
  R.Results = runWorkers(
      R.Inputs->Files, *R.Inputs->Database, Jobs, workerOptions(Opts),
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
  // A baseline may be of version 1: its fingerprints are computed here, at
  // the same point and over the same findings as when it was written.
  fingerprintFindings(R.Findings, R.Context.Root,
                      /*VersionOne=*/!R.Opts.Baseline.empty());
}

/// Changed lines: the facts of the unaffected units, from the cache, and,
/// when a finding's verdict depends on the program, the analysis of those
/// the cache lacks, so the verdicts are a full run's (ChangedUnits.h).
void completeFacts(Run &R) {
  ChangedUnits &Changed = *R.Changed;
  for (UnitFacts &Unit : Changed.CachedFacts)
    R.Context.Facts.push_back(std::move(Unit));
  Changed.CachedFacts.clear();
  if (Changed.WithoutFacts.empty() || R.Opts.ShardCount)
    return;
  LinkStage Partial(R.Context.Facts,
                    [](llvm::StringRef Path) { return absolutePath(Path); });
  if (llvm::none_of(R.Findings,
                    [&](const Finding &F) { return Partial.isCandidate(F); }))
    return;
  if (!R.Opts.Quiet)
    fmt::print(stderr,
               "loadcheck: changed lines: analysing {} unaffected "
               "translation unit{} for the program facts of the verdicts\n",
               Changed.WithoutFacts.size(),
               Changed.WithoutFacts.size() == 1 ? "" : "s");
  std::vector<FileResult> More = runWorkers(
      Changed.WithoutFacts, *R.Inputs->Database, jobCount(R.Opts),
      workerOptions(R.Opts), [](size_t, const std::string &) {},
      R.Opts.TimeoutPerFile);
  for (FileResult &Result : More)
    if (Result.Failure.empty() &&
        Result.Facts.kind() != llvm::json::Value::Null)
      R.Context.Facts.push_back({Result.File, std::move(Result.Facts), ""});
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
  if (R.Changed)
    completeFacts(R);
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
    R.BaselineWritten = E.empty();
  }
  if (!R.Opts.Baseline.empty()) {
    Baseline Known;
    if (std::string E = readBaseline(R.Opts.Baseline, Known); !E.empty()) {
      error(E);
      return false;
    }
    if (std::string W = upgradeWarning(Known); !W.empty())
      warning(W);
    // A shard analyses its share only: entries elsewhere are not gone. A
    // changed-lines run reports changed lines only, so no entry can be
    // told gone (baseline entries carry no line).
    std::set<std::string> Share;
    for (const std::string &File : R.Inputs->Files)
      Share.insert(relativeToRoot(File, R.Context.Root));
    BaselineOutcome Outcome =
        loadcheck::applyBaseline(Known, R.Findings, [&](llvm::StringRef File) {
          return !R.Changed && (!R.Opts.ShardCount || Share.count(File.str()));
        });
    R.Baselined = Outcome.Suppressed;
    R.BaselineGone = Outcome.Gone;
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
  R.Stdout = std::move(Written.Stdout);
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

/// "N finding(s) in M file(s)": the files are those holding findings.
std::string findingsSummary(const std::vector<Finding> &Findings,
                            size_t CheckFindings) {
  std::set<std::string> Files;
  for (const Finding &F : Findings)
    if (!F.isCompilerError())
      Files.insert(F.Where.File);
  return fmt::format("{} finding{} in {} file{}", CheckFindings,
                     CheckFindings == 1 ? "" : "s", Files.size(),
                     Files.size() == 1 ? "" : "s");
}

/// "; N fixed by --fix, M remain" with --fix.
std::string fixSummary(const Run &R, size_t Remaining) {
  if (!R.Fixed)
    return "";
  return fmt::format("; {} fixed by --fix, {} remain{}", R.Fixed->Applied,
                     Remaining, Remaining == 1 ? "s" : "");
}

/// "; N known from the baseline, G gone since it was written" for the
/// summary line with --baseline.
std::string baselineSummary(const Run &R) {
  if (R.Opts.Baseline.empty())
    return "";
  if (R.Changed)
    return fmt::format("; {} known from the baseline", R.Baselined);
  return fmt::format("; {} known from the baseline, {} gone since it was "
                     "written",
                     R.Baselined, R.BaselineGone);
}

/// The failures, what --fix did, the summary line and the exit code: that
/// of the findings that remain after --fix.
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
  size_t Remaining =
      CheckFindings - (R.Fixed ? std::min(R.Fixed->Applied, CheckFindings) : 0);
  size_t Failed = R.Context.Failures.size();
  size_t Analysed = R.Inputs->Files.size() - Failed;
  if (!Opts.Quiet)
    fmt::print(stderr,
               "loadcheck: {}; {} file{} analysed, {} not analysed{}{}{}{}\n",
               findingsSummary(R.Findings, CheckFindings), Analysed,
               Analysed == 1 ? "" : "s", Failed, baselineSummary(R),
               hiddenInHeadersSummary(R.Context.HiddenInHeaders),
               cacheSummary(Opts, R.Cache), fixSummary(R, Remaining));
  // Findings written to a new baseline are accepted, not failures.
  if (Remaining && !R.BaselineWritten)
    R.Outcome = worseOf(R.Outcome, Findings);
  if (Failed)
    R.Outcome = worseOf(R.Outcome, AnalysisFailed);
  return R.Outcome;
}

/// How a configuration source of clang-tidy's provider is named: a file
/// relative to \p Root, a command-line option as the user spelt it.
std::string sourceName(llvm::StringRef Source, llvm::StringRef Root) {
  llvm::StringRef Option = Source;
  if (Option.consume_front("command-line option '-"))
    return "--" + Option.rtrim('\'').str();
  return relativeToRoot(Source, Root);
}

} // namespace

std::string describeCheckSet(const DriverOptions &Opts, const std::string &File,
                             llvm::StringRef Root, size_t Count) {
  using clang::tidy::ClangTidyOptionsProvider;
  std::string Probe = File.empty() ? currentDirectoryProbe() : File;
  std::vector<ClangTidyOptionsProvider::OptionsSource> Sources =
      createOptionsProvider(Opts)->getRawOptions(Probe);
  // The first source holds the defaults: the profile. A `Checks` starting
  // with -* replaces everything before it.
  bool Profile = true;
  std::vector<std::string> Changes;
  for (size_t I = 1; I < Sources.size(); ++I) {
    const std::optional<std::string> &Checks = Sources[I].first.Checks;
    if (!Checks || llvm::StringRef(*Checks).trim().empty())
      continue;
    if (llvm::StringRef(*Checks).ltrim().starts_with("-*")) {
      Profile = false;
      Changes.clear();
    }
    Changes.push_back(sourceName(Sources[I].second, Root));
  }
  std::string From = llvm::join(Changes, " and ");
  std::string Set = !Profile ? "custom checks from " + From
                    : From.empty()
                        ? std::string("the high-traffic profile")
                        : "the high-traffic profile changed by " + From;
  return fmt::format("{}, {} check{}", Set, Count, Count == 1 ? "" : "s");
}

int runAnalysis(const DriverOptions &Opts) {
  Run R(Opts);
  if (!collectInputs(R))
    return UsageError;
  analyseUnits(R);
  if (R.Changed) // what the header filters hid counts on changed lines only
    for (FileResult &Result : R.Results)
      R.Changed->keepChangedLines(Result.HiddenInHeaders);
  deduplicate(R);
  if (R.Changed)
    R.Changed->keepChangedLines(R.Findings);
  linkProgram(R);
  if (!applyBaseline(R))
    return UsageError;
  if (!report(R))
    return UsageError;
  applyFixes(R);
  writeStdout(R.Stdout);
  return summarise(R);
}

} // namespace loadcheck
