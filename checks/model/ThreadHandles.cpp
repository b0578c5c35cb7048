//===--- ThreadHandles.cpp - where a started thread's handle is kept ------===//
#include "checks/model/ThreadHandles.h"
#include "checks/model/ThreadEntry.h"
#include "checks/utils/NamedEntity.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"

using namespace clang;

namespace loadcheck::model {

/// The global (not a static local) or field \p E names (through `&`, an
/// array element, parentheses): `&tid`, `t->thread_id`, `tids[i]`.
static const ValueDecl *handleObject(const Expr *E) {
  const ValueDecl *D = utils::namedObject(E);
  if (const auto *Var = dyn_cast_or_null<VarDecl>(D))
    return Var->hasGlobalStorage() && !Var->isStaticLocal() ? Var : nullptr;
  return D;
}

/// The object a thread construction is stored into: the left side of
/// `worker_ = std::thread(...)`, the container of
/// `workers_.emplace_back(...)`, or the member a constructor initialises.
static const ValueDecl *storedInto(const Expr &Start, ASTContext &Ctx) {
  if (const auto *Emplace = dyn_cast<CXXMemberCallExpr>(&Start))
    return handleObject(Emplace->getImplicitObjectArgument());
  DynTypedNodeList Parents = Ctx.getParents(Start);
  for (unsigned Depth = 0; Depth < 4 && !Parents.empty(); ++Depth) {
    const DynTypedNode &P = Parents[0];
    if (const auto *Init = P.get<CXXCtorInitializer>())
      return Init->getMember();
    // The parent map may skip the initialiser and name the constructor.
    if (const auto *Ctor = P.get<CXXConstructorDecl>()) {
      for (const CXXCtorInitializer *Init : Ctor->inits())
        if (Init->getInit() &&
            Init->getInit()->IgnoreImplicit() == Start.IgnoreImplicit())
          return Init->getMember();
      return nullptr;
    }
    if (const auto *Assign = P.get<CXXOperatorCallExpr>())
      return Assign->getOperator() == OO_Equal && Assign->getNumArgs() == 2
                 ? handleObject(Assign->getArg(0))
                 : nullptr;
    if (!P.get<MaterializeTemporaryExpr>() && !P.get<CXXBindTemporaryExpr>() &&
        !P.get<ImplicitCastExpr>() && !P.get<CXXFunctionalCastExpr>() &&
        !P.get<ExprWithCleanups>() && !P.get<CXXConstructExpr>())
      return nullptr;
    Parents = Ctx.getParents(P);
  }
  return nullptr;
}

const ValueDecl *threadHandleOf(const ThreadStart &Start, ASTContext &Ctx) {
  switch (Start.Kind) {
  case ThreadStartKind::Pthread:
  case ThreadStartKind::C11Thread: {
    const auto *Call = dyn_cast<CallExpr>(Start.Start);
    return Call && Call->getNumArgs() > 0 ? handleObject(Call->getArg(0))
                                          : nullptr;
  }
  case ThreadStartKind::StdThread:
  case ThreadStartKind::BoostThread:
    return storedInto(*Start.Start, Ctx);
  case ThreadStartKind::JThread: // joins itself: never joined by the program
  case ThreadStartKind::Async:
    return nullptr;
  }
  return nullptr;
}

const ValueDecl *joinedThreadHandle(const CallExpr &Call) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  if (!Callee || !Callee->getIdentifier())
    return nullptr;
  llvm::StringRef Name = Callee->getName();
  if (const auto *Member = dyn_cast<CXXMemberCallExpr>(&Call)) {
    if (Name != "join")
      return nullptr;
    const ValueDecl *Object = handleObject(Member->getImplicitObjectArgument());
    return Object && isa<VarDecl>(Object) ? Object : nullptr;
  }
  if ((Name == "pthread_join" || Name == "thrd_join") && Call.getNumArgs() > 0)
    return handleObject(Call.getArg(0));
  return nullptr;
}

} // namespace loadcheck::model
