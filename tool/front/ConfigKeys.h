//===--- ConfigKeys.h - .clang-tidy keys across clang-tidy versions -*- C++
//-*-===//
//
// A .clang-tidy file is shared by every clang-tidy a team runs: the keys a
// version removed (AnalyzeTemporaryDtors) or added (RemovedArgs) make the
// others' parser refuse the whole file. loadcheck knows the keys of every
// clang-tidy from 14 on: one another version knows is dropped with a warning
// and the rest of the file applies; a key no version knows is an error.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_FRONT_CONFIGKEYS_H
#define LOADCHECK_TOOL_FRONT_CONFIGKEYS_H

#include "clang-tidy/ClangTidyOptions.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace loadcheck {

/// A top-level key of clang-tidy's configuration and the majors that know
/// it. FirstMajor 14 means "14 or earlier"; LastMajor 0 means "still known".
struct ConfigKey {
  llvm::StringRef Name;
  unsigned FirstMajor;
  unsigned LastMajor;
  bool knownBy(unsigned Major) const {
    return FirstMajor <= Major && (LastMajor == 0 || Major <= LastMajor);
  }
  /// "clang-tidy 14 to 17", "clang-tidy 22 and later", ...
  std::string versionsText() const;
};

/// Every key clang-tidy 14 to 22 reads from a configuration.
llvm::ArrayRef<ConfigKey> clangTidyConfigKeys();

/// The row of \p Name, or null when no version knows it.
const ConfigKey *findConfigKey(llvm::StringRef Name);

/// The candidate nearest to \p Value by edit distance (case-insensitive),
/// or "" when none is near enough to be a plausible misspelling.
std::string closestName(llvm::StringRef Value,
                        llvm::ArrayRef<std::string> Candidates);

/// What parsing one configuration found besides the options.
struct ConfigDiagnostics {
  std::vector<std::string> Errors;   ///< keys no version knows, YAML errors
  std::vector<std::string> Warnings; ///< keys of other versions, dropped
};

/// Parses a configuration as this build's clang-tidy does, after dropping
/// the top-level keys it does not know (each reported in \p Diags when
/// given: a warning for another version's key, an error with "did you
/// mean" for a key no version knows). \p Config's identifier names the
/// source in the messages.
llvm::ErrorOr<clang::tidy::ClangTidyOptions>
parseConfigurationAcrossVersions(llvm::MemoryBufferRef Config,
                                 ConfigDiagnostics *Diags);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_FRONT_CONFIGKEYS_H
