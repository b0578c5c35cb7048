//===--- UnboundedThreadSpawnCheck.cpp ------------------------------------===//
#include "checks/concurrency/UnboundedThreadSpawnCheck.h"
#include "checks/model/ThreadEntry.h"
#include "checks/utils/UserLocation.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include <functional>

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::concurrency {

static constexpr llvm::StringRef StartId = "start";
static constexpr llvm::StringRef DefaultPoolSizePattern =
    "(?i)(thread|worker|pool|concurrency|parallel)";

/// llvm::Regex has no inline flags: accept a leading `(?i)` as "ignore case".
static llvm::Regex compilePattern(llvm::StringRef Pattern) {
  unsigned Flags = llvm::Regex::NoFlags;
  if (Pattern.consume_front("(?i)"))
    Flags |= llvm::Regex::IgnoreCase;
  return llvm::Regex(Pattern, static_cast<llvm::Regex::RegexFlags>(Flags));
}

UnboundedThreadSpawnCheck::UnboundedThreadSpawnCheck(
    llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
    : TestCodeAwareCheck(Name, Ctx),
      MaxConstantTripCount(Options.get("MaxConstantTripCount", 64U)),
      PoolSizePattern(
          Options.get("PoolSizePattern", DefaultPoolSizePattern).str()),
      PoolSizeRegex(compilePattern(PoolSizePattern)),
      RequestPath(model::RequestPathOptions::read(Options)) {
  std::string Error;
  if (!PoolSizeRegex.isValid(Error))
    configurationDiag("invalid PoolSizePattern '%0': %1")
        << PoolSizePattern << Error;
  if (!RequestPath.isPatternValid())
    configurationDiag("invalid HandlerNamePattern '%0'")
        << RequestPath.handlerNamePattern();
}

void UnboundedThreadSpawnCheck::storeOptions(
    clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  TestCodeAwareCheck::storeOptions(Opts);
  Options.store(Opts, "MaxConstantTripCount", MaxConstantTripCount);
  Options.store(Opts, "PoolSizePattern", PoolSizePattern);
  RequestPath.store(Options, Opts);
}

void UnboundedThreadSpawnCheck::registerMatchers(MatchFinder *Finder) {
  // std::thread t(f); v.emplace_back(f); std::async(f); pthread_create(...)
  // One matcher per node kind a start can be: rooted at `stmt()`, it would
  // be tried on every statement of the translation unit.
  for (const auto &Start : {cxxConstructExpr(model::threadStartExpr()),
                            callExpr(model::threadStartExpr())})
    Finder->addMatcher(Start.bind(StartId), this);
}

/// True when \p E calls std::thread::hardware_concurrency() somewhere.
static bool callsHardwareConcurrency(const Stmt *S) {
  if (!S)
    return false;
  if (const auto *Call = dyn_cast<CallExpr>(S))
    if (const FunctionDecl *F = Call->getDirectCallee())
      if (F->getIdentifier() && F->getName() == "hardware_concurrency")
        return true;
  return llvm::any_of(S->children(), callsHardwareConcurrency);
}

/// A bound: a constant <= MaxConstantTripCount, anything that calls
/// hardware_concurrency(), or an expression naming something that matches
/// PoolSizePattern (`thread_count`, `workers_.size()`, `poolSize()`), or a
/// local whose initialiser is such a bound.
bool UnboundedThreadSpawnCheck::isBoundExpr(const Expr *E, ASTContext &Ctx,
                                            unsigned Depth) const {
  if (!E || Depth > 3 || E->isValueDependent())
    return false;
  E = E->IgnoreParenImpCasts();
  Expr::EvalResult R;
  if (E->EvaluateAsInt(R, Ctx)) {
    const llvm::APSInt &V = R.Val.getInt();
    return !V.isNegative() && V.getLimitedValue() <= MaxConstantTripCount;
  }
  if (callsHardwareConcurrency(E))
    return true;
  auto NameMatches = [&](const NamedDecl *D) {
    return D && D->getIdentifier() && PoolSizeRegex.match(D->getName());
  };
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    if (NameMatches(Ref->getDecl()))
      return true;
    if (const auto *V = dyn_cast<VarDecl>(Ref->getDecl()))
      if (V->hasLocalStorage() && !isa<ParmVarDecl>(V) && V->getInit())
        return isBoundExpr(V->getInit(), Ctx, Depth + 1);
    return false;
  }
  if (const auto *Member = dyn_cast<MemberExpr>(E))
    if (NameMatches(Member->getMemberDecl()))
      return true;
  if (const auto *Call = dyn_cast<CallExpr>(E))
    if (NameMatches(Call->getDirectCallee()))
      return true;
  // workers_.size(), std::min(n, kMaxThreads), static_cast<int>(pool.size())
  for (const Stmt *Child : E->children())
    if (const auto *ChildExpr = dyn_cast_or_null<Expr>(Child))
      if (isBoundExpr(ChildExpr, Ctx, Depth + 1))
        return true;
  return false;
}

/// True when \p S is in a function or class named like a pool
/// (`ThreadPool::ThreadPool`, `startWorkers`): the pool's own code.
static bool inPoolCode(const Stmt &S, ASTContext &Ctx,
                       const llvm::Regex &Pattern) {
  const FunctionDecl *F = model::enclosingFunction(S, Ctx);
  // A lambda's body belongs to the function the lambda is written in.
  while (F && isa<CXXMethodDecl>(F) &&
         cast<CXXMethodDecl>(F)->getParent()->isLambda()) {
    const auto *Parent = dyn_cast_or_null<FunctionDecl>(
        cast<CXXMethodDecl>(F)->getParent()->getParentFunctionOrMethod());
    F = Parent;
  }
  if (!F)
    return false;
  if (F->getIdentifier() && Pattern.match(F->getName()))
    return true;
  const auto *M = dyn_cast<CXXMethodDecl>(F);
  return M && M->getParent()->getIdentifier() &&
         Pattern.match(M->getParent()->getName());
}

bool UnboundedThreadSpawnCheck::isBoundedLoop(const Stmt &Loop,
                                              ASTContext &Ctx) const {
  if (const auto *Range = dyn_cast<CXXForRangeStmt>(&Loop)) {
    const Expr *Init = Range->getRangeInit();
    if (!Init)
      return false;
    // for (auto x : {a, b, c}), for (auto &w : workers_), int[4], std::array
    if (const auto *List =
            dyn_cast<CXXStdInitializerListExpr>(Init->IgnoreImplicit()))
      if (const auto *Inits =
              dyn_cast<InitListExpr>(List->getSubExpr()->IgnoreImplicit()))
        return Inits->getNumInits() <= MaxConstantTripCount;
    QualType T = Init->getType().getNonReferenceType();
    if (const auto *Array = Ctx.getAsConstantArrayType(T))
      return Array->getSize().getLimitedValue() <= MaxConstantTripCount;
    if (const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
            T->getAsCXXRecordDecl()))
      if (Spec->getName() == "array" && Spec->getTemplateArgs().size() == 2 &&
          Spec->getTemplateArgs()[1].getKind() == TemplateArgument::Integral)
        return Spec->getTemplateArgs()[1].getAsIntegral().getLimitedValue() <=
               MaxConstantTripCount;
    return isBoundExpr(Init, Ctx, 0);
  }

  const Expr *Cond = nullptr;
  if (const auto *For = dyn_cast<ForStmt>(&Loop))
    Cond = For->getCond();
  else if (const auto *While = dyn_cast<WhileStmt>(&Loop))
    Cond = While->getCond();
  else if (const auto *Do = dyn_cast<DoStmt>(&Loop))
    Cond = Do->getCond();
  if (!Cond) // for (;;)
    return false;

  // In a pool's own code (`ThreadPool(unsigned size)`), a plain variable
  // bound is the pool's size.
  const bool PoolCode = inPoolCode(Loop, Ctx, PoolSizeRegex);
  auto isBound = [&](const Expr *Side, ASTContext &Ctx, unsigned Depth) {
    return isBoundExpr(Side, Ctx, Depth) ||
           (PoolCode &&
            isa<DeclRefExpr, MemberExpr>(Side->IgnoreParenImpCasts()));
  };
  // The bound side of a counting comparison: `i < N`, `N > i`, `i != N`;
  // `a && b` is bounded when either side is.
  std::function<bool(const Expr *)> Bounded = [&](const Expr *C) {
    C = C->IgnoreParenImpCasts();
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(C);
        Op && Op->getNumArgs() == 2) {
      switch (Op->getOperator()) {
      case OO_Less:
      case OO_LessEqual:
        return isBound(Op->getArg(1), Ctx, 0);
      case OO_Greater:
      case OO_GreaterEqual:
        return isBound(Op->getArg(0), Ctx, 0);
      case OO_ExclaimEqual:
        return isBound(Op->getArg(0), Ctx, 0) || isBound(Op->getArg(1), Ctx, 0);
      default:
        return false;
      }
    }
    const auto *Bin = dyn_cast<BinaryOperator>(C);
    if (!Bin)
      return false;
    switch (Bin->getOpcode()) {
    case BO_LT:
    case BO_LE:
      return isBound(Bin->getRHS(), Ctx, 0);
    case BO_GT:
    case BO_GE:
      return isBound(Bin->getLHS(), Ctx, 0);
    case BO_NE:
      return isBound(Bin->getLHS(), Ctx, 0) || isBound(Bin->getRHS(), Ctx, 0);
    case BO_LAnd:
      return Bounded(Bin->getLHS()) || Bounded(Bin->getRHS());
    case BO_LOr:
      return Bounded(Bin->getLHS()) && Bounded(Bin->getRHS());
    default:
      return false;
    }
  };
  return Bounded(Cond);
}

