//===--- Conditions.h - conditions known at compile time --------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_UTILS_CONDITIONS_H
#define LOADCHECK_CHECKS_UTILS_CONDITIONS_H

namespace clang {
class ASTContext;
class Expr;
class Stmt;
} // namespace clang

namespace loadcheck::utils {

/// True when the condition \p Cond is true at compile time: `true`, `1`,
/// `!0`, a constexpr flag. False for null and value-dependent conditions.
bool isAlwaysTrue(const clang::Expr *Cond, const clang::ASTContext &Ctx);

/// True for a loop whose own condition never ends it: `for (;;)`,
/// `while (true)`, `while (1)`, `do ... while (true)` (a `while` with a
/// condition variable is judged by the variable's initialiser). Range-for
/// loops and other statements are not infinite loops.
bool isInfiniteLoop(const clang::Stmt &Loop, const clang::ASTContext &Ctx);

/// True for a loop that runs its body once: `do { ... } while (0)`, the
/// idiom that makes a macro one statement (`HC_FAIL()`). Calls in it are
/// not repeated.
bool runsOnce(const clang::Stmt &Loop, const clang::ASTContext &Ctx);

} // namespace loadcheck::utils

#endif // LOADCHECK_CHECKS_UTILS_CONDITIONS_H
