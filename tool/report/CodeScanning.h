//===--- CodeScanning.h - what GitHub code scanning reads in SARIF -*- C++ -*-//
//
// GitHub code scanning reads more of a SARIF rule than its description:
// `properties.security-severity` (a number in a string) and a lowercase
// `security` tag make an alert a security alert with a severity;
// `properties.precision` (very-high, high, medium, low) ranks it;
// `help.markdown` is the help panel of the alert. A run's
// `versionControlProvenance` names the commit analysed. Per-check data:
// tool/report/CodeScanning.def.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_REPORT_CODESCANNING_H
#define LOADCHECK_TOOL_REPORT_CODESCANNING_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"
#include <optional>
#include <string>

namespace loadcheck {

/// The precision of a check measured with \p TruePositives and
/// \p FalsePositives labelled findings: with at least 10 labelled, a
/// precision of 0.9 or more is "very-high", 0.7 "high", 0.4 "medium", below
/// "low"; with fewer, "low" below 0.4 and "medium" otherwise (too few to
/// claim more).
llvm::StringRef precisionLevel(unsigned TruePositives, unsigned FalsePositives);

/// The `properties` of the SARIF rule \p Check of checklist section
/// \p Section: tags (the section, and for security checks `security` and
/// the CWE), `precision` of loadcheck checks, `security-severity` of
/// security checks.
llvm::json::Object ruleProperties(llvm::StringRef Check,
                                  llvm::StringRef Section);

/// The docs page of the loadcheck check \p Check as Markdown for the
/// alert's help panel, its links to sibling pages made absolute; nullopt for
/// other checks or when the page is not found.
std::optional<std::string> ruleHelpMarkdown(llvm::StringRef Check);

/// Relative links to other pages in \p Page (`](other.md#anchor)`) made
/// absolute against \p BaseUrl (no trailing slash).
std::string absoluteLinks(llvm::StringRef Page, llvm::StringRef BaseUrl);

/// The SARIF `versionControlProvenance` of the git work tree holding
/// \p Root (repositoryUri without credentials, revisionId, branch unless
/// detached, mappedTo %SRCROOT% when \p Root is the work tree's top), or
/// nullopt outside a work tree or without git.
std::optional<llvm::json::Array> versionControlProvenance(llvm::StringRef Root);

/// file:// URI of the absolute path \p Path, percent-encoding what URIs
/// reserve; with a trailing slash for a \p Directory.
std::string fileUri(llvm::StringRef Path, bool Directory);

/// \p Url without user name or password; scp-like `user@host:path` becomes
/// `ssh://host/path`, a local path a file:// URI.
std::string repositoryUri(llvm::StringRef Url);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_REPORT_CODESCANNING_H