/// A name of a cap (`maxclients`, `conn_limit`, `kCapacity`).
static bool namesACap(const Expr *E) {
  static const llvm::Regex Cap(
      "[Mm][Aa][Xx]|[Ll][Ii][Mm][Ii][Tt]|[Cc][Aa][Pp]");
  if (!E)
    return false;
  E = E->IgnoreParenImpCasts();
  const NamedDecl *D = nullptr;
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
    D = Ref->getDecl();
  else if (const auto *Member = dyn_cast<MemberExpr>(E))
    D = Member->getMemberDecl();
  return D && D->getIdentifier() && Cap.match(D->getName());
}

/// `count >= cap`, `count == cap`, `cap <= count`, `cap < count`, either side
/// of an `||`.
static bool reachesCap(const Expr *Cond) {
  const auto *Bin = dyn_cast_or_null<BinaryOperator>(
      Cond ? Cond->IgnoreParenImpCasts() : nullptr);
  if (!Bin)
    return false;
  switch (Bin->getOpcode()) {
  case BO_GE:
  case BO_GT:
  case BO_EQ:
    return namesACap(Bin->getRHS());
  case BO_LE:
  case BO_LT:
    return namesACap(Bin->getLHS());
  case BO_LOr:
    return reachesCap(Bin->getLHS()) || reachesCap(Bin->getRHS());
  default:
    return false;
  }
}

