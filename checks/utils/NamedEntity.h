//===--- NamedEntity.h - the declaration an expression names ----*- C++ -*-===//
//
// Answers "which declaration does this expression name?" for every check and
// model: one list of the wrappers that keep designating the same object
// (stepTowardsName), and the questions built on it. The lock model adds its
// own rule on top (an accessor returning the mutex, see model::mutexDeclOf);
// the shared-state model asks a different question (the root object a write
// changes, see model::accessRoot).
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_UTILS_NAMEDENTITY_H
#define LOADCHECK_CHECKS_UTILS_NAMEDENTITY_H

namespace clang {
class ASTContext;
class Expr;
class NamedDecl;
class ValueDecl;
class VarDecl;
} // namespace clang

namespace loadcheck::utils {

/// One step from \p E (parentheses and implicit casts already stripped by
/// the caller or not) towards the declaration it names, through a wrapper
/// that still designates the same object: `&x`, `*p` (also an overloaded
/// `*` or `->` of a smart pointer), `a[i]` (the array or the container),
/// `std::move(x)`, `std::ref(x)`, `p.get()` returning a pointer. Null when
/// \p E is none of these.
const clang::Expr *stepTowardsName(const clang::Expr *E);

/// The declaration \p E designates after stepTowardsName: the variable,
/// parameter, field or function a DeclRefExpr or MemberExpr names; null when
/// the expression names no single declaration (a temporary, a call result).
/// Diagnostics use it to name the entity: `thread 't' is detached`.
const clang::NamedDecl *namedEntity(const clang::Expr *E);

/// namedEntity() when it is an object: a variable (also a static data
/// member) or a field; null for functions, enumerators and the rest.
const clang::ValueDecl *namedObject(const clang::Expr *E);

/// The variable whose initialiser \p E is, looking through implicit nodes
/// and parentheses (`auto c = make();`, `Client c(host);`); null when \p E
/// initialises nothing or only part of an initialiser.
const clang::VarDecl *initializedVariable(const clang::Expr &E,
                                          clang::ASTContext &Ctx);

} // namespace loadcheck::utils

#endif // LOADCHECK_CHECKS_UTILS_NAMEDENTITY_H
