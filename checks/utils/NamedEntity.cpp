#include "checks/utils/NamedEntity.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ExprCXX.h"

using namespace clang;

namespace loadcheck::utils {

const NamedDecl *namedEntity(const Expr *E) {
  while (E) {
    E = E->IgnoreParenImpCasts();
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
      return Ref->getDecl();
    if (const auto *Member = dyn_cast<MemberExpr>(E))
      return Member->getMemberDecl();
    if (const auto *Unary = dyn_cast<UnaryOperator>(E)) {
      if (Unary->getOpcode() != UO_AddrOf && Unary->getOpcode() != UO_Deref)
        return nullptr;
      E = Unary->getSubExpr();
      continue;
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      // workers_[i] on a container: name the container.
      if (Op->getOperator() != OO_Subscript)
        return nullptr;
      E = Op->getArg(0);
      continue;
    }
    if (const auto *Subscript = dyn_cast<ArraySubscriptExpr>(E)) {
      E = Subscript->getBase();
      continue;
    }
    if (const auto *Call = dyn_cast<CallExpr>(E)) {
      // std::move(x) and std::ref(x) still designate x.
      const FunctionDecl *Callee = Call->getDirectCallee();
      if (!Callee || Call->getNumArgs() != 1 || !Callee->isInStdNamespace() ||
          !Callee->getIdentifier() ||
          !llvm::is_contained({"move", "ref"}, Callee->getName()))
        return nullptr;
      E = Call->getArg(0);
      continue;
    }
    return nullptr;
  }
  return nullptr;
}

} // namespace loadcheck::utils
