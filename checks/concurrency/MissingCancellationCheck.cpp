//===--- MissingCancellationCheck.cpp -------------------------------------===//
#include "checks/concurrency/MissingCancellationCheck.h"
#include "checks/model/FactExtractor.h"
#include "checks/model/ThreadEntry.h"
#include "checks/utils/Conditions.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/UserLocation.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::concurrency {

static constexpr llvm::StringRef StartId = "start";
static constexpr llvm::StringRef LoopFunctionId = "loop-function";

namespace {
AST_MATCHER(Stmt, isEndlessLoop) {
  return utils::isInfiniteLoop(Node, Finder->getASTContext());
}
} // namespace

void MissingCancellationCheck::registerMatchers(MatchFinder *Finder) {
  // One matcher per node kind a start can be: rooted at `stmt()`, it would
  // be tried on every statement of the translation unit.
  for (const auto &Start : {cxxConstructExpr(model::threadStartExpr()),
                            callExpr(model::threadStartExpr())})
    Finder->addMatcher(Start.bind(StartId), this);
  // A function with an endless loop may be a thread's body started in
  // another file, or through a virtual `Run()`: the program model decides.
  // The cheap test first: the enclosing function is looked up only for
  // endless loops.
  auto InFunction = forCallable(functionDecl().bind(LoopFunctionId));
  Finder->addMatcher(
      whileStmt(isEndlessLoop(), utils::inUserCode(), InFunction), this);
  Finder->addMatcher(forStmt(isEndlessLoop(), utils::inUserCode(), InFunction),
                     this);
  Finder->addMatcher(doStmt(isEndlessLoop(), utils::inUserCode(), InFunction),
                     this);
}

static bool isLoopOrSwitch(const Stmt *S) {
  return isa<WhileStmt, ForStmt, DoStmt, CXXForRangeStmt, SwitchStmt>(S);
}

/// True when \p S can leave the loop whose body it is in: a `break` aimed at
/// that loop (\p BreakLeaves), `return`, `throw`, `co_return`, `goto`, or a
/// call that never returns (exit, abort, pthread_exit, [[noreturn]]).
/// Nested lambdas are not executed here and are skipped.
static bool hasExit(const Stmt *S, bool BreakLeaves) {
  if (!S || isa<LambdaExpr>(S))
    return false;
  if (isa<BreakStmt>(S))
    return BreakLeaves;
  if (isa<ReturnStmt, CoreturnStmt, CXXThrowExpr, GotoStmt, IndirectGotoStmt>(
          S))
    return true;
  if (const auto *Call = dyn_cast<CallExpr>(S))
    if (const FunctionDecl *F = Call->getDirectCallee(); F && F->isNoReturn())
      return true;
  bool Inner = BreakLeaves && !isLoopOrSwitch(S);
  for (const Stmt *Child : S->children())
    if (hasExit(Child, Inner))
      return true;
  return false;
}

/// The exitless infinite loops written directly in \p S (not in lambdas).
static void collectEndlessLoops(const Stmt *S, const ASTContext &Ctx,
                                llvm::SmallVectorImpl<const Stmt *> &Out) {
  if (!S || isa<LambdaExpr>(S))
    return;
  if (utils::isInfiniteLoop(*S, Ctx)) {
    const Stmt *Body = nullptr;
    if (const auto *W = dyn_cast<WhileStmt>(S))
      Body = W->getBody();
    else if (const auto *F = dyn_cast<ForStmt>(S))
      Body = F->getBody();
    else
      Body = cast<DoStmt>(S)->getBody();
    if (!hasExit(Body, /*BreakLeaves=*/true)) {
      Out.push_back(S);
      return; // loops nested in it never run to their end anyway
    }
  }
  for (const Stmt *Child : S->children())
    collectEndlessLoops(Child, Ctx, Out);
}

