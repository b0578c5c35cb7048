//===--- CurlOption.h - the option curl_easy_setopt sets -----*- C++ -*-===//
//
// In C, curl.h wraps curl_easy_setopt in a type-checking macro
// (typecheck-gcc.h) that copies the option into a local first:
//
//   __extension__({ CURLoption _curl_opt = (option); ...
//                   curl_easy_setopt(handle, _curl_opt, value); })
//
// so the call's option argument names `_curl_opt`, not the enumerator. Checks
// that look at the option of a curl_easy_setopt call (timeouts, TLS
// verification, credentials) see through that copy here, in C and C++ alike.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_UTILS_CURLOPTION_H
#define LOADCHECK_CHECKS_UTILS_CURLOPTION_H

#include "clang/ASTMatchers/ASTMatchers.h"

namespace clang {
class CallExpr;
class EnumConstantDecl;
class Expr;
class NamedDecl;
} // namespace clang

namespace loadcheck::utils {

/// The CURLOPT_* enumerator an option argument designates, directly or
/// through a local initialised with it that is never changed (curl's
/// `_curl_opt`, or a `const CURLoption`); null otherwise.
const clang::EnumConstantDecl *curlOption(const clang::Expr *Option);

/// Matches an option argument designating an enumerator matched by
/// \p Enumerator, likewise:
///   hasArgument(1, utils::curlOptionIs(
///                      enumConstantDecl(hasName("CURLOPT_USERPWD"))))
clang::ast_matchers::internal::Matcher<clang::Expr>
curlOptionIs(const clang::ast_matchers::DeclarationMatcher &Enumerator);

/// True when \p Call is `curl_easy_setopt(handle, OPTION, ...)` on the
/// handle \p Handle names, with OPTION one of \p Options (enumerator names).
bool setsCurlOption(const clang::CallExpr &Call, const clang::NamedDecl &Handle,
                    llvm::ArrayRef<llvm::StringRef> Options);

} // namespace loadcheck::utils

#endif // LOADCHECK_CHECKS_UTILS_CURLOPTION_H
