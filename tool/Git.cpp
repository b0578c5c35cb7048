//===--- Git.cpp - running git for the driver -----------------------------===//
#include "tool/Git.h"
#include "tool/Paths.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include <vector>

namespace loadcheck {

GitOutput runGit(llvm::ArrayRef<std::string> Args, llvm::StringRef Directory) {
  GitOutput Result;
  static const llvm::ErrorOr<std::string> Git =
      llvm::sys::findProgramByName("git");
  if (!Git)
    return Result;
  llvm::SmallString<128> OutPath, ErrPath;
  if (llvm::sys::fs::createTemporaryFile("git-output", "out", OutPath) ||
      llvm::sys::fs::createTemporaryFile("git-output", "err", ErrPath))
    return Result;
  std::vector<llvm::StringRef> Argv = {*Git};
  if (!Directory.empty())
    Argv.insert(Argv.end(), {"-C", Directory});
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

std::optional<std::string> gitLine(llvm::StringRef Directory,
                                   llvm::ArrayRef<std::string> Args) {
  GitOutput Result = runGit(Args, Directory);
  llvm::StringRef Line = llvm::StringRef(Result.Out).split('\n').first.trim();
  if (Result.ExitCode != 0 || Line.empty())
    return std::nullopt;
  return Line.str();
}

} // namespace loadcheck
