//===--- Finding.h - one reported diagnostic, ready to print ----*- C++ -*-===//
//
// The driver turns clang-tidy's ClangTidyError (file offsets) into Findings
// (lines and columns) once; every reporter prints Findings.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_RESULTS_FINDING_H
#define LOADCHECK_TOOL_RESULTS_FINDING_H

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

namespace loadcheck {

struct Location {
  std::string File; ///< absolute, normalised path
  unsigned Offset = 0;
  unsigned Line = 0;   ///< 1-based
  unsigned Column = 0; ///< 1-based, in bytes, as clang counts
};

struct Replacement {
  std::string File;
  unsigned Offset = 0;
  unsigned Length = 0;
  std::string Text;
};

struct Note {
  Location Where;
  std::string Message;
};

enum class Severity { Warning, Error };

struct Finding {
  std::string Check; ///< e.g. loadcheck-detached-thread, clang-diagnostic-error
  Severity Level = Severity::Warning;
  bool WarningAsError = false;
  Location Where;
  /// End of the diagnostic's first highlighted range in the same file, else
  /// equal to Where.
  Location End;
  std::string Message;
  std::vector<Note> Notes;
  std::vector<Replacement> Fixes;
  /// The qualified name of the function or lambda the finding is in, from
  /// the AST (tool/run/FunctionIndex.h); "" at namespace or class scope.
  std::string Function;
  /// Filled in by the driver after deduplication (see Fingerprint.h): the
  /// line-independent identity used by baselines, SARIF and GitLab.
  std::string Fingerprint;
  /// The fingerprint as version 1 baselines hold it; set only to read one.
  std::string VersionOneFingerprint;

  bool isCompilerError() const {
    return Level == Severity::Error && Check.rfind("clang-diagnostic-", 0) == 0;
  }
};

/// What makes two findings the same one: file, position, check and
/// message. A finding in a header is reported once per translation unit
/// (or shard) including it; the driver's deduplication and `loadcheck
/// merge` keep one per identity.
inline auto findingIdentity(const Finding &F) {
  return std::tie(F.Where.File, F.Where.Line, F.Where.Column, F.Check,
                  F.Message);
}

/// Total order used for deterministic output: the identity's order (file,
/// line, column, check, message), so equal identities are adjacent.
inline bool operator<(const Finding &A, const Finding &B) {
  return findingIdentity(A) < findingIdentity(B);
}

/// \p Findings sorted, one per identity (the first in the order).
inline std::vector<Finding> deduplicateFindings(std::vector<Finding> Findings) {
  std::stable_sort(Findings.begin(), Findings.end());
  std::vector<Finding> Unique;
  for (Finding &F : Findings)
    if (Unique.empty() || findingIdentity(Unique.back()) != findingIdentity(F))
      Unique.push_back(std::move(F));
  return Unique;
}

} // namespace loadcheck

#endif // LOADCHECK_TOOL_RESULTS_FINDING_H
