//===--- SleepPollingCheck.cpp --------------------------------------------===//
#include "checks/concurrency/SleepPollingCheck.h"
#include "checks/model/SyncFacts.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/NamedEntity.h"
#include "checks/utils/UserLocation.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Analysis/Analyses/ExprMutationAnalyzer.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::concurrency {
namespace {

constexpr llvm::StringRef LoopBinding = "loop";

/// Reading the clock is not reading shared state: `now() < deadline` is a
/// timed wait.
bool isClockCall(const CallExpr &Call) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  if (!Callee || !Callee->getIdentifier())
    return false;
  return llvm::is_contained(
      {"now", "time", "clock", "clock_gettime", "gettimeofday"},
      Callee->getName());
}

/// Values that are not polled state: clock readings, and std::stop_token,
/// whose `stop_requested()` loop is the cooperative-cancellation idiom the
/// missing-cancellation check asks for.
bool isNotPolledValue(QualType T) {
  const CXXRecordDecl *R = T.getNonReferenceType()->getAsCXXRecordDecl();
  if (!R || !R->getIdentifier())
    return false;
  bool InStd = false; // std::chrono::duration is in a nested namespace
  for (const DeclContext *DC = R->getDeclContext(); DC; DC = DC->getParent())
    InStd |= DC->isStdNamespace();
  return InStd && llvm::is_contained(
                      {"time_point", "duration", "stop_token", "stop_source"},
                      R->getName());
}

/// What a loop condition polls, for the message and the caret.
struct Polled {
  const NamedDecl *Entity = nullptr;
  SourceLocation Loc;
};

/// The first thing \p S reads that another thread could change: a
/// variable, a data member, the object of a member call (`queue.size()`),
/// or the function called (`ready()`). Clock reads, chrono values and stop
/// tokens are skipped. Empty when there is none.
Polled polledEntity(const Stmt *S) {
  if (!S || isa<LambdaExpr>(S))
    return {};
  if (const auto *Call = dyn_cast<CallExpr>(S)) {
    if (isClockCall(*Call))
      return {};
    if (const auto *Member = dyn_cast<CXXMemberCallExpr>(Call)) {
      const Expr *Object = Member->getImplicitObjectArgument();
      if (Object && isNotPolledValue(Object->IgnoreParenImpCasts()->getType()))
        return {};
      if (Object && !isa<CXXThisExpr>(Object->IgnoreParenImpCasts()))
        if (const ValueDecl *D = utils::namedObject(Object))
          return {D, Object->IgnoreParenImpCasts()->getExprLoc()};
      if (Member->getMethodDecl() &&
          !isa<CXXConversionDecl>(Member->getMethodDecl()))
        return {Member->getMethodDecl(), Member->getExprLoc()};
    } else if (const FunctionDecl *Callee = Call->getDirectCallee();
               Callee && !isa<CXXOperatorCallExpr>(Call)) {
      return {Callee, Call->getCallee()->getExprLoc()};
    }
  }
  if (const auto *E = dyn_cast<Expr>(S))
    if (isa<DeclRefExpr, MemberExpr>(E))
      if (const ValueDecl *D = utils::namedObject(E);
          D && !isNotPolledValue(D->getType()))
        return {D, E->getExprLoc()};
  for (const Stmt *Child : S->children())
    if (Polled P = polledEntity(Child); P.Entity)
      return P;
  return {};
}

/// Variables and members \p S reads (for the "the loop drives it" test).
void collectReadDecls(const Stmt *S,
                      llvm::SmallPtrSetImpl<const ValueDecl *> &Out) {
  if (!S || isa<LambdaExpr>(S))
    return;
  if (const auto *E = dyn_cast<Expr>(S))
    if (const ValueDecl *D = utils::namedObject(E))
      Out.insert(D);
  for (const Stmt *Child : S->children())
    collectReadDecls(Child, Out);
}

/// The uses of \p Decls in \p S (names and members), outside nested lambdas.
void collectUses(const Stmt *S,
                 const llvm::SmallPtrSetImpl<const ValueDecl *> &Decls,
                 llvm::SmallVectorImpl<const Expr *> &Out) {
  if (!S || isa<LambdaExpr>(S))
    return;
  // atomic_load(&flag) takes the address to read it: no use that may write.
  if (const auto *A = dyn_cast<AtomicExpr>(S);
      A && llvm::is_contained({AtomicExpr::AO__c11_atomic_load,
                               AtomicExpr::AO__atomic_load_n,
                               AtomicExpr::AO__atomic_load},
                              A->getOp()))
    return;
  if (isa<DeclRefExpr, MemberExpr>(S))
    if (const ValueDecl *D = utils::namedObject(cast<Expr>(S));
        D && Decls.contains(D))
      Out.push_back(cast<Expr>(S));
  for (const Stmt *Child : S->children())
    collectUses(Child, Decls, Out);
}

