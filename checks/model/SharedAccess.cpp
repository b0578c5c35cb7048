//===--- SharedAccess.cpp - reads and writes of shared state --------------===//
#include "checks/model/SharedAccess.h"
#include "checks/model/LockModel.h"
#include "checks/model/SyncFacts.h"
#include "checks/utils/TypeNames.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/DenseSet.h"

using namespace clang;

namespace loadcheck::model {

/// Types whose objects synchronise themselves or cannot be written.
bool isSelfSynchronisingType(QualType T) {
  if (T.isNull() || T.isConstQualified() || T->isReferenceType() ||
      T->isAtomicType())
    return true;
  while (const ArrayType *Array = T->getAsArrayTypeUnsafe())
    T = Array->getElementType();
  if (T.isConstQualified() || isLockType(T) || isConditionVariableType(T))
    return true;
  // Also the dependent `std::atomic<T>` of a template, which isStdAtomic
  // (instantiated types) does not see.
  static constexpr llvm::StringRef Names[] = {
      "std::atomic",   "std::atomic_ref", "std::atomic_flag",
      "boost::atomic", "std::once_flag",  "std::counting_semaphore",
      "std::latch",    "std::barrier"};
  return llvm::is_contained(Names, utils::qualifiedClassName(T));
}

AccessRoot accessRoot(const Expr *E) {
  for (unsigned Depth = 0; E && Depth < 16; ++Depth) {
    E = E->IgnoreParenImpCasts();
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
      if (isa<VarDecl>(Ref->getDecl()))
        return {canonicalDecl(Ref->getDecl()), Ref, false};
      return {};
    }
    if (const auto *Member = dyn_cast<MemberExpr>(E)) {
      const ValueDecl *D = Member->getMemberDecl();
      if (isa<VarDecl>(D)) // a static data member
        return {canonicalDecl(D), Member, false};
      if (!isa<FieldDecl>(D))
        return {};
      const Expr *Base = Member->getBase()->IgnoreParenImpCasts();
      if (isa<CXXThisExpr>(Base))
        return {canonicalDecl(D), Member, true};
      if (Member->isArrow()) // p->x writes the pointee, not p
        return {};
      // a.b: the state is the object `a` it belongs to.
      E = Base;
      continue;
    }
    if (const auto *Subscript = dyn_cast<ArraySubscriptExpr>(E)) {
      const Expr *Base = Subscript->getBase()->IgnoreParenImpCasts();
      if (!Base->getType()->isArrayType()) // p[i] writes the pointee
        return {};
      E = Base;
      continue;
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      // counts_[key]: an element of the container is the container.
      if (Op->getOperator() != OO_Subscript || Op->getNumArgs() == 0)
        return {};
      E = Op->getArg(0);
      continue;
    }
    if (const auto *Call = dyn_cast<CXXMemberCallExpr>(E)) {
      // items_.back() = x, map_.at(k) = v
      const CXXMethodDecl *Method = Call->getMethodDecl();
      if (!Method || !Method->getIdentifier() ||
          !llvm::is_contained({"at", "front", "back"}, Method->getName()))
        return {};
      E = Call->getImplicitObjectArgument();
      continue;
    }
    return {};
  }
  return {};
}

static bool isAssignmentOperator(OverloadedOperatorKind Op) {
  switch (Op) {
  case OO_Equal:
  case OO_PlusEqual:
  case OO_MinusEqual:
  case OO_StarEqual:
  case OO_SlashEqual:
  case OO_PercentEqual:
  case OO_CaretEqual:
  case OO_AmpEqual:
  case OO_PipeEqual:
  case OO_LessLessEqual:
  case OO_GreaterGreaterEqual:
  case OO_PlusPlus:
  case OO_MinusMinus:
    return true;
  default:
    return false;
  }
}

