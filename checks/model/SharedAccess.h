//===--- SharedAccess.h - reads and writes of shared state ------*- C++ -*-===//
//
// Which variable or field an access touches, and whether it writes it: the
// vocabulary of the shared-state checks (unguarded-shared-state; also usable
// by checks on atomics and volatile).
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_SHAREDACCESS_H
#define LOADCHECK_CHECKS_MODEL_SHAREDACCESS_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include <string>

namespace clang {
class Expr;
class FunctionDecl;
class QualType;
class Stmt;
class ValueDecl;
} // namespace clang

namespace loadcheck::model {

/// The state an lvalue designates, at its root: `x_`, `this->x_`, `g`,
/// `counts_[k]` (the container), `arr_[i]` (an array member), `stats_.hits`
/// (the object `stats_`), `items_.back()`. Nothing for `p->x` or `*p` (the
/// pointee) and for temporaries.
struct AccessRoot {
  /// Canonical (model::canonicalDecl) VarDecl or FieldDecl; null if none.
  const clang::ValueDecl *Decl = nullptr;
  /// The DeclRefExpr/MemberExpr naming Decl: report there.
  const clang::Expr *Naming = nullptr;
  /// A field reached through `this` (explicitly or implicitly).
  bool ViaThis = false;
};
AccessRoot accessRoot(const clang::Expr *E);

/// Types whose objects synchronise themselves or cannot be written: const,
/// references, std::atomic and friends, mutexes, condition variables,
/// once_flag, semaphores, latches, barriers.
bool isSelfSynchronisingType(clang::QualType T);

/// Called for each access: \p Target is the lvalue written (Write) or the
/// DeclRefExpr/MemberExpr read; \p At the statement doing it (the assignment,
/// the ++, the mutating call), for lock-model lookups.
using AccessCallback = llvm::function_ref<void(
    const clang::Expr *Target, const clang::Stmt *At, bool Write)>;

/// Walks \p Body and reports every write (=, op=, ++/--, overloaded
/// assignment/increment operators, mutating calls on std/absl/boost
/// containers) and every read of a named variable or member (the written
/// name itself is not also a read). Lambda bodies are not entered: their
/// call operators are appended to \p Lambdas, and those of lambdas passed to
/// `call_once` (std or absl: run once, synchronised) also to \p CalledOnce.
void forEachAccess(
    const clang::Stmt *Body, AccessCallback Visit,
    llvm::SmallVectorImpl<const clang::FunctionDecl *> &Lambdas,
    llvm::SmallVectorImpl<const clang::FunctionDecl *> *CalledOnce = nullptr);

/// "Stats::get" for a method, "refresh" for a function; a lambda is named by
/// its enclosing function.
std::string functionDisplayName(const clang::FunctionDecl &F);

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_SHAREDACCESS_H
