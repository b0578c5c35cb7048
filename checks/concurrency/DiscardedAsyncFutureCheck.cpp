//===--- DiscardedAsyncFutureCheck.cpp ------------------------------------===//
#include "checks/concurrency/DiscardedAsyncFutureCheck.h"
#include "checks/model/ObligationFlow.h"
#include "checks/model/ThreadEntry.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/UserLocation.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::concurrency {

static constexpr llvm::StringRef AsyncId = "async";

/// Members of std::future that neither wait nor hand the state over; a false
/// `valid()` proves there is nothing to wait for.
static constexpr llvm::StringRef NeutralMethods[] = {"valid"};
static const model::ObligationPolicy FuturePolicy{NeutralMethods, "valid"};

void DiscardedAsyncFutureCheck::registerMatchers(MatchFinder *Finder) {
  // std::async(f), std::async(std::launch::async, f, args...)
  Finder->addMatcher(callExpr(callee(functionDecl(hasName("::std::async"))),
                              utils::inUserCode())
                         .bind(AsyncId),
                     this);
}

std::string DiscardedAsyncFutureCheck::loopSubject(const Stmt &S,
                                                   ASTContext &Ctx) const {
  for (const model::PerRequestReason &R :
       model::perRequestReasons(S, Ctx, RequestPath))
    if (R.What == model::PerRequestReason::Kind::Loop)
      return R.subject();
  return "";
}

void DiscardedAsyncFutureCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Call = Result.Nodes.getNodeAs<CallExpr>(AsyncId);
  ASTContext &Ctx = *Result.Context;
  auto Start = model::classifyThreadStart(Call, Ctx);
  // Deferred tasks never block a destructor; an unknown policy may not.
  if (!Start || (Start->Policy != model::LaunchPolicy::Async &&
                 Start->Policy != model::LaunchPolicy::Default))
    return;

  // Climb over the temporaries to where the future goes.
  DynTypedNode Node = DynTypedNode::create(*static_cast<const Stmt *>(Call));
  DynTypedNode Parent;
  for (;;) {
    DynTypedNodeList Parents = Ctx.getParents(Node);
    if (Parents.empty())
      return;
    Parent = Parents[0];
    const auto *E = Parent.get<Expr>();
    if (!E || !isa<ImplicitCastExpr, MaterializeTemporaryExpr,
                   CXXBindTemporaryExpr, ExprWithCleanups, ParenExpr>(E))
      break;
    Node = Parent;
  }
  const SourceManager &SM = *Result.SourceManager;

  // std::async(...);  (void)std::async(...);
  const auto *VoidCast = Parent.get<ExplicitCastExpr>();
  bool Discarded = (Parent.get<Stmt>() && !Parent.get<Expr>() &&
                    !Parent.get<ReturnStmt>() && !Parent.get<DeclStmt>()) ||
                   (VoidCast && VoidCast->getType()->isVoidType());
  if (Discarded) {
    SourceLocation Loc = SM.getFileLoc(Call->getBeginLoc());
    if (!Reported.insert(Loc).second)
      return;
    std::string Loop = loopSubject(*Call, Ctx);
    CharSourceRange Range =
        utils::fileRange(Call->getSourceRange(), SM, getLangOpts());
    if (Loop.empty())
      diag(Loc, "discarded std::async future blocks until the task ends, so "
                "the call runs synchronously; keep it")
          << Range;
    else
      diag(Loc, "discarded std::async future blocks in each iteration of '%0', "
                "serialising the tasks; keep it")
          << Loop << Range;
    return;
  }

  // auto done = std::async(...);  and `done` is never waited on.
  const auto *Var = Parent.get<VarDecl>();
  if (!Var || !Var->hasLocalStorage() || isa<ParmVarDecl>(Var) ||
      Var->getType()->isReferenceType() || Var->isInitCapture())
    return;
  const auto *Record = Var->getType()->getAsCXXRecordDecl();
  if (!Record || !Record->getIdentifier() || Record->getName() != "future")
    return; // a shared_future or a conversion: shared state, not ours
  const DeclContext *Owner = Var->getParentFunctionOrMethod();
  if (!Owner)
    return;
  const Decl &Function = *Decl::castFromDeclContext(Owner);
  auto Open = model::findOpenExits(Function, {Var}, FuturePolicy, Ctx);
  auto Exit = Open.find(Var);
  if (Exit == Open.end())
    return;
  SourceLocation Loc = SM.getFileLoc(Var->getLocation());
  if (!Reported.insert(Loc).second)
    return;
  std::string Loop;
  if (const Stmt *DS = Ctx.getParents(*Var).empty()
                           ? nullptr
                           : Ctx.getParents(*Var)[0].get<DeclStmt>())
    Loop = loopSubject(*DS, Ctx);
  CharSourceRange Range =
      utils::fileRange(Var->getSourceRange(), SM, getLangOpts());
  if (!Loop.empty())
    diag(Loc, "future %0 blocks at destruction per pass of '%1', serialising "
              "tasks; wait after the loop")
        << Var << Loop << Range;
  else
    diag(Loc, "future %0 is never waited on: its destructor blocks and drops "
              "the task's exception; call get()")
        << Var << Range;
  diag(SM.getFileLoc(Exit->second.Loc), "%0 is destroyed here without a wait",
       DiagnosticIDs::Note)
      << Var;
}

} // namespace loadcheck::concurrency