/// Whether \p S changes one of \p Decls: assignment, `++`/`--`, a non-const
/// member call, passing it by non-const reference or pointer, binding it to
/// a non-const reference that is then changed (clang's ExprMutationAnalyzer).
bool mutatesAny(const Stmt *S,
                const llvm::SmallPtrSetImpl<const ValueDecl *> &Decls,
                ASTContext &Ctx) {
  llvm::SmallVector<const Expr *, 8> Uses;
  collectUses(S, Decls, Uses);
  if (Uses.empty())
    return false;
  ExprMutationAnalyzer Analyzer(*S, Ctx);
  return llvm::any_of(Uses,
                      [&](const Expr *Use) { return Analyzer.isMutated(Use); });
}

/// How many calls deep mutatesThroughCalls() looks for a change of the
/// polled state by the loop's own work.
constexpr unsigned MaxMutatorDepth = 2;

/// Whether a function \p S calls, defined in this translation unit, changes
/// one of \p Decls (a global or a field), itself or in its callees down to
/// \p Depth levels: `while (crawler_count) { ... class_done(i); ... }` where
/// `class_done` does `crawler_count--` drives its own condition.
bool mutatesThroughCalls(const Stmt *S,
                         const llvm::SmallPtrSetImpl<const ValueDecl *> &Decls,
                         ASTContext &Ctx, unsigned Depth,
                         llvm::SmallPtrSetImpl<const FunctionDecl *> &Seen) {
  if (!S || Depth == 0)
    return false;
  if (const auto *Call = dyn_cast<CallExpr>(S)) {
    const FunctionDecl *Callee = Call->getDirectCallee();
    const FunctionDecl *Definition = nullptr;
    if (Callee && Callee->hasBody(Definition) &&
        Seen.insert(Definition).second &&
        !Ctx.getSourceManager().isInSystemHeader(Definition->getLocation()) &&
        (mutatesAny(Definition->getBody(), Decls, Ctx) ||
         mutatesThroughCalls(Definition->getBody(), Decls, Ctx, Depth - 1,
                             Seen)))
      return true;
  }
  return llvm::any_of(S->children(), [&](const Stmt *Child) {
    return mutatesThroughCalls(Child, Decls, Ctx, Depth, Seen);
  });
}

/// Whether the loop condition \p Cond itself advances one of \p Decls: `++`,
/// `--` or an assignment of it, or its address handed to a call (an
/// iterator's out-parameter, `iterate(iter, &it)`). A non-const method
/// called on it (`queue.size()` of a class whose size() locks) reads it.
bool advancesItself(const Stmt *Cond,
                    const llvm::SmallPtrSetImpl<const ValueDecl *> &Decls) {
  if (!Cond || isa<AtomicExpr>(Cond)) // atomic_load(&ready) reads it
    return false;
  auto Names = [&](const Expr *E) {
    const ValueDecl *D = utils::namedObject(E);
    return D && Decls.contains(D);
  };
  if (const auto *Unary = dyn_cast<UnaryOperator>(Cond)) {
    if (Unary->isIncrementDecrementOp() && Names(Unary->getSubExpr()))
      return true;
    if (Unary->getOpcode() == UO_AddrOf && Names(Unary->getSubExpr()))
      return true;
  }
  if (const auto *Bin = dyn_cast<BinaryOperator>(Cond);
      Bin && Bin->isAssignmentOp() && Names(Bin->getLHS()))
    return true;
  return llvm::any_of(Cond->children(), [&](const Stmt *Child) {
    return advancesItself(Child, Decls);
  });
}

struct BodyFacts {
  const CallExpr *Sleep = nullptr;
  bool OtherWork = false;
};

void scanBody(const Stmt *S, BodyFacts &Facts) {
  if (!S || isa<LambdaExpr>(S) || Facts.OtherWork)
    return;
  if (isa<CXXForRangeStmt>(S)) {
    Facts.OtherWork = true; // processes items each iteration
    return;
  }
  if (const auto *Call = dyn_cast<CallExpr>(S)) {
    if (model::isSleepCall(*Call)) {
      if (!Facts.Sleep)
        Facts.Sleep = Call;
    } else if (model::isWaitOrConsumeCall(*Call)) {
      Facts.OtherWork = true;
      return;
    }
  }
  for (const Stmt *Child : S->children())
    scanBody(Child, Facts);
}

