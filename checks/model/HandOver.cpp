//===--- HandOver.cpp - does a new object outlive its statement? ----------===//
#include "checks/model/HandOver.h"
#include "checks/utils/NamedEntity.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"

using namespace clang;

namespace loadcheck::model {

static bool isSinkMethod(const FunctionDecl *F) {
  static constexpr llvm::StringRef Sinks[] = {
      "push_back",   "emplace_back", "push_front", "emplace_front",
      "emplace",     "emplace_hint", "insert",     "insert_or_assign",
      "try_emplace", "push",         "reset",      "swap"};
  return F && F->getIdentifier() && llvm::is_contained(Sinks, F->getName());
}

/// Nodes a value passes through unchanged on its way to where it goes.
static bool isTransparent(const Stmt &S) {
  if (isa<ImplicitCastExpr, ParenExpr, MaterializeTemporaryExpr,
          CXXBindTemporaryExpr, ExprWithCleanups, ExplicitCastExpr, CXXNewExpr,
          CXXConstructExpr, InitListExpr>(S))
    return true;
  // std::move(x), std::forward<T>(x)
  if (const auto *Call = dyn_cast<CallExpr>(&S))
    if (const FunctionDecl *F = Call->getDirectCallee())
      return F->isInStdNamespace() && F->getIdentifier() &&
             (F->getName() == "move" || F->getName() == "forward");
  return false;
}

static bool isHandedOver(const Expr &E, ASTContext &Ctx, unsigned Depth);

/// Whether the local \p Var's value is handed over by one of its uses.
static bool varHandedOver(const VarDecl &Var, ASTContext &Ctx, unsigned Depth) {
  if (Depth > 2)
    return false;
  const auto *Function =
      dyn_cast_or_null<FunctionDecl>(Var.getParentFunctionOrMethod());
  const Stmt *Body = Function ? Function->getBody() : nullptr;
  if (!Body)
    return false;
  struct Uses : RecursiveASTVisitor<Uses> {
    const VarDecl &Var;
    llvm::SmallVector<const DeclRefExpr *, 8> Found;
    explicit Uses(const VarDecl &Var) : Var(Var) {}
    bool VisitDeclRefExpr(DeclRefExpr *Ref) {
      if (Ref->getDecl() == &Var)
        Found.push_back(Ref);
      return true;
    }
  } Visitor(Var);
  Visitor.TraverseStmt(const_cast<Stmt *>(Body));
  return llvm::any_of(Visitor.Found, [&](const DeclRefExpr *Use) {
    return isHandedOver(*Use, Ctx, Depth + 1);
  });
}

/// A value assigned to \p Target is handed over unless \p Target is a plain
/// local variable that does not hand it over itself; a local reference
/// (`auto &slot = cache_[key]`) aliases longer-lived storage.
static bool assignedTo(const Expr *Target, ASTContext &Ctx, unsigned Depth) {
  // handles[i] = curl_easy_init(): a slot per index fills an array that
  // outlives the iteration; slot[0] is one slot reused, followed as a local.
  if (const auto *Element =
          dyn_cast<ArraySubscriptExpr>(Target->IgnoreParenImpCasts());
      Element && !Element->getIdx()->isValueDependent() &&
      !Element->getIdx()->isIntegerConstantExpr(Ctx))
    return true;
  const auto *Var = dyn_cast_or_null<VarDecl>(utils::namedEntity(Target));
  if (!Var || !Var->hasLocalStorage() || Var->getType()->isReferenceType())
    return true;
  return varHandedOver(*Var, Ctx, Depth);
}

static bool isHandedOver(const Expr &E, ASTContext &Ctx, unsigned Depth) {
  DynTypedNode Node = DynTypedNode::create(E);
  for (unsigned Guard = 0; Guard < 32; ++Guard) {
    auto Parents = Ctx.getParents(Node);
    if (Parents.empty())
      return false;
    const DynTypedNode &Parent = Parents[0];
    const Expr *Child = Node.get<Expr>();
    if (!Child)
      return false;
    const Expr *Bare = Child->IgnoreParenImpCasts();
    if (const auto *S = Parent.get<Stmt>()) {
      // h.release() hands over what h owns.
      if (const auto *Member = dyn_cast<CXXMemberCallExpr>(S)) {
        const CXXMethodDecl *M = Member->getMethodDecl();
        if (Member->getImplicitObjectArgument() &&
            Member->getImplicitObjectArgument()->IgnoreParenImpCasts() ==
                Bare) {
          if (M && M->getIdentifier() && M->getName() == "release") {
            Node = Parent;
            continue;
          }
          return false; // a call on the object, not a hand-over
        }
      }
      if (isTransparent(*S)) {
        Node = Parent;
        continue;
      }
      if (const auto *Call = dyn_cast<CallExpr>(S)) {
        const FunctionDecl *Callee = Call->getDirectCallee();
        if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(S)) {
          if (Op->getOperator() == OO_Equal && Op->getNumArgs() == 2 &&
              Op->getArg(1)->IgnoreParenImpCasts() == Bare) {
            return assignedTo(Op->getArg(0), Ctx, Depth);
          }
          return false;
        }
        return isSinkMethod(Callee);
      }
      if (const auto *Assign = dyn_cast<BinaryOperator>(S)) {
        if (Assign->getOpcode() != BO_Assign || Assign->getRHS() != Child)
          return false;
        return assignedTo(Assign->getLHS(), Ctx, Depth);
      }
      return isa<ReturnStmt>(S);
    }
    if (const auto *Var = Parent.get<VarDecl>()) {
      if (!Var->hasLocalStorage())
        return true; // a static or global keeps it
      if (Var->getType()->isReferenceType())
        return false;
      return varHandedOver(*Var, Ctx, Depth);
    }
    return false;
  }
  return false;
}

bool isHandedOver(const Expr &E, ASTContext &Ctx) {
  return isHandedOver(E, Ctx, 0);
}

bool isVariableHandedOver(const VarDecl &Var, ASTContext &Ctx) {
  return varHandedOver(Var, Ctx, 0);
}

std::optional<PerRequestReason>
whyRecreatedPerRequest(const Expr &Created, const VarDecl *Var, ASTContext &Ctx,
                       const RequestPathOptions &Opts) {
  if (Var && !Var->hasLocalStorage())
    return std::nullopt;
  std::optional<PerRequestReason> Why = whyPerRequest(Created, Ctx, Opts);
  if (!Why || isHandedOver(Created, Ctx))
    return std::nullopt;
  return Why;
}

} // namespace loadcheck::model
