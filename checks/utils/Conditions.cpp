//===--- Conditions.cpp - conditions known at compile time ----------------===//
#include "checks/utils/Conditions.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"

using namespace clang;

namespace loadcheck::utils {

bool isAlwaysTrue(const Expr *Cond, const ASTContext &Ctx) {
  bool Value = false;
  return Cond && !Cond->isValueDependent() &&
         Cond->EvaluateAsBooleanCondition(Value, Ctx) && Value;
}

bool isInfiniteLoop(const Stmt &Loop, const ASTContext &Ctx) {
  if (const auto *For = dyn_cast<ForStmt>(&Loop))
    return !For->getCond() || isAlwaysTrue(For->getCond(), Ctx);
  if (const auto *While = dyn_cast<WhileStmt>(&Loop)) {
    // `while (auto x = next())` tests the value of `next()`.
    if (const VarDecl *Var = While->getConditionVariable())
      return isAlwaysTrue(Var->getInit(), Ctx);
    return isAlwaysTrue(While->getCond(), Ctx);
  }
  if (const auto *Do = dyn_cast<DoStmt>(&Loop))
    return isAlwaysTrue(Do->getCond(), Ctx);
  return false;
}

bool runsOnce(const Stmt &Loop, const ASTContext &Ctx) {
  const auto *Do = dyn_cast<DoStmt>(&Loop);
  const Expr *Cond = Do ? Do->getCond() : nullptr;
  bool Value = true;
  return Cond && !Cond->isValueDependent() &&
         Cond->EvaluateAsBooleanCondition(Value, Ctx) && !Value;
}

} // namespace loadcheck::utils
