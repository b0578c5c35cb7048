#include "tool/changed/ChangedUnits.h"
#include "tool/changed/GitDiff.h"
#include "tool/run/Cache.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <atomic>
#include <fmt/core.h>
#include <thread>

namespace loadcheck {

namespace {

/// \p Path with symbolic links resolved (its directory's, for a file that
/// no longer exists), so the diff's paths under git's top level and the
/// database's spelling of the same file compare equal.
std::string canonical(llvm::StringRef Path) {
  llvm::SmallString<256> Real;
  if (!llvm::sys::fs::real_path(Path, Real))
    return std::string(Real);
  if (!llvm::sys::fs::real_path(llvm::sys::path::parent_path(Path), Real)) {
    llvm::sys::path::append(Real, llvm::sys::path::filename(Path));
    return std::string(Real);
  }
  return Path.str();
}

ChangeSet canonicalised(const ChangeSet &Changes) {
  ChangeSet Out;
  for (const auto &[File, Lines] : Changes.Changed)
    Out.Changed[canonical(File)] = Lines;
  for (const std::string &File : Changes.Removed)
    Out.Removed.insert(canonical(File));
  return Out;
}

/// What the selection found about one unit.
struct UnitVerdict {
  bool Affected = false;
  std::optional<FileResult> Cached;
  std::vector<std::string> Warnings;
};

UnitVerdict judgeUnit(const std::string &File, const ChangeSet &Changes,
                      const clang::tooling::CompilationDatabase &Database,
                      const DriverOptions &Opts) {
  UnitVerdict Verdict;
  if (Changes.touchesFile(canonical(File))) {
    Verdict.Affected = true;
    return Verdict;
  }
  std::optional<UnitDependencies> Deps = unitDependencies(File, Database, Opts);
  if (!Deps) { // does not preprocess: the analysis says why
    Verdict.Affected = true;
    return Verdict;
  }
  Verdict.Warnings = std::move(Deps->Warnings);
  Verdict.Affected = llvm::any_of(Deps->Read,
                                  [&](const std::string &Read) {
                                    return Changes.touchesFile(canonical(Read));
                                  }) ||
                     llvm::any_of(Deps->Absent, [&](const std::string &Sought) {
                       return Changes.Removed.count(canonical(Sought)) != 0;
                     });
  if (!Verdict.Affected)
    Verdict.Cached = std::move(Deps->Cached);
  return Verdict;
}

} // namespace

bool wantsChangedLines(const DriverOptions &Opts) {
  return !Opts.DiffBase.empty() || !Opts.DiffFile.empty();
}

std::optional<ChangedUnits>
selectChangedUnits(const DriverOptions &Opts,
                   const std::vector<std::string> &Files,
                   const clang::tooling::CompilationDatabase &Database,
                   llvm::StringRef Root, unsigned Jobs, std::string &Error) {
  std::optional<ChangeSet> Read =
      Opts.DiffBase.empty() ? changesFromDiffFile(Opts.DiffFile, Root, Error)
                            : changesSinceRevision(Opts.DiffBase, Error);
  if (!Read)
    return std::nullopt;
  ChangedUnits Units;
  Units.Changes = canonicalised(*Read);
  Units.Total = Files.size();
  if (Units.Changes.empty())
    return Units; // nothing to analyse

  // The executable is hashed once, not for every unit's key.
  DriverOptions KeyOpts = Opts;
  if (KeyOpts.ExecutableHash.empty() && !KeyOpts.CacheDir.empty())
    KeyOpts.ExecutableHash = cacheExecutableHash();
  std::vector<UnitVerdict> Verdicts(Files.size());
  std::atomic<size_t> Next = 0;
  auto Work = [&] {
    for (size_t I; (I = Next++) < Files.size();)
      Verdicts[I] = judgeUnit(Files[I], Units.Changes, Database, KeyOpts);
  };
  std::vector<std::thread> Threads;
  for (unsigned T = 1; T < std::max(1u, Jobs); ++T)
    Threads.emplace_back(Work);
  Work();
  for (std::thread &T : Threads)
    T.join();

  for (size_t I = 0; I < Files.size(); ++I) {
    UnitVerdict &V = Verdicts[I];
    llvm::append_range(Units.Warnings, V.Warnings);
    if (V.Affected)
      Units.Affected.push_back(Files[I]);
    else if (V.Cached && V.Cached->Failure.empty() &&
             V.Cached->Facts.kind() != llvm::json::Value::Null)
      Units.CachedFacts.push_back({Files[I], std::move(V.Cached->Facts), ""});
    else
      Units.WithoutFacts.push_back(Files[I]);
  }
  return Units;
}

void ChangedUnits::keepChangedLines(std::vector<Finding> &Findings) const {
  std::map<std::string, std::string> Canonical;
  llvm::erase_if(Findings, [&](const Finding &F) {
    if (F.isCompilerError())
      return false;
    auto [It, New] = Canonical.try_emplace(F.Where.File);
    if (New)
      It->second = canonical(F.Where.File);
    return !Changes.touchesLine(It->second, F.Where.Line);
  });
}

std::string ChangedUnits::summaryLine() const {
  auto Plural = [](size_t N, const char *Word) {
    return fmt::format("{} {}{}", N, Word, N == 1 ? "" : "s");
  };
  return fmt::format("changed lines: {} of {} affected ({} changed, {} "
                     "removed)",
                     Affected.size(), Plural(Total, "translation unit"),
                     Plural(Changes.Changed.size(), "file"),
                     Changes.Removed.size());
}

} // namespace loadcheck
