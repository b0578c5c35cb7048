//===--- AbruptTerminationCheck.cpp ---------------------------------------===//
#include "checks/resilience/AbruptTerminationCheck.h"
#include "checks/model/FactExtractor.h"
#include "checks/model/ProgramLink.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/UserLocation.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include <functional>

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::resilience {

static constexpr llvm::StringRef TerminateCall = "terminate-call";
static constexpr llvm::StringRef Enclosing = "enclosing";

AbruptTerminationCheck::AbruptTerminationCheck(
    llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
    : TestCodeAwareCheck(Name, Ctx),
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
  TestCodeAwareCheck::storeOptions(Opts);
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

namespace {
/// What the statement before an exit says about it.
struct Preceding {
  /// It never returns (a noreturn call, the project's fatal-log sink, a
  /// temporary whose destructor ends the process as `LOG(FATAL) << ...`
  /// does): the exit after it is unreachable.
  bool NeverReturns = false;
  /// The first user function it calls (the link checks whether it is a
  /// fatal-log sink defined in another file).
  const FunctionDecl *Callee = nullptr;
};
} // namespace

/// The statement before \p S in its block, looking through case and default
/// labels (`default: fatal("bad"); abort();`).
static const Stmt *previousStatement(const Stmt &S, ASTContext &Ctx) {
  const Stmt *Child = &S;
  for (int Depth = 0; Depth < 8; ++Depth) {
    DynTypedNodeList Parents = Ctx.getParents(*Child);
    if (Parents.empty())
      return nullptr;
    const auto *Parent = Parents[0].get<Stmt>();
    if (!Parent)
      return nullptr;
    if (const auto *Block = dyn_cast<CompoundStmt>(Parent)) {
      const Stmt *Before = nullptr;
      for (const Stmt *Item : Block->body()) {
        if (Item == Child)
          break;
        Before = Item;
      }
      while (Before) {
        if (const auto *Case = dyn_cast<SwitchCase>(Before))
          Before = Case->getSubStmt();
        else if (const auto *Label = dyn_cast<LabelStmt>(Before))
          Before = Label->getSubStmt();
        else
          break;
      }
      return Before;
    }
    if (isa<SwitchCase, LabelStmt>(Parent))
      return nullptr; // the exit is the first statement under its label
    if (!isa<Expr>(Parent))
      return nullptr;
    Child = Parent;
  }
  return nullptr;
}

static Preceding precedingFacts(const Stmt *Before,
                                model::ProgramFactsIndex &Index,
                                const SourceManager &SM) {
  Preceding Out;
  std::function<void(const Stmt *)> Scan = [&](const Stmt *S) {
    if (!S || Out.NeverReturns || isa<LambdaExpr>(S))
      return;
    const FunctionDecl *Callee = nullptr;
    if (const auto *Call = dyn_cast<CallExpr>(S))
      Callee = Call->getDirectCallee();
    else if (const auto *Bind = dyn_cast<CXXBindTemporaryExpr>(S))
      Callee = Bind->getTemporary()->getDestructor();
    if (Callee) {
      if (Callee->isNoReturn() || Index.isFatalSink(*Callee))
        Out.NeverReturns = true;
      else if (SM.isInSystemHeader(Callee->getLocation()))
        ;
      else if (isa<CXXDestructorDecl>(Callee))
        Out.Callee = Callee; // runs last: `LOG_FATAL << ...`'s logger,
                             // whose destructor may be defined elsewhere
      else if (!Out.Callee)
        Out.Callee = Callee;
    }
    for (const Stmt *Child : S->children())
      Scan(Child);
  };
  Scan(Before);
  return Out;
}

void AbruptTerminationCheck::check(const MatchFinder::MatchResult &Result) {
  if (skipsTestCode(Result))
    return; // test code is not served under load
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

  // The project's fatal-log sink must end the process; an exit after a call
  // that never returns is unreachable.
  model::ProgramFactsIndex &Index =
      model::ProgramFactsIndex::of(*Result.Context);
  if (Index.isFatalSink(*Function))
    return;
  Preceding Before =
      precedingFacts(previousStatement(*Call, *Result.Context), Index, SM);
  if (Before.NeverReturns)
    return;
  // Who calls the function decides the rest: the link stage in the driver,
  // the TU's own call graph in the plugin.
  model::CandidateFact Candidate =
      Index.addCandidate(model::AbruptTerminationCheckName, Call->getBeginLoc(),
                         *Function, nullptr, Before.Callee);
  std::optional<model::LinkVerdict> Verdict;
  if (!model::programVerdictsDeferred()) {
    Verdict = Index.tuGraph().judge(Candidate);
    if (Verdict && !Verdict->Report)
      return;
  }

  // Lambdas are named by what they are, methods by Class::method.
  const auto *Method = dyn_cast<CXXMethodDecl>(Function);
  SourceLocation Loc = Call->getBeginLoc();
  const bool InLambda = Method && Method->getParent()->isLambda();
  std::string Where;
  if (Method && !InLambda && Method->getParent()->getIdentifier())
    Where = (Method->getParent()->getName() + "::" + Method->getNameAsString())
                .str();
  else if (!InLambda)
    Where = Function->getNameAsString();
  diag(Loc, "%0 in %select{a lambda|'%2'}1 ends the process, killing in-flight "
            "requests; return an error instead")
      << Callee << !InLambda << Where
      << utils::fileRange(Call->getSourceRange(), SM, getLangOpts());
  if (Verdict)
    for (const model::LinkNote &Note : Verdict->Notes)
      if (SourceLocation NoteLoc = Index.locationOf(Note); NoteLoc.isValid())
        diag(NoteLoc, "%0", DiagnosticIDs::Note) << Note.Message;
}

} // namespace loadcheck::resilience
