//===--- CheckRegistry.h - the list of loadcheck checks ---------*- C++ -*-===//
//
// Metadata of every check, generated from CheckList.def, for the driver
// (--list-checks, reports) and the tests. Deliberately free of Clang headers.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_CHECKREGISTRY_H
#define LOADCHECK_CHECKS_CHECKREGISTRY_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace loadcheck {

/// The languages a check analyses. A check runs on C when the APIs it knows
/// exist in C (pthreads, libcurl, libpq...); C++-only APIs keep it C++-only.
enum class Languages { Cxx, CAndCxx };

struct CheckInfo {
  llvm::StringRef Name;
  llvm::StringRef Section;
  bool OffersFix;
  Languages Langs;
  llvm::StringRef Summary;

  bool runsOnC() const { return Langs == Languages::CAndCxx; }
  /// "C, C++" or "C++", as --list-checks and the docs write it.
  llvm::StringRef languagesText() const { return runsOnC() ? "C, C++" : "C++"; }
};

/// Every loadcheck check, in registry order.
llvm::ArrayRef<CheckInfo> allChecks();

/// The check called \p Name, or null.
const CheckInfo *findCheck(llvm::StringRef Name);

/// Referenced by the driver and the plugin so that the linker keeps the
/// module's static registration object (clang-tidy's anchor idiom).
extern volatile int LoadcheckModuleAnchorSource;

} // namespace loadcheck

#endif // LOADCHECK_CHECKS_CHECKREGISTRY_H
