//===--- DetachedThreadCheck.cpp ------------------------------------------===//
#include "checks/concurrency/DetachedThreadCheck.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/NamedEntity.h"
#include "checks/utils/UserLocation.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::concurrency {

static constexpr llvm::StringRef MemberDetach = "member-detach";
static constexpr llvm::StringRef PthreadDetach = "pthread-detach";
static constexpr llvm::StringRef DetachedAttr = "detached-attr";
static constexpr llvm::StringRef Function = "function";

void DetachedThreadCheck::registerMatchers(MatchFinder *Finder) {
  // Library code is never reported: do not even match inside it.

  // t.detach(), std::thread(f).detach(), workers_[i].detach()
  const auto ThreadClass = cxxRecordDecl(
      hasAnyName("::std::thread", "::std::jthread", "::boost::thread"));
  Finder->addMatcher(
      cxxMemberCallExpr(
          callee(cxxMethodDecl(hasName("detach"), ofClass(ThreadClass))),
          utils::inUserCode())
          .bind(MemberDetach),
      this);

  // pthread_detach(tid), thrd_detach(thr)
  Finder->addMatcher(
      callExpr(
          callee(functionDecl(hasAnyName("::pthread_detach", "::thrd_detach"))),
          argumentCountIs(1), utils::inUserCode(),
          optionally(forCallable(functionDecl().bind(Function))))
          .bind(PthreadDetach),
      this);

  // pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED); whether the
  // state is the detached one is decided in check(): glibc spells it as an
  // enumerator, musl and others as an integer macro.
  Finder->addMatcher(
      callExpr(callee(functionDecl(hasName("::pthread_attr_setdetachstate"))),
               argumentCountIs(2), utils::inUserCode())
          .bind(DetachedAttr),
      this);
}

/// True when \p State is PTHREAD_CREATE_DETACHED, written as glibc's
/// enumerator or as a macro of that name expanding to anything.
static bool isDetachedState(const Expr *State, const SourceManager &SM,
                            const LangOptions &LangOpts) {
  static constexpr llvm::StringRef Name = "PTHREAD_CREATE_DETACHED";
  State = State->IgnoreParenImpCasts();
  if (const auto *Ref = dyn_cast<DeclRefExpr>(State))
    if (const auto *Enumerator = dyn_cast<EnumConstantDecl>(Ref->getDecl()))
      return Enumerator->getName() == Name;
  SourceLocation Loc = State->getBeginLoc();
  return Loc.isMacroID() &&
         Lexer::getImmediateMacroName(Loc, SM, LangOpts) == Name;
}

/// True when \p E names the running thread: `std::this_thread::get_id()`,
/// `pthread_self()`.
static bool namesCurrentThread(const Expr *E) {
  const auto *Call =
      dyn_cast_or_null<CallExpr>(E ? E->IgnoreParenImpCasts() : nullptr);
  const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
  if (!Callee)
    return false;
  const std::string Name = Callee->getQualifiedNameAsString();
  return Name == "std::this_thread::get_id" || Name == "pthread_self";
}

/// Whether \p Cond tests "is this the running thread" (\p Equal = true when
/// it holds for the current thread): `t.get_id() ==
/// std::this_thread::get_id()`, `pthread_equal(tid, pthread_self())`, negated
/// with `!` or `!=`.
static bool testsCurrentThread(const Expr *Cond, bool &Equal) {
  Cond = Cond->IgnoreParenImpCasts();
  if (const auto *Not = dyn_cast<UnaryOperator>(Cond);
      Not && Not->getOpcode() == UO_LNot) {
    if (!testsCurrentThread(Not->getSubExpr(), Equal))
      return false;
    Equal = !Equal;
    return true;
  }
  if (const auto *Rewritten = dyn_cast<CXXRewrittenBinaryOperator>(Cond)) {
    Equal = Rewritten->getOpcode() == BO_EQ;
    return (Rewritten->getOpcode() == BO_EQ ||
            Rewritten->getOpcode() == BO_NE) &&
           (namesCurrentThread(Rewritten->getLHS()) ||
            namesCurrentThread(Rewritten->getRHS()));
  }
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Cond)) {
    Equal = Op->getOperator() == OO_EqualEqual;
    return (Equal || Op->getOperator() == OO_ExclaimEqual) &&
           Op->getNumArgs() == 2 &&
           (namesCurrentThread(Op->getArg(0)) ||
            namesCurrentThread(Op->getArg(1)));
  }
  if (const auto *Op = dyn_cast<BinaryOperator>(Cond)) {
    Equal = Op->getOpcode() == BO_EQ;
    return Op->isEqualityOp() && (namesCurrentThread(Op->getLHS()) ||
                                  namesCurrentThread(Op->getRHS()));
  }
  const auto *Call = dyn_cast<CallExpr>(Cond);
  const FunctionDecl *Callee = Call ? Call->getDirectCallee() : nullptr;
  Equal = true;
  return Callee && Callee->getName() == "pthread_equal" &&
         Call->getNumArgs() == 2 &&
         (namesCurrentThread(Call->getArg(0)) ||
          namesCurrentThread(Call->getArg(1)));
}

