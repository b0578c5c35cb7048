//===--- SyncFacts.h - small facts about synchronisation code ---*- C++ -*-===//
//
// Questions the queue, polling, atomic and volatile checks ask about single
// expressions and statements: is this a std::atomic, a sleep, a blocking
// wait, do two expressions designate the same object. Whether a type is a
// lock (isLockType) and which locks are held are the lock model's business
// (checks/model/LockModel.h).
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_SYNCFACTS_H
#define LOADCHECK_CHECKS_MODEL_SYNCFACTS_H

#include "clang/AST/Type.h"
#include "llvm/ADT/StringRef.h"

namespace clang {
class ASTContext;
class CallExpr;
class Expr;
class FunctionDecl;
class Stmt;
} // namespace clang

namespace loadcheck::model {

/// `std::atomic<T>` or `std::atomic_ref<T>` (through aliases and sugar).
bool isStdAtomic(clang::QualType T);

/// `std::condition_variable`, `std::condition_variable_any`,
/// `pthread_cond_t`, `boost::condition_variable(_any)`.
bool isConditionVariableType(clang::QualType T);

/// `std::this_thread::sleep_for`/`sleep_until`, `boost::this_thread::`
/// likewise, POSIX `sleep`, `usleep`, `nanosleep`.
bool isSleepCall(const clang::CallExpr &Call);

/// A call that waits for another thread or consumes input, so that a loop
/// making it does real work each iteration: condition-variable, future,
/// semaphore, latch, barrier and atomic waits, `join`, queue pops
/// (`pop`, `pop_front`, `try_pop`, `dequeue`, ...), socket and file reads
/// (`read`, `recv`, `accept`, `poll`, `select`, `epoll_wait`, `getline`, ...).
bool isWaitOrConsumeCall(const clang::CallExpr &Call);

/// A condition-variable or semaphore wait: a producer calling it before a
/// push is slowed down by the consumers.
bool isConditionWaitCall(const clang::CallExpr &Call);

/// A call that wakes a thread blocked in a condition-variable or semaphore
/// wait (isConditionWaitCall): `notify_one`/`notify_all` (`Signal`,
/// `SignalAll`), `pthread_cond_signal`/`broadcast`, `cnd_signal`/`broadcast`,
/// `sem_post`, a std semaphore's `release`.
bool isWakeCall(const clang::CallExpr &Call);

/// Whether \p A and \p B designate the same object: the same variable, the
/// same member of the same object expression, the same element
/// (utils::namedObject names it, the expressions are the same).
bool sameObject(const clang::Expr *A, const clang::Expr *B,
                const clang::ASTContext &Ctx);

/// The named function \p S is written in, looking through lambdas (a push in
/// a lambda inside `Queue::add` belongs to `Queue::add`), or null. For the
/// function a statement *runs* in, use model::enclosingFunction.
const clang::FunctionDecl *enclosingNamedFunction(const clang::Stmt &S,
                                                  clang::ASTContext &Ctx);

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_SYNCFACTS_H
