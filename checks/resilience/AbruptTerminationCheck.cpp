//===--- AbruptTerminationCheck.cpp ---------------------------------------===//
#include "checks/resilience/AbruptTerminationCheck.h"
#include "checks/utils/Matchers.h"
#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::resilience {

static constexpr llvm::StringRef TerminateCall = "terminate-call";
static constexpr llvm::StringRef Enclosing = "enclosing";

AbruptTerminationCheck::AbruptTerminationCheck(
    llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
    : ClangTidyCheck(Name, Ctx),
      AllowedFunctions(Options.get("AllowedFunctions", "")),
      AllowedRegex(AllowedFunctions) {
  std::string Error;
  if (!AllowedFunctions.empty() && !AllowedRegex.isValid(Error))
    configurationDiag("invalid regular expression in "
                      "'%0.AllowedFunctions': %1")
        << Name << Error;
}

void AbruptTerminationCheck::storeOptions(
    clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "AllowedFunctions", AllowedFunctions);
}

void AbruptTerminationCheck::registerMatchers(MatchFinder *Finder) {
  // exit(1), std::_Exit(2), ::abort(), std::terminate(), quick_exit(0) in a
  // function of the user's code; `main` is where ending the process belongs.
  const auto Terminating = functionDecl(
      hasAnyName("::exit", "::std::exit", "::_Exit", "::std::_Exit", "::_exit",
                 "::quick_exit", "::std::quick_exit", "::abort", "::std::abort",
                 "::std::terminate"));
  Finder->addMatcher(
      callExpr(callee(Terminating), utils::inUserCode(),
               unless(isInTemplateInstantiation()),
               forCallable(functionDecl(unless(isMain())).bind(Enclosing)))
          .bind(TerminateCall),
      this);
}

/// True when \p Function calls fork() or vfork(): an `_exit` there is the
/// child's exit after a failed exec, which must not run atexit handlers.
static bool callsFork(const FunctionDecl &Function, ASTContext &Ctx) {
  const Stmt *Body = Function.getBody();
  if (!Body)
    return false;
  return !match(stmt(hasDescendant(callExpr(
                    callee(functionDecl(hasAnyName("::fork", "::vfork")))))),
                *Body, Ctx)
              .empty();
}

void AbruptTerminationCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *Call = Result.Nodes.getNodeAs<CallExpr>(TerminateCall);
  const auto *Function = Result.Nodes.getNodeAs<FunctionDecl>(Enclosing);
  if (!Call || !Function)
    return;
  const FunctionDecl *Callee = Call->getDirectCallee();
  if (!Callee)
    return;
  const SourceManager &SM = *Result.SourceManager;
  // A library's own assertion macro is its business, not the user's.
  if (SM.isInSystemHeader(SM.getSpellingLoc(Call->getBeginLoc())))
    return;
  // A [[noreturn]] function exists to end the process: a fatal-error helper.
  if (Function->isNoReturn())
    return;
  if (!AllowedFunctions.empty() &&
      AllowedRegex.match(Function->getQualifiedNameAsString()))
    return;
  const llvm::StringRef CalleeName = Callee->getName();
  if ((CalleeName == "_exit" || CalleeName == "_Exit") &&
      callsFork(*Function, *Result.Context))
    return;

  // Lambdas are named by what they are, methods by Class::method.
  const auto *Method = dyn_cast<CXXMethodDecl>(Function);
  SourceLocation Loc = Call->getBeginLoc();
  static constexpr llvm::StringRef Message =
      "%0 ends the process from %1, killing in-flight requests; return an "
      "error or request a graceful shutdown";
  std::string Where;
  if (Method && Method->getParent()->isLambda())
    Where = "a lambda";
  else if (Method && Method->getParent()->getIdentifier())
    Where = ("'" + Method->getParent()->getName() +
             "::" + Method->getNameAsString() + "'")
                .str();
  else
    Where = "'" + Function->getNameAsString() + "'";
  diag(Loc, Message) << Callee << Where;
}

} // namespace loadcheck::resilience