bool UnboundedThreadSpawnCheck::admitsAtMost(const Stmt &Loop,
                                             const Expr &Start,
                                             ASTContext &Ctx) const {
  const Stmt *Body = nullptr;
  if (const auto *For = dyn_cast<ForStmt>(&Loop))
    Body = For->getBody();
  else if (const auto *While = dyn_cast<WhileStmt>(&Loop))
    Body = While->getBody();
  else if (const auto *Do = dyn_cast<DoStmt>(&Loop))
    Body = Do->getBody();
  const auto *Block = dyn_cast_or_null<CompoundStmt>(Body);
  if (!Block)
    return false;
  const SourceManager &SM = Ctx.getSourceManager();
  for (const Stmt *S : Block->body()) {
    if (!SM.isBeforeInTranslationUnit(S->getEndLoc(), Start.getBeginLoc()))
      break;
    const auto *If = dyn_cast<IfStmt>(S);
    if (!If || If->getElse() || !reachesCap(If->getCond()))
      continue;
    const Stmt *Last = If->getThen();
    if (const auto *Inner = dyn_cast<CompoundStmt>(Last);
        Inner && !Inner->body_empty())
      Last = Inner->body_back();
    if (isa<ContinueStmt, BreakStmt, ReturnStmt>(Last))
      return true;
  }
  return false;
}

void UnboundedThreadSpawnCheck::check(const MatchFinder::MatchResult &Result) {
  if (skipsTestCode(Result))
    return; // test code is not served under load
  const auto *Start = Result.Nodes.getNodeAs<Expr>(StartId);
  ASTContext &Ctx = *Result.Context;
  auto Kind = model::classifyThreadStart(Start, Ctx);
  if (!Kind || !Kind->mayStartThread()) // std::launch::deferred: no thread
    return;

  const model::PerRequestReason *Why = nullptr;
  auto Reasons = model::perRequestReasons(*Start, Ctx, RequestPath);
  for (const model::PerRequestReason &R : Reasons) {
    if (R.What == model::PerRequestReason::Kind::Loop &&
        (isBoundedLoop(*R.Loop, Ctx) || admitsAtMost(*R.Loop, *Start, Ctx)))
      continue; // filling a pool of fixed size, or admitting up to a cap
    Why = &R;
    break;
  }
  if (!Why)
    return;

  const SourceManager &SM = *Result.SourceManager;
  SourceLocation Loc =
      SM.getFileLoc(isa<CXXMemberCallExpr>(Start) ? Start->getExprLoc()
                                                  : Start->getBeginLoc());
  if (!Reported.insert(Loc).second) // another instantiation of a template
    return;
  diag(Loc, "thread started per %select{iteration of|request in}0 '%1' is "
            "unbounded under load; use a fixed-size pool")
      << Why->isRequest() << Why->subject()
      << utils::fileRange(Start->getSourceRange(), SM, getLangOpts());
  if (Why->What == model::PerRequestReason::Kind::Loop)
    diag(SM.getFileLoc(Why->Loop->getBeginLoc()), "loop begins here",
         DiagnosticIDs::Note);
  else if (Why->HandlerLambda)
    diag(SM.getFileLoc(Why->HandlerLambda->getBeginLoc()),
         "request handler begins here", DiagnosticIDs::Note);
  else
    diag(SM.getFileLoc(Why->Handler->getLocation()),
         "request handler begins here", DiagnosticIDs::Note);
}

} // namespace loadcheck::concurrency