/// The entry's first parameter when it is a named std::stop_token.
static const ParmVarDecl *stopTokenParam(const FunctionDecl &F) {
  if (F.getNumParams() == 0)
    return nullptr;
  const ParmVarDecl *P = F.getParamDecl(0);
  const auto *RD = P->getType().getNonReferenceType()->getAsCXXRecordDecl();
  if (!RD || !RD->getIdentifier() || RD->getName() != "stop_token" ||
      !RD->isInStdNamespace() || !P->getIdentifier())
    return nullptr;
  return P;
}

static bool refersTo(const Stmt *S, const ValueDecl *D) {
  if (!S)
    return false;
  if (const auto *Ref = dyn_cast<DeclRefExpr>(S); Ref && Ref->getDecl() == D)
    return true;
  if (const auto *L = dyn_cast<LambdaExpr>(S)) // captured, or used inside
    return refersTo(L->getBody(), D) ||
           llvm::any_of(L->capture_inits(),
                        [&](const Expr *E) { return refersTo(E, D); });
  return llvm::any_of(S->children(),
                      [&](const Stmt *C) { return refersTo(C, D); });
}

/// Rewrites the condition of `while (true)` / `do ... while (true)` /
/// `for (;;)` to test \p Token; nothing inside macros.
static std::optional<FixItHint> stopConditionFix(const Stmt &Loop,
                                                 const ParmVarDecl &Token,
                                                 const ASTContext &Ctx) {
  std::string Test = "!" + Token.getName().str() + ".stop_requested()";
  if (Loop.getBeginLoc().isMacroID() || Loop.getEndLoc().isMacroID())
    return std::nullopt;
  const Expr *Cond = nullptr;
  if (const auto *W = dyn_cast<WhileStmt>(&Loop))
    Cond = W->getCond();
  else if (const auto *D = dyn_cast<DoStmt>(&Loop))
    Cond = D->getCond();
  if (Cond) {
    const Expr *Lit = Cond->IgnoreParenImpCasts();
    if (!isa<CXXBoolLiteralExpr, IntegerLiteral>(Lit) ||
        Lit->getBeginLoc().isMacroID())
      return std::nullopt;
    return FixItHint::CreateReplacement(Lit->getSourceRange(), Test);
  }
  const auto *F = dyn_cast<ForStmt>(&Loop);
  if (!F || F->getInit() || F->getCond() || F->getInc() ||
      F->getConditionVariable())
    return std::nullopt;
  return FixItHint::CreateReplacement(
      CharSourceRange::getCharRange(F->getLParenLoc().getLocWithOffset(1),
                                    F->getRParenLoc()),
      "; " + Test + ";");
}

/// The head of \p Loop, `while (true)` or `for (;;)`, which the warning
/// highlights rather than the whole body; `do` for a do-while.
static SourceRange loopHead(const Stmt &Loop) {
  if (const auto *While = dyn_cast<WhileStmt>(&Loop))
    return {While->getBeginLoc(), While->getRParenLoc()};
  if (const auto *For = dyn_cast<ForStmt>(&Loop))
    return {For->getBeginLoc(), For->getRParenLoc()};
  return Loop.getBeginLoc();
}

