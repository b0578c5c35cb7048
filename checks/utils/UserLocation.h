//===--- UserLocation.h - where to report in the user's code ----*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_UTILS_USERLOCATION_H
#define LOADCHECK_CHECKS_UTILS_USERLOCATION_H

#include "clang/Basic/SourceLocation.h"

namespace clang {
class LangOptions;
class SourceManager;
} // namespace clang

namespace loadcheck::utils {

/// \p Loc, or, when it is spelled inside a system header's macro
/// (`SSL_VERIFY_NONE`, `assert`), the place in the user's code that expands
/// that macro: clang-tidy drops a warning located in a system header. A
/// location in a user's macro is kept, so clang adds "expanded from" notes.
clang::SourceLocation userLocation(clang::SourceLocation Loc,
                                   const clang::SourceManager &SM);

/// \p Range as a diagnostic highlights it (`diag(...) << fileRange(...)`):
/// in the file the user reads, which is all clang-tidy keeps of a range (it
/// drops one in a macro expansion, and with it the end of SARIF's region).
/// A range starting in a macro's argument is none (invalid: clang would
/// print the caret's macro backtrace); any other range touching a macro
/// expansion becomes the whole expansion in the file.
clang::CharSourceRange fileRange(clang::SourceRange Range,
                                 const clang::SourceManager &SM,
                                 const clang::LangOptions &LangOpts);

} // namespace loadcheck::utils

#endif // LOADCHECK_CHECKS_UTILS_USERLOCATION_H
