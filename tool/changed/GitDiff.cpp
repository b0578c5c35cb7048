#include "tool/changed/GitDiff.h"
#include "tool/Paths.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include <fmt/core.h>

namespace loadcheck {

namespace {

struct GitOutput {
  int ExitCode = -1;
  std::string Out;
  std::string FirstErrorLine;
};

/// Runs `git Args...` in the current directory and collects its output.
/// ExitCode -1: git could not be run.
GitOutput runGit(const std::vector<std::string> &Args) {
  GitOutput Result;
  llvm::ErrorOr<std::string> Git = llvm::sys::findProgramByName("git");
  if (!Git)
    return Result;
  llvm::SmallString<128> OutPath, ErrPath;
  if (llvm::sys::fs::createTemporaryFile("loadcheck-git", "out", OutPath) ||
      llvm::sys::fs::createTemporaryFile("loadcheck-git", "err", ErrPath))
    return Result;
  std::vector<llvm::StringRef> Argv = {*Git};
  Argv.insert(Argv.end(), Args.begin(), Args.end());
  std::optional<llvm::StringRef> Redirects[] = {
      llvm::StringRef(""), llvm::StringRef(OutPath), llvm::StringRef(ErrPath)};
  Result.ExitCode =
      llvm::sys::ExecuteAndWait(*Git, Argv, std::nullopt, Redirects);
  if (auto Out = llvm::MemoryBuffer::getFile(OutPath))
    Result.Out = (*Out)->getBuffer().str();
  if (auto Err = llvm::MemoryBuffer::getFile(ErrPath))
    Result.FirstErrorLine = (*Err)->getBuffer().split('\n').first.trim().str();
  bestEffort(llvm::sys::fs::remove(OutPath));
  bestEffort(llvm::sys::fs::remove(ErrPath));
  return Result;
}

} // namespace

std::optional<ChangeSet> changesSinceRevision(llvm::StringRef Revision,
                                              std::string &Error) {
  GitOutput TopLevel = runGit({"rev-parse", "--show-toplevel"});
  if (TopLevel.ExitCode == -1) {
    Error = "--diff-base needs git, which could not be run";
    return std::nullopt;
  }
  if (TopLevel.ExitCode != 0) {
    Error = fmt::format("--diff-base needs a git work tree: '{}' is not in one",
                        absolutePath("."));
    return std::nullopt;
  }
  std::string Root = llvm::StringRef(TopLevel.Out).trim().str();
  // A revision starting with '-' would be read as an option.
  GitOutput Commit = Revision.starts_with("-")
                         ? GitOutput{}
                         : runGit({"rev-parse", "--verify", "--quiet",
                                   Revision.str() + "^{commit}"});
  if (Commit.ExitCode != 0) {
    Error = fmt::format("--diff-base '{}' names no commit of the git "
                        "repository at '{}'",
                        Revision.str(), Root);
    return std::nullopt;
  }
  std::string Base = llvm::StringRef(Commit.Out).trim().str();
  GitOutput MergeBase = runGit({"merge-base", Base, "HEAD"});
  if (MergeBase.ExitCode == 0)
    Base = llvm::StringRef(MergeBase.Out).trim().str();
  // Explicit prefixes and no external tools, whatever the user's git
  // configuration says; paths relative to the top level.
  GitOutput Diff = runGit({"-c", "core.quotePath=false", "diff", "--no-color",
                           "--no-ext-diff", "--no-textconv", "-U0", "-M",
                           "--src-prefix=a/", "--dst-prefix=b/", Base, "--"});
  if (Diff.ExitCode != 0) {
    Error = fmt::format("--diff-base '{}': git diff failed: {}", Revision.str(),
                        Diff.FirstErrorLine);
    return std::nullopt;
  }
  std::optional<ChangeSet> Changes = parseUnifiedDiff(Diff.Out, Root, Error);
  if (!Changes)
    Error = fmt::format("--diff-base '{}': {}", Revision.str(), Error);
  return Changes;
}

std::optional<ChangeSet> changesFromDiffFile(llvm::StringRef File,
                                             llvm::StringRef Root,
                                             std::string &Error) {
  auto Buffer = File == "-" ? llvm::MemoryBuffer::getSTDIN()
                            : llvm::MemoryBuffer::getFile(File);
  if (!Buffer) {
    Error = fmt::format("--diff '{}' cannot be read: {}", File.str(),
                        Buffer.getError().message());
    return std::nullopt;
  }
  std::optional<ChangeSet> Changes =
      parseUnifiedDiff((*Buffer)->getBuffer(), Root, Error);
  if (!Changes)
    Error = fmt::format("--diff '{}': {}", File.str(), Error);
  return Changes;
}

} // namespace loadcheck