bool isConstant(const Expr *E, const ASTContext &Ctx, bool &Value) {
  if (!E || E->isValueDependent())
    return false;
  Expr::EvalResult R;
  if (!E->EvaluateAsRValue(R, Ctx) || R.HasSideEffects || !R.Val.isInt())
    return false;
  Value = R.Val.getInt().getBoolValue();
  return true;
}

/// For `while (true)`: the condition of the first `if (C) break;` or
/// `if (C) return;` directly in the body.
const Expr *exitCondition(const Stmt *Body) {
  const auto *Block = dyn_cast_or_null<CompoundStmt>(Body);
  if (!Block)
    return nullptr;
  for (const Stmt *S : Block->body()) {
    const auto *If = dyn_cast<IfStmt>(S);
    if (!If || If->getElse())
      continue;
    const Stmt *Then = If->getThen();
    if (const auto *Inner = dyn_cast<CompoundStmt>(Then);
        Inner && Inner->size() == 1)
      Then = Inner->body_front();
    if (isa<BreakStmt, ReturnStmt>(Then))
      return If->getCond();
  }
  return nullptr;
}

} // namespace

void SleepPollingCheck::registerMatchers(MatchFinder *Finder) {
  // while (<state>) { ...sleep...; }, do { } while (<state>), for (;<state>;)
  // One matcher per loop kind: rooted at `stmt()`, it would be tried on every
  // statement of the translation unit.
  for (const auto &Loop :
       {whileStmt(utils::inUserCode()), doStmt(utils::inUserCode()),
        forStmt(utils::inUserCode())})
    Finder->addMatcher(Loop.bind(LoopBinding), this);
}

void SleepPollingCheck::check(const MatchFinder::MatchResult &Result) {
  if (skipsTestCode(Result))
    return; // test code is not served under load
  const auto *Loop = Result.Nodes.getNodeAs<Stmt>(LoopBinding);
  ASTContext &Ctx = *Result.Context;
  const Expr *Cond = nullptr;
  const Stmt *Body = nullptr;
  const Stmt *Inc = nullptr;
  if (const auto *While = dyn_cast<WhileStmt>(Loop)) {
    Cond = While->getCond();
    Body = While->getBody();
  } else if (const auto *Do = dyn_cast<DoStmt>(Loop)) {
    Cond = Do->getCond();
    Body = Do->getBody();
  } else if (const auto *For = dyn_cast<ForStmt>(Loop)) {
    Cond = For->getCond();
    Body = For->getBody();
    Inc = For->getInc();
  }
  bool Value = false;
  if (!Cond || isConstant(Cond, Ctx, Value)) {
    if (Cond && !Value)
      return;                   // runs once
    Cond = exitCondition(Body); // while (true) { if (done) break; ... }
    if (!Cond)
      return;
  }

  Polled What = polledEntity(Cond);
  if (!What.Entity)
    return; // nothing another thread could change
  BodyFacts InCond;
  scanBody(Cond, InCond);
  if (InCond.OtherWork)
    return; // the condition itself pops or reads: the loop consumes input
  BodyFacts Facts;
  scanBody(Body, Facts);
  if (!Facts.Sleep || Facts.OtherWork)
    return;
  llvm::SmallPtrSet<const ValueDecl *, 4> Read;
  collectReadDecls(Cond, Read);
  // A retry or work loop drives its own condition: a counter or an iterator
  // advanced in the body, the increment or the condition itself
  // (`while (i++ < 10)`, `while (iterate(iter, &it))`), or the polled state
  // changed by a function the body calls (`class_done(i)` counts a crawler
  // down).
  llvm::SmallPtrSet<const FunctionDecl *, 8> Seen;
  if (mutatesAny(Body, Read, Ctx) || mutatesAny(Inc, Read, Ctx) ||
      advancesItself(Cond, Read) ||
      mutatesThroughCalls(Body, Read, Ctx, MaxMutatorDepth, Seen))
    return;

  const SourceManager &SM = *Result.SourceManager;
  SourceLocation Loc = SM.getFileLoc(What.Loc);
  if (!Reported.insert(Loc).second)
    return;
  diag(Loc, "loop polls %0 with sleeps, burning CPU and reacting late; wait "
            "on a condition variable instead")
      << What.Entity
      << utils::fileRange(Cond->getSourceRange(), SM, getLangOpts());
  diag(SM.getFileLoc(Facts.Sleep->getBeginLoc()), "sleep between checks",
       DiagnosticIDs::Note);
}

} // namespace loadcheck::concurrency
