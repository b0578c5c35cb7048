//===--- Paths.h - path spelling shared by the driver -----------*- C++ -*-===//
#ifndef LOADCHECK_TOOL_PATHS_H
#define LOADCHECK_TOOL_PATHS_H

#include "llvm/ADT/StringRef.h"
#include <string>
#include <system_error>

namespace loadcheck {

/// \p Path made absolute against \p BaseDir (or the current directory when
/// empty) with `.` and `..` removed: the one spelling of a file the driver
/// uses for lookups, deduplication and output. Unchanged if the current
/// directory cannot be determined.
std::string absolutePath(llvm::StringRef Path, llvm::StringRef BaseDir = "");

/// \p File relative to \p Root (with '/' separators) when it is inside it,
/// else unchanged: how reports, baselines and fingerprints name files.
std::string relativeToRoot(llvm::StringRef File, llvm::StringRef Root);

/// The inverse for a file named in a report written on another machine:
/// \p File, relative to that report's root, taken under \p Root (unchanged
/// when absolute or when \p Root is empty).
std::string underRoot(llvm::StringRef File, llvm::StringRef Root);

/// The repository root: the nearest directory from the current one upwards
/// holding `.git`, else the current directory.
std::string defaultRoot();

/// A file name in the current directory, to ask which .clang-tidy applies
/// there (--list-checks has no input file).
std::string currentDirectoryProbe();

/// Marks a clean-up whose failure changes nothing for the user (removing a
/// temporary file, say): the error is deliberately dropped.
inline void bestEffort(std::error_code) {}

/// Creates the directories leading to the file \p Path, so reports can be
/// written to `out/report.sarif` in a fresh checkout.
void createParentDirectories(llvm::StringRef Path);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_PATHS_H
