//===--- Explain.h - a check's documentation in the terminal ----*- C++ -*-===//
#ifndef LOADCHECK_TOOL_FRONT_EXPLAIN_H
#define LOADCHECK_TOOL_FRONT_EXPLAIN_H

#include "llvm/Support/raw_ostream.h"
#include <optional>
#include <string>
#include <vector>

namespace loadcheck {

/// Prints the docs page of \p Check (docs/checks/<check>.md) to \p OS; for
/// an upstream check, its summary and the URL of its page. Returns false and
/// sets \p Error when the check is unknown or its page cannot be found.
/// Pages are looked up in $LOADCHECK_DOCS_DIR, then
/// <prefix>/share/loadcheck/docs/checks next to the installed binary, then
/// the source tree the binary was built from.
bool explainCheck(llvm::raw_ostream &OS, const std::string &Check,
                  const std::string &Executable, std::string &Error);

/// Where the docs pages are looked up, in order, for the executable
/// \p Executable.
std::vector<std::string> checkPageDirs(const std::string &Executable);

/// The docs page of the loadcheck check \p Check, the first found in
/// checkPageDirs(); nullopt when none holds it.
std::optional<std::string> checkPage(const std::string &Check,
                                     const std::string &Executable);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_FRONT_EXPLAIN_H
