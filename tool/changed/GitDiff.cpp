#include "tool/changed/GitDiff.h"
#include "tool/Git.h"
#include "tool/Paths.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include <fmt/core.h>

namespace loadcheck {

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
