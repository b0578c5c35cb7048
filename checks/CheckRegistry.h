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

struct CheckInfo {
  llvm::StringRef Name;
  llvm::StringRef Section;
  bool OffersFix;
  llvm::StringRef Summary;
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
