//===--- GitDiff.h - the diff the changed-lines mode reads ------*- C++ -*-===//
#ifndef LOADCHECK_TOOL_CHANGED_GITDIFF_H
#define LOADCHECK_TOOL_CHANGED_GITDIFF_H

#include "tool/changed/ChangeSet.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace loadcheck {

/// --diff-base REV: the changes of the git work tree around the current
/// directory since the merge base of \p Revision and HEAD (what a pull
/// request adds, uncommitted changes included; the revision itself when
/// there is no merge base), renames detected. Untracked files are not part
/// of it. Returns nullopt and one line when git is missing, the directory
/// is not in a work tree or \p Revision names no commit.
std::optional<ChangeSet> changesSinceRevision(llvm::StringRef Revision,
                                              std::string &Error);

/// --diff FILE: a unified diff read from \p File ("-": standard input),
/// its paths relative to \p Root.
std::optional<ChangeSet> changesFromDiffFile(llvm::StringRef File,
                                             llvm::StringRef Root,
                                             std::string &Error);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_CHANGED_GITDIFF_H
