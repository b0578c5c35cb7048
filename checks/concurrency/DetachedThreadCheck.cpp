//===--- DetachedThreadCheck.cpp ------------------------------------------===//
#include "checks/concurrency/DetachedThreadCheck.h"
#include "checks/utils/NamedEntity.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Lex/Lexer.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::concurrency {

static constexpr llvm::StringRef MemberDetach = "member-detach";
static constexpr llvm::StringRef PthreadDetach = "pthread-detach";
static constexpr llvm::StringRef DetachedAttr = "detached-attr";

void DetachedThreadCheck::registerMatchers(MatchFinder *Finder) {
  // Library code is never reported: do not even match inside it.
  const auto InUserCode = unless(isExpansionInSystemHeader());

  // t.detach(), std::thread(f).detach(), workers_[i].detach()
  const auto ThreadClass = cxxRecordDecl(
      hasAnyName("::std::thread", "::std::jthread", "::boost::thread"));
  Finder->addMatcher(
      cxxMemberCallExpr(
          callee(cxxMethodDecl(hasName("detach"), ofClass(ThreadClass))),
          InUserCode)
          .bind(MemberDetach),
      this);

  // pthread_detach(tid), thrd_detach(thr)
  Finder->addMatcher(callExpr(callee(functionDecl(hasAnyName(
                                  "::pthread_detach", "::thrd_detach"))),
                              argumentCountIs(1), InUserCode)
                         .bind(PthreadDetach),
                     this);

  // pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED); whether the
  // state is the detached one is decided in check(): glibc spells it as an
  // enumerator, musl and others as an integer macro.
  Finder->addMatcher(
      callExpr(callee(functionDecl(hasName("::pthread_attr_setdetachstate"))),
               argumentCountIs(2), InUserCode)
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

void DetachedThreadCheck::check(const MatchFinder::MatchResult &Result) {
  static constexpr llvm::StringRef Remedy =
      "cannot be joined at shutdown; join it or use a worker pool";

  if (const auto *Call =
          Result.Nodes.getNodeAs<CXXMemberCallExpr>(MemberDetach)) {
    SourceLocation Loc = Call->getExprLoc();
    if (const NamedDecl *Thread =
            utils::namedEntity(Call->getImplicitObjectArgument()))
      diag(Loc, "thread %0 is detached and %1") << Thread << Remedy;
    else
      diag(Loc, "temporary thread is detached and %0") << Remedy;
    return;
  }

  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>(PthreadDetach)) {
    if (const NamedDecl *Thread = utils::namedEntity(Call->getArg(0)))
      diag(Call->getBeginLoc(), "thread %0 is detached and %1")
          << Thread << Remedy;
    else
      diag(Call->getBeginLoc(), "thread is detached and %0") << Remedy;
    return;
  }

  if (const auto *Call = Result.Nodes.getNodeAs<CallExpr>(DetachedAttr)) {
    if (!isDetachedState(Call->getArg(1), *Result.SourceManager, getLangOpts()))
      return;
    static constexpr llvm::StringRef AttrRemedy =
        "creates threads that cannot be joined at shutdown; create them "
        "joinable and join them";
    if (const NamedDecl *Attr = utils::namedEntity(Call->getArg(0)))
      diag(Call->getBeginLoc(), "thread attribute %0 %1") << Attr << AttrRemedy;
    else
      diag(Call->getBeginLoc(), "thread attribute %0") << AttrRemedy;
  }
}

} // namespace loadcheck::concurrency
