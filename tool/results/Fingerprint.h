//===--- Fingerprint.h - line-independent identity of a finding -*- C++ -*-===//
//
// A finding's identity must survive unrelated edits that move it to another
// line, so baselines and code-scanning alerts stay attached to it. The
// fingerprint hashes the check, the file relative to the repository root,
// the enclosing function (Finding::Function, from the AST) and the finding's
// source line with whitespace normalised, plus an occurrence index among
// findings sharing all of these. The line number is deliberately not part of
// it.
//
// Version 1 fingerprints, which baselines written before version 2 hold,
// found the enclosing function by counting braces; they are still computed
// to read such baselines.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_RESULTS_FINGERPRINT_H
#define LOADCHECK_TOOL_RESULTS_FINGERPRINT_H

#include "tool/results/Finding.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace loadcheck {

/// The function whose body contains \p Offset in the C++ source \p Text,
/// found lexically as version 1 fingerprints did (braces outside comments
/// and literals), e.g. `Server::handle`; "" at namespace or class scope.
std::string braceCountedFunction(llvm::StringRef Text, unsigned Offset);

/// \p Line with leading/trailing whitespace removed and inner runs of
/// whitespace collapsed to one space.
std::string normalizeLine(llvm::StringRef Line);

/// Sets the Fingerprint of every finding (in their sorted order), and with
/// \p VersionOne their VersionOneFingerprint too.
void fingerprintFindings(std::vector<Finding> &Findings, llvm::StringRef Root,
                         bool VersionOne = false);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_RESULTS_FINGERPRINT_H