/// The teardown of a pool run by one of its own workers: the worker cannot
/// join itself (EDEADLK, std::system_error), so it detaches itself and joins
/// the others:
///   if (w.get_id() == std::this_thread::get_id()) w.detach(); else w.join();
static bool detachesSelfInTeardown(const Stmt &Detach, ASTContext &Ctx) {
  DynTypedNode Node = DynTypedNode::create(Detach);
  for (unsigned Step = 0; Step < 16; ++Step) {
    DynTypedNodeList Parents = Ctx.getParents(Node);
    if (Parents.empty())
      return false;
    if (const auto *If = Parents[0].get<IfStmt>()) {
      bool Equal = false;
      const Stmt *Child = Node.get<Stmt>();
      if (If->getCond() && testsCurrentThread(If->getCond(), Equal) &&
          Child == (Equal ? If->getThen() : If->getElse()))
        return true;
    }
    if (Parents[0].get<FunctionDecl>() || Parents[0].get<LambdaExpr>())
      return false;
    Node = Parents[0];
  }
  return false;
}

/// `pthread_detach(pthread_self())` followed, in the same function, by a call
/// that destroys or shuts down something (`pool_destroy(pool)`): the worker
/// tears down the pool that would join it, so it cannot stay joinable. A
/// self-detach at the start of a thread entry (fire and forget) is reported.
static bool detachesSelfBeforeTeardown(const CallExpr &Detach,
                                       const FunctionDecl *Function,
                                       ASTContext &Ctx) {
  if (!Function || !Function->getBody() ||
      !namesCurrentThread(Detach.getArg(0)))
    return false;
  const auto Teardown = callExpr(callee(functionDecl(
      matchesName("(destroy|teardown|shutdown|tear_down|shut_down)[^:]*$"))));
  const SourceManager &SM = Ctx.getSourceManager();
  for (const BoundNodes &Found :
       match(stmt(forEachDescendant(Teardown.bind("teardown"))),
             *Function->getBody(), Ctx))
    if (SM.isBeforeInTranslationUnit(
            Detach.getEndLoc(),
            Found.getNodeAs<CallExpr>("teardown")->getBeginLoc()))
      return true;
  return false;
}

void DetachedThreadCheck::check(const MatchFinder::MatchResult &Result) {
  if (const auto *Call =
          Result.Nodes.getNodeAs<CXXMemberCallExpr>(MemberDetach)) {
    if (detachesSelfInTeardown(*Call, *Result.Context))
      return;
    SourceLocation Loc = Call->getExprLoc();
    CharSourceRange Range = utils::fileRange(
        Call->getSourceRange(), *Result.SourceManager, getLangOpts());
    if (const NamedDecl *Thread =
            utils::namedEntity(Call->getImplicitObjectArgument()))
      diag(Loc, "thread %0 is detached and cannot be joined at shutdown; join "
                "it or use a worker pool")
          << Thread << Range;
    else
      diag(Loc, "temporary thread is detached and cannot be joined at "
                "shutdown; join it or use a worker pool")
          << Range;
    return;
  }

  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>(PthreadDetach)) {
    if (detachesSelfInTeardown(*Call, *Result.Context) ||
        detachesSelfBeforeTeardown(
            *Call, Result.Nodes.getNodeAs<FunctionDecl>(Function),
            *Result.Context))
      return;
    CharSourceRange Range = utils::fileRange(
        Call->getSourceRange(), *Result.SourceManager, getLangOpts());
    if (const NamedDecl *Thread = utils::namedEntity(Call->getArg(0)))
      diag(Call->getBeginLoc(), "thread %0 is detached and cannot be joined "
                                "at shutdown; join it or use a worker pool")
          << Thread << Range;
    else
      diag(Call->getBeginLoc(), "thread is detached and cannot be joined at "
                                "shutdown; join it or use a worker pool")
          << Range;
    return;
  }

  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>(DetachedAttr)) {
    if (!isDetachedState(Call->getArg(1), *Result.SourceManager, getLangOpts()))
      return;
    CharSourceRange Range = utils::fileRange(
        Call->getSourceRange(), *Result.SourceManager, getLangOpts());
    if (const NamedDecl *Attr = utils::namedEntity(Call->getArg(0)))
      diag(Call->getBeginLoc(), "thread attribute %0 makes threads that cannot "
                                "be joined at shutdown; create them joinable")
          << Attr << Range;
    else
      diag(Call->getBeginLoc(), "thread attribute makes threads that cannot "
                                "be joined at shutdown; create them joinable")
          << Range;
  }
}

} // namespace loadcheck::concurrency
