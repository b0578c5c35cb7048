//===--- Git.h - running git for the driver ---------------------*- C++ -*-===//
//
// The changed-lines mode reads diffs and the SARIF report reads the commit
// and remote: both run git the same way, here.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_GIT_H
#define LOADCHECK_TOOL_GIT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace loadcheck {

struct GitOutput {
  int ExitCode = -1; ///< -1: git could not be run
  std::string Out;
  std::string FirstErrorLine;
};

/// Runs `git Args...` in \p Directory (the current one when empty) and
/// collects its output.
GitOutput runGit(llvm::ArrayRef<std::string> Args,
                 llvm::StringRef Directory = "");

/// The first line git prints for \p Args in \p Directory, or nullopt when
/// git is missing, fails or prints nothing.
std::optional<std::string> gitLine(llvm::StringRef Directory,
                                   llvm::ArrayRef<std::string> Args);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_GIT_H
