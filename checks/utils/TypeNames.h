//===--- TypeNames.h - the class or typedef a type names --------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_UTILS_TYPENAMES_H
#define LOADCHECK_CHECKS_UTILS_TYPENAMES_H

#include "clang/AST/Type.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include <string>

namespace loadcheck::utils {

/// The qualified name of the class or class template \p T names, without
/// template arguments (`std::unique_lock` for `std::unique_lock<M>`), also
/// for dependent specializations and deduced (CTAD) types in templates;
/// empty for other types.
std::string qualifiedClassName(clang::QualType T);

/// Whether one of the typedef names met while looking through the sugar of
/// \p T is in \p Names (`pthread_mutex_t`, `mtx_t`).
bool hasTypedefNamed(clang::QualType T, llvm::ArrayRef<llvm::StringRef> Names);

} // namespace loadcheck::utils

#endif // LOADCHECK_CHECKS_UTILS_TYPENAMES_H
