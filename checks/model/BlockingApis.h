//===--- BlockingApis.h - free functions that block the caller --*- C++ -*-===//
//
// The blocking free functions every model and check agrees on: sleeps, POSIX
// socket and file I/O, system(), and the blocking calls of libcurl, libpq,
// MySQL, SQLite and hiredis. Names are fully qualified with a leading `::`
// (the form of clang's hasAnyName matchers). Blocking member calls (future
// waits, joins, client requests) are matched by type in the checks.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_BLOCKINGAPIS_H
#define LOADCHECK_CHECKS_MODEL_BLOCKINGAPIS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

namespace loadcheck::model {

llvm::ArrayRef<llvm::StringRef> defaultBlockingFunctions();

/// \p QualifiedName with a leading `::`, e.g. `::recv`.
bool isDefaultBlockingFunction(llvm::StringRef QualifiedName);

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_BLOCKINGAPIS_H
