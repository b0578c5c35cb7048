//===--- ConstantString.cpp -----------------------------------------------===//
#include "checks/utils/ConstantString.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;

namespace loadcheck::utils {

const Expr *ignoreStringWrappers(const Expr *E) {
  while (E) {
    E = E->IgnoreParenImpCasts();
    if (const auto *Bind = dyn_cast<CXXBindTemporaryExpr>(E)) {
      E = Bind->getSubExpr();
      continue;
    }
    if (const auto *Temp = dyn_cast<MaterializeTemporaryExpr>(E)) {
      E = Temp->getSubExpr();
      continue;
    }
    if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(E)) {
      E = Cast->getSubExpr();
      continue;
    }
    if (const auto *Cleanups = dyn_cast<ExprWithCleanups>(E)) {
      E = Cleanups->getSubExpr();
      continue;
    }
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(E)) {
      // std::string(s), std::string_view(s), a copy: the argument is the
      // value; std::string(n, c) and friends are not.
      unsigned Args = Construct->getNumArgs();
      while (Args > 1 && isa<CXXDefaultArgExpr>(Construct->getArg(Args - 1)))
        --Args;
      if (Args != 1)
        return E;
      E = Construct->getArg(0);
      continue;
    }
    if (const auto *Member = dyn_cast<CXXMemberCallExpr>(E)) {
      const CXXMethodDecl *Method = Member->getMethodDecl();
      if (Member->getNumArgs() != 0 || !Method || !Method->getIdentifier() ||
          (Method->getName() != "c_str" && Method->getName() != "data"))
        return E;
      E = Member->getImplicitObjectArgument();
      continue;
    }
    return E;
  }
  return E;
}

const StringLiteral *stringLiteralOf(const Expr *E, const VarDecl **Via) {
  if (Via)
    *Via = nullptr;
  for (int Hops = 0; E && Hops < 8; ++Hops) {
    E = ignoreStringWrappers(E);
    if (const auto *Literal = dyn_cast_or_null<StringLiteral>(E))
      return Literal;
    const auto *Ref = dyn_cast_or_null<DeclRefExpr>(E);
    if (!Ref)
      return nullptr;
    const auto *Var = dyn_cast<VarDecl>(Ref->getDecl());
    // Only a variable that cannot change holds the literal it started with:
    // const char *const, const char[], constexpr, const std::string.
    if (!Var || !Var->getAnyInitializer() || isa<ParmVarDecl>(Var))
      return nullptr;
    const bool Constant =
        Var->isConstexpr() || Var->getType().isConstant(Var->getASTContext());
    if (!Constant)
      return nullptr;
    if (Via)
      *Via = Var;
    E = Var->getAnyInitializer();
  }
  return nullptr;
}

} // namespace loadcheck::utils