/// Library containers' members that modify the container.
static bool isMutatingLibraryMethod(const CXXMethodDecl &Method) {
  static constexpr llvm::StringRef Names[] = {
      "push_back",     "push_front",    "pop_back", "pop_front",
      "push",          "pop",           "emplace",  "emplace_back",
      "emplace_front", "emplace_hint",  "insert",   "insert_or_assign",
      "try_emplace",   "erase",         "clear",    "resize",
      "reserve",       "shrink_to_fit", "assign",   "swap",
      "merge",         "extract",       "splice",   "remove",
      "remove_if",     "unique",        "sort",     "append",
      "replace",       "reset"};
  if (!Method.getIdentifier() || Method.isConst() ||
      !llvm::is_contained(Names, Method.getName()))
    return false;
  const DeclContext *Ctx = Method.getParent()->getEnclosingNamespaceContext();
  const auto *NS = dyn_cast<NamespaceDecl>(Ctx);
  while (NS && NS->getParent() && isa<NamespaceDecl>(NS->getParent()))
    NS = cast<NamespaceDecl>(NS->getParent());
  return NS && NS->getIdentifier() &&
         llvm::is_contained({"std", "absl", "boost"}, NS->getName());
}

std::string functionDisplayName(const FunctionDecl &F) {
  if (const auto *Method = dyn_cast<CXXMethodDecl>(&F)) {
    const CXXRecordDecl *Record = Method->getParent();
    if (Record->isLambda()) {
      if (const auto *Outer =
              dyn_cast_or_null<FunctionDecl>(Record->getDeclContext()))
        return functionDisplayName(*Outer);
      return "a lambda";
    }
    return Record->getNameAsString() + "::" + Method->getNameAsString();
  }
  return F.getNameAsString();
}

namespace {
/// Walks one body, reporting each read and write of an lvalue to \p Visit.
/// Lambda bodies are not entered; their call operators are collected.
class AccessWalker {
public:
  AccessWalker(AccessCallback Visit,
               llvm::SmallVectorImpl<const FunctionDecl *> &Lambdas,
               llvm::SmallVectorImpl<const FunctionDecl *> *CalledOnce)
      : Visit(Visit), Lambdas(Lambdas), CalledOnce(CalledOnce) {}

  void walk(const Stmt *S) {
    if (!S)
      return;
    if (const auto *Lambda = dyn_cast<LambdaExpr>(S)) {
      for (const Expr *Init : Lambda->capture_inits())
        walk(Init);
      Lambdas.push_back(Lambda->getCallOperator());
      return;
    }
    if (isa<BlockExpr>(S))
      return;
    if (const auto *Call = dyn_cast<CallExpr>(S); Call && CalledOnce)
      if (const FunctionDecl *Callee = Call->getDirectCallee();
          Callee && Callee->getIdentifier() && Callee->getName() == "call_once")
        for (const Expr *Arg : Call->arguments())
          if (const auto *Lambda =
                  dyn_cast<LambdaExpr>(Arg->IgnoreImplicit()->IgnoreParens()))
            CalledOnce->push_back(Lambda->getCallOperator());
    const Expr *Target = nullptr;
    if (const auto *Binary = dyn_cast<BinaryOperator>(S);
        Binary && Binary->isAssignmentOp())
      Target = Binary->getLHS();
    else if (const auto *Unary = dyn_cast<UnaryOperator>(S);
             Unary && Unary->isIncrementDecrementOp())
      Target = Unary->getSubExpr();
    else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(S);
             Op && isAssignmentOperator(Op->getOperator()) &&
             Op->getNumArgs() > 0)
      Target = Op->getArg(0);
    else if (const auto *Call = dyn_cast<CXXMemberCallExpr>(S)) {
      const CXXMethodDecl *Method = Call->getMethodDecl();
      if (Method && isMutatingLibraryMethod(*Method))
        Target = Call->getImplicitObjectArgument();
    } else if (isa<DeclRefExpr, MemberExpr>(S) && !Written.contains(S))
      Visit(cast<Expr>(S), S, false);
    if (Target) {
      Visit(Target, S, true);
      // The written name is not also a read.
      if (const Expr *Naming = accessRoot(Target).Naming)
        Written.insert(Naming);
    }
    for (const Stmt *Child : S->children())
      walk(Child);
  }

private:
  AccessCallback Visit;
  llvm::SmallVectorImpl<const FunctionDecl *> &Lambdas;
  llvm::SmallVectorImpl<const FunctionDecl *> *CalledOnce;
  llvm::DenseSet<const Stmt *> Written;
};
} // namespace

void forEachAccess(const Stmt *Body, AccessCallback Visit,
                   llvm::SmallVectorImpl<const FunctionDecl *> &Lambdas,
                   llvm::SmallVectorImpl<const FunctionDecl *> *CalledOnce) {
  AccessWalker(Visit, Lambdas, CalledOnce).walk(Body);
}

} // namespace loadcheck::model
