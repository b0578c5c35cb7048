//===--- ChangeSet.h - what a unified diff changed --------------*- C++ -*-===//
//
// The changed-lines mode (--diff-base, --diff) reads a unified diff, as git
// or `diff -u` writes it, into the files it changed and the lines of their
// new side that are added or modified. A rename counts under its new name,
// with the lines it modified only; a deleted file and a rename's old name
// are removed files (a translation unit that still includes one is
// affected).
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_CHANGED_CHANGESET_H
#define LOADCHECK_TOOL_CHANGED_CHANGESET_H

#include "llvm/ADT/StringRef.h"
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace loadcheck {

/// Lines First..Last (1-based, inclusive) of a file's new side.
struct LineRange {
  unsigned First = 0;
  unsigned Last = 0;
};

struct ChangeSet {
  /// Every file present on the new side that the diff touches (absolute),
  /// with its added or modified lines (none for a pure rename or a change
  /// of mode).
  std::map<std::string, std::vector<LineRange>> Changed;
  /// Files gone from the new side: deleted, and the old names of renames.
  std::set<std::string> Removed;

  bool empty() const { return Changed.empty() && Removed.empty(); }
  /// True when \p File (absolute) is changed or removed.
  bool touchesFile(const std::string &File) const;
  /// True when line \p Line of \p File (absolute) is added or modified.
  bool touchesLine(const std::string &File, unsigned Line) const;
};

/// Parses a unified diff whose paths are relative to \p Root. Git's `a/` and
/// `b/` prefixes are removed when both sides carry them (or /dev/null);
/// quoted paths (core.quotePath) are unquoted. Returns nullopt and a reason
/// when \p Text is not a diff (a hunk before any file header, a malformed
/// hunk header). An empty text is an empty change.
std::optional<ChangeSet> parseUnifiedDiff(llvm::StringRef Text,
                                          llvm::StringRef Root,
                                          std::string &Error);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_CHANGED_CHANGESET_H
