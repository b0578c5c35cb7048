//===--- LockModel.h - which locks are held at a statement ------*- C++ -*-===//
//
// The lock model answers, for any statement of a function body, "which locks
// are held here, and where was each one taken?", and lists the function's
// acquisitions in source order. Checks ask it; they never re-derive locking.
//
// What counts as an acquisition
//  - RAII guards declared as variables: std::lock_guard, std::unique_lock
//    (also std::defer_lock, std::adopt_lock, std::try_to_lock and later
//    `lk.lock()` / `lk.unlock()` / `lk.release()` on the guard),
//    std::scoped_lock of several mutexes, std::shared_lock,
//    absl::MutexLock / ReaderMutexLock / WriterMutexLock, boost's guards, and
//    any class annotated `scoped_lockable` (clang thread-safety attributes).
//    A guard holds its mutexes until the end of its scope.
//  - Explicit calls in the function: `m.lock()` ... `m.unlock()` (also
//    lock_shared, try_lock*, absl's Lock/ReaderLock/WriterLock), std::lock
//    of several mutexes, pthread_mutex_lock / pthread_rwlock_*lock /
//    pthread_spin_lock / mtx_lock ... their unlock, and any function
//    annotated acquire_capability / release_capability.
//  - Lock wrappers of the TU: a call of a function whose net effect on
//    return is to hold a lock it acquired explicitly
//    (`void counters_lock(void) { pthread_mutex_lock(&counters_mu); }`)
//    acquires that lock at the call; one that releases a lock it did not
//    take releases it. A wrapper's parameter stands for the call's argument.
//    Methods of lock classes (a project `Mutex` whose lock() calls pthread)
//    are not wrappers: the class is a lock type itself (isLockType).
//  - Scoped guards of the project: a class whose constructor takes a lock by
//    pointer or reference and whose destructor unlocks (isGuardType).
//  - A function annotated requires_capability(mu) holds mu throughout.
//    (Naming conventions such as a `Locked` suffix are the checks' business:
//    the model reports only what the code and its attributes say.)
//
// A lock is identified by the declaration the mutex expression names (a
// field, a global, a static, a local or a parameter), canonicalised so that
// two functions locking `mu_` of one class, or two instantiations of one
// class template, agree.
//
// How: one walk of the body in source order, tracking scopes. Branches of
// `if`, `switch`, loops and `try` are walked separately and joined: a lock
// is held after the join only if every branch that falls through holds it
// (branches ending in return/throw/goto do not count; `break` joins the
// exit of its loop or switch, `continue` the back edge of its loop). A loop
// body is walked again from the state at its back edge until the held locks
// settle: a lock released in the body and taken back before the back edge
// stays held, one released on some path only is not held in the next
// iteration. A lock the function releases without having taken it is its
// caller's; taking it back on the same path (`unlock(&m); usleep(n);
// lock(&m);`, or pthread_cond_wait) leaves no net effect, so the function
// is no unlock wrapper. A lock held on some of the paths that meet and not
// on the others (`if (!needs_lock) unlock(&m); eval(); if (needs_lock)
// unlock(&m);`) is "maybe held" after the join (maybeHeldAt): not held, but
// releasing it later is no release of the caller's lock, and a call made
// there may run with it held. Lambda and block bodies are not part of the
// enclosing function: a lambda is its own function (its call operator) and
// starts with no lock held. This is not path-sensitive beyond that (two
// branches on the same condition are not correlated); it is precise on the
// shapes real code uses.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_LOCKMODEL_H
#define LOADCHECK_CHECKS_MODEL_LOCKMODEL_H

#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <memory>
#include <vector>

namespace clang {
class ASTContext;
class Expr;
class FunctionDecl;
class QualType;
class Stmt;
class ValueDecl;
} // namespace clang

namespace loadcheck::model {

/// The identity of a lock: the canonical declaration of the mutex.
struct LockId {
  /// A FieldDecl, or a VarDecl (global, static, local, parameter); never null
  /// in a HeldLock. Compare LockIds with ==, which compares this pointer.
  const clang::ValueDecl *Decl = nullptr;

  /// The mutex's name for diagnostics, e.g. `mu_` (no qualification).
  llvm::StringRef name() const;

  friend bool operator==(const LockId &A, const LockId &B) {
    return A.Decl == B.Decl;
  }
  friend bool operator!=(const LockId &A, const LockId &B) { return !(A == B); }
};

/// How a held lock came to be held.
enum class HeldBy {
  Guard,      ///< an RAII guard variable (lock_guard, unique_lock, ...)
  Explicit,   ///< m.lock(), pthread_mutex_lock(&m), std::lock(a, b), ...
  Annotation, ///< the function is annotated requires_capability(m)
};

/// One lock held at a statement.
struct HeldLock {
  LockId Id;
  /// Where it was acquired: the guard's declaration, the lock() call, or the
  /// requires_capability attribute. Use it for `'mu_' acquired here` notes.
  clang::SourceLocation AcquiredAt;
  /// The acquiring statement (the guard's DeclStmt, the call); null for
  /// Annotation.
  const clang::Stmt *Acquisition = nullptr;
  /// Held for reading only (shared_lock, lock_shared, ReaderMutexLock, ...).
  bool Shared = false;
  HeldBy Kind = HeldBy::Guard;
  /// Taken by a try-lock (try_lock*, std::try_to_lock, try_acquire_capability):
  /// it never waited, so it cannot be part of a deadlock.
  bool Try = false;
};

/// One acquisition, in source order, with the locks already held then.
struct Acquisition {
  HeldLock Lock;
  /// Locks held just before; locks taken together in the same statement
  /// (std::scoped_lock(a, b), std::lock(a, b)) are not listed for each
  /// other: those statements avoid deadlock by themselves.
  llvm::SmallVector<HeldLock, 2> AlreadyHeld;
};

/// The lock model of one function body (function, method, lambda call
/// operator). Build it through LockModels, which caches it per translation
/// unit so that every check shares one computation.
class FunctionLockModel {
public:
  /// Walks \p F's body; an empty model when \p F has no body.
  FunctionLockModel(const clang::FunctionDecl &F, clang::ASTContext &Ctx);

