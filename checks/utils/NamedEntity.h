//===--- NamedEntity.h - the declaration an expression names ----*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_UTILS_NAMEDENTITY_H
#define LOADCHECK_CHECKS_UTILS_NAMEDENTITY_H

namespace clang {
class Expr;
class NamedDecl;
} // namespace clang

namespace loadcheck::utils {

/// The variable, parameter or field an expression designates, looking through
/// parentheses, implicit casts, `&x`, `*p` and `std::move(x)`; null when the
/// expression names no single declaration (a temporary, a call result).
/// Diagnostics use it to name the entity: `thread 't' is detached`.
const clang::NamedDecl *namedEntity(const clang::Expr *E);

} // namespace loadcheck::utils

#endif // LOADCHECK_CHECKS_UTILS_NAMEDENTITY_H