void MissingCancellationCheck::checkLoopFunction(const FunctionDecl &Function,
                                                 ASTContext &Ctx) {
  // Lambdas are entries only where they are started; the entries of the TU
  // are judged at their start; main is no thread. A template is judged in
  // its instantiations, as the entries of the TU are.
  const auto *Method = dyn_cast<CXXMethodDecl>(&Function);
  if ((Method && Method->getParent()->isLambda()) || Function.isMain() ||
      Function.isDependentContext() || !Function.getBody() ||
      !LoopFunctions.insert(&Function).second ||
      model::ThreadEntryIndex::get(Ctx).isThreadEntry(&Function))
    return;
  llvm::SmallVector<const Stmt *, 2> Loops;
  collectEndlessLoops(Function.getBody(), Ctx, Loops);
  const SourceManager &SM = Ctx.getSourceManager();
  model::ProgramFactsIndex &Index = model::ProgramFactsIndex::of(Ctx);
  for (const Stmt *Loop : Loops) {
    SourceLocation Loc = SM.getFileLoc(Loop->getBeginLoc());
    if (Reported.contains(Loc))
      continue;
    model::CandidateFact Candidate =
        Index.addCandidate(model::MissingCancellationCheckName, Loc, Function);
    // In the driver the link stage keeps it when the function runs as a
    // thread's body somewhere; in the plugin the TU must show it.
    std::optional<model::LinkVerdict> Verdict = model::LinkVerdict{};
    if (!model::programVerdictsDeferred())
      Verdict = Index.tuGraph().judge(Candidate);
    if (!Verdict || !Verdict->Report)
      continue;
    Reported.insert(Loc);
    diag(Loc, "'%0' runs on a thread and loops forever with no exit, blocking "
              "shutdown; check a stop flag")
        << model::displayName(Function)
        << utils::fileRange(loopHead(*Loop), SM, getLangOpts());
    for (const model::LinkNote &Note : Verdict->Notes)
      if (SourceLocation NoteLoc = Index.locationOf(Note); NoteLoc.isValid())
        diag(NoteLoc, "%0", DiagnosticIDs::Note) << Note.Message;
  }
}

void MissingCancellationCheck::check(const MatchFinder::MatchResult &Result) {
  ASTContext &Ctx = *Result.Context;
  if (const auto *Function =
          Result.Nodes.getNodeAs<FunctionDecl>(LoopFunctionId)) {
    checkLoopFunction(*Function, Ctx);
    return;
  }
  auto Entry =
      model::resolveThreadEntry(Result.Nodes.getNodeAs<Expr>(StartId), Ctx);
  if (!Entry || !Entry->Body)
    return;
  const SourceManager &SM = *Result.SourceManager;

  // A jthread hands the callable its stop token only as first argument.
  const ParmVarDecl *Token = nullptr;
  if (Entry->Start.Kind == model::ThreadStartKind::JThread &&
      Entry->Kind != model::EntryKind::MemberFunction)
    if (const ParmVarDecl *P = stopTokenParam(*Entry->Function))
      if (!refersTo(Entry->Body, P))
        Token = P;

  llvm::SmallVector<const Stmt *, 2> Loops;
  collectEndlessLoops(Entry->Body, Ctx, Loops);
  bool IsLambda = Entry->Kind == model::EntryKind::Lambda;
  SourceLocation StartLoc = SM.getFileLoc(Entry->Start.Start->getBeginLoc());
  for (const Stmt *Loop : Loops) {
    SourceLocation Loc = SM.getFileLoc(Loop->getBeginLoc());
    if (!Reported.insert(Loc).second)
      continue;
    CharSourceRange Head = utils::fileRange(loopHead(*Loop), SM, getLangOpts());
    if (!Token) {
      diag(Loc, "%select{thread lambda|thread entry '%1'}0 loops forever with "
                "no exit, blocking shutdown; check a stop flag")
          << !IsLambda << Entry->Name << Head;
    } else {
      auto Diag = diag(Loc, "%select{thread lambda|thread entry '%1'}0 loops "
                            "forever ignoring stop token %2, blocking "
                            "shutdown; check it")
                  << !IsLambda << Entry->Name << Token << Head;
      // Past the loop the entry falls off its end: only void entries.
      if (Entry->Function->getReturnType()->isVoidType())
        if (auto Fix = stopConditionFix(*Loop, *Token, Ctx))
          Diag << *Fix;
    }
    diag(StartLoc, "thread started here", DiagnosticIDs::Note);
  }
  if (Token && Loops.empty()) {
    SourceLocation Loc = SM.getFileLoc(Token->getLocation());
    if (!Reported.insert(Loc).second)
      return;
    diag(Loc, "stop token %0 is never checked, so request_stop() cannot end "
              "the thread; test it in the loop")
        << Token
        << utils::fileRange(Token->getSourceRange(), SM, getLangOpts());
    diag(StartLoc, "thread started here", DiagnosticIDs::Note);
  }
}

} // namespace loadcheck::concurrency
