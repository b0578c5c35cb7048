//===--- NamedEntity.cpp - the declaration an expression names ------------===//
#include "checks/utils/NamedEntity.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"

using namespace clang;

namespace loadcheck::utils {

const Expr *stepTowardsName(const Expr *E) {
  if (!E)
    return nullptr;
  E = E->IgnoreParenImpCasts();
  if (const auto *Unary = dyn_cast<UnaryOperator>(E))
    return Unary->getOpcode() == UO_AddrOf || Unary->getOpcode() == UO_Deref
               ? Unary->getSubExpr()
               : nullptr;
  if (const auto *Subscript = dyn_cast<ArraySubscriptExpr>(E))
    return Subscript->getBase();
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
    // workers_[i] on a container names the container; *p and p-> on a
    // smart pointer name the pointer.
    if (Op->getNumArgs() == 0 ||
        !llvm::is_contained({OO_Subscript, OO_Star, OO_Arrow},
                            Op->getOperator()))
      return nullptr;
    return Op->getArg(0);
  }
  if (const auto *Member = dyn_cast<CXXMemberCallExpr>(E)) {
    // h.get() on a std::unique_ptr/std::shared_ptr or a handle wrapper.
    const CXXMethodDecl *Method = Member->getMethodDecl();
    if (Method && Method->getIdentifier() && Method->getName() == "get" &&
        Member->getNumArgs() == 0 && Method->getReturnType()->isPointerType())
      return Member->getImplicitObjectArgument();
    return nullptr;
  }
  if (const auto *Call = dyn_cast<CallExpr>(E)) {
    // std::move(x) and std::ref(x) still designate x.
    const FunctionDecl *Callee = Call->getDirectCallee();
    if (!Callee || Call->getNumArgs() != 1 || !Callee->isInStdNamespace() ||
        !Callee->getIdentifier() ||
        !llvm::is_contained({"move", "ref"}, Callee->getName()))
      return nullptr;
    return Call->getArg(0);
  }
  return nullptr;
}

const NamedDecl *namedEntity(const Expr *E) {
  for (unsigned Depth = 0; E && Depth < 16; ++Depth) {
    E = E->IgnoreParenImpCasts();
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
      return Ref->getDecl();
    if (const auto *Member = dyn_cast<MemberExpr>(E))
      return Member->getMemberDecl();
    E = stepTowardsName(E);
  }
  return nullptr;
}

const ValueDecl *namedObject(const Expr *E) {
  const NamedDecl *D = namedEntity(E);
  return isa_and_nonnull<VarDecl, FieldDecl>(D) ? cast<ValueDecl>(D) : nullptr;
}

const VarDecl *initializedVariable(const Expr &E, ASTContext &Ctx) {
  const Expr *Child = &E;
  for (unsigned Guard = 0; Guard < 8; ++Guard) {
    auto Parents = Ctx.getParents(*Child);
    if (Parents.empty())
      return nullptr;
    if (const auto *Var = Parents[0].get<VarDecl>())
      return Var->getInit() == Child ? Var : nullptr;
    const auto *Parent = Parents[0].get<Expr>();
    if (!Parent ||
        !isa<ImplicitCastExpr, MaterializeTemporaryExpr, CXXBindTemporaryExpr,
             ExprWithCleanups, ParenExpr>(Parent))
      return nullptr;
    Child = Parent;
  }
  return nullptr;
}

} // namespace loadcheck::utils
