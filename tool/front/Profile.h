//===--- Profile.h - the high-traffic profile and checklist sections -*- C++
//-*-===//
//
// The driver's default check set is the `high-traffic` profile of CHECKS.md:
// every loadcheck-* check plus the upstream clang-tidy checks that cover the
// rest of the review checklist, with their options. --checks and .clang-tidy
// override it exactly as they override clang-tidy's defaults. The same
// profile ships as docs/profile/high-traffic.clang-tidy for plugin users (a
// test keeps the two identical).
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_FRONT_PROFILE_H
#define LOADCHECK_TOOL_FRONT_PROFILE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <string>
#include <utility>

namespace loadcheck {

/// The `Checks` value of the high-traffic profile.
extern const char *const HighTrafficChecks;

/// Its CheckOptions (key, value).
llvm::ArrayRef<std::pair<llvm::StringRef, llvm::StringRef>>
highTrafficCheckOptions();

/// The checklist sections, in report order.
llvm::ArrayRef<llvm::StringRef> checklistSections();

/// The checklist section of \p Check: the registry's Section for loadcheck
/// checks, a fixed mapping for upstream checks, "Compiler" for
/// clang-diagnostic-*, else "Other".
std::string sectionOf(llvm::StringRef Check);

/// The one-sentence summary of \p Check (registry Summary for loadcheck
/// checks, a short text for the profile's upstream checks, else "").
std::string summaryOf(llvm::StringRef Check);

/// Where the check's documentation lives on the web.
std::string helpUri(llvm::StringRef Check);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_FRONT_PROFILE_H
