//===--- UserLocation.h - where to report in the user's code ----*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_UTILS_USERLOCATION_H
#define LOADCHECK_CHECKS_UTILS_USERLOCATION_H

#include "clang/Basic/SourceLocation.h"

namespace clang {
class SourceManager;
} // namespace clang

namespace loadcheck::utils {

/// \p Loc, or, when it is spelled inside a system header's macro
/// (`SSL_VERIFY_NONE`, `assert`), the place in the user's code that expands
/// that macro: clang-tidy drops a warning located in a system header. A
/// location in a user's macro is kept, so clang adds "expanded from" notes.
clang::SourceLocation userLocation(clang::SourceLocation Loc,
                                   const clang::SourceManager &SM);

} // namespace loadcheck::utils

#endif // LOADCHECK_CHECKS_UTILS_USERLOCATION_H