  /// The locks held when \p S starts to execute, innermost (latest acquired)
  /// last. Empty for statements outside this body, including those of nested
  /// lambdas. For `m.unlock()` the result still contains m; for `m.lock()`
  /// it does not yet.
  llvm::ArrayRef<HeldLock> heldAt(const clang::Stmt *S) const;

  /// The locks held on some paths to \p S and not on others (a lock released
  /// in one branch of an `if` and kept in the other); none of heldAt(S).
  llvm::ArrayRef<HeldLock> maybeHeldAt(const clang::Stmt *S) const;

  /// Every acquisition in the body, in source order (not those held through
  /// requires_capability, which happen in the callers).
  llvm::ArrayRef<Acquisition> acquisitions() const { return Acquisitions; }

  /// Locks held on entry: requires_capability attributes of the function.
  llvm::ArrayRef<HeldLock> heldOnEntry() const { return OnEntry; }

  /// Locks the function leaves held when it returns (explicit acquisitions
  /// not released on every path to a return): its net effect as a lock
  /// wrapper, `void counters_lock(void) { pthread_mutex_lock(&mu); }`.
  llvm::ArrayRef<HeldLock> heldOnExit() const { return OnExit; }

  /// Locks it releases without having acquired them, on some path to a
  /// return, and does not take back (an unlock wrapper).
  llvm::ArrayRef<HeldLock> releasedOnExit() const { return Released; }

  /// True when the body acquires no lock and the function holds none on
  /// entry: heldAt() is empty everywhere.
  bool lockFree() const { return Acquisitions.empty() && OnEntry.empty(); }

private:
  friend class LockWalker;
  std::vector<llvm::SmallVector<HeldLock, 2>> Snapshots;
  /// The maybe-held locks of each snapshot (same index as Snapshots).
  std::vector<llvm::SmallVector<HeldLock, 1>> MaybeSnapshots;
  llvm::DenseMap<const clang::Stmt *, unsigned> SnapshotOf;
  std::vector<Acquisition> Acquisitions;
  llvm::SmallVector<HeldLock, 1> OnEntry;
  llvm::SmallVector<HeldLock, 1> OnExit;
  llvm::SmallVector<HeldLock, 1> Released;

public:
  /// An empty model (no body).
  FunctionLockModel() = default;
};

/// The lock models of one translation unit, shared by every check that runs
/// over it (one instance per ASTContext, freed with it).
class LockModels {
public:
  /// The models of the translation unit of \p Ctx.
  static LockModels &of(clang::ASTContext &Ctx);

  /// The model of \p F's body, computed on first request. \p F is the
  /// function, method, or lambda call operator (`LambdaExpr::getCallOperator`).
  const FunctionLockModel &function(const clang::FunctionDecl &F);

  /// The function or lambda call operator whose body contains \p S (through
  /// the parent map; null outside any function, e.g. a global initializer).
  const clang::FunctionDecl *enclosingFunction(const clang::Stmt &S);

  /// Locks held at \p S, in its enclosing function or lambda.
  llvm::ArrayRef<HeldLock> heldAt(const clang::Stmt &S);

  explicit LockModels(clang::ASTContext &Ctx) : Ctx(Ctx) {}

private:
  clang::ASTContext &Ctx;
  llvm::DenseMap<const clang::FunctionDecl *,
                 std::unique_ptr<FunctionLockModel>>
      Models;
  llvm::DenseSet<const clang::FunctionDecl *> InProgress;
};

/// The declaration \p D stands for across instantiations: a field or static
/// data member of a class template specialization maps to the pattern's,
/// a variable to its canonical declaration. Lock ids use it; checks that key
/// shared state by declaration should too.
const clang::ValueDecl *canonicalDecl(const clang::ValueDecl *D);

/// The mutex an expression designates (`mu_`, `this->mu_`, `&mu`, `*pmu`,
/// `other.mu_`, `mus_[i]`, `owner.get()`: utils::namedObject's walk), or the
/// accessor that returns it (`registry.mutex()`), canonicalised; null if it
/// names no declaration.
const clang::ValueDecl *mutexDeclOf(const clang::Expr *E);

/// True for types that are locks: std's mutexes, absl::Mutex, boost's
/// mutexes, pthread_mutex_t / pthread_rwlock_t / pthread_spinlock_t, mtx_t,
/// any class annotated `capability`, and any class with both lock() and
/// unlock() members that is not a guard. References and arrays are looked
/// through; pointers are not.
bool isLockType(clang::QualType T);

/// True for RAII guard types (see the list at the top of this file).
bool isGuardType(clang::QualType T);

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_LOCKMODEL_H
