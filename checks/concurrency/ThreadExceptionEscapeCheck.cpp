//===--- ThreadExceptionEscapeCheck.cpp -----------------------------------===//
#include "checks/concurrency/ThreadExceptionEscapeCheck.h"
#include "checks/model/FactExtractor.h"
#include "checks/model/ThreadEntry.h"
#include "checks/utils/LlvmCompat.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/UserLocation.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;
using clang::tidy::utils::ExceptionAnalyzer;

namespace loadcheck::concurrency {

static constexpr llvm::StringRef StartId = "start";
static constexpr llvm::StringRef FunctionId = "function";

/// A function of the program whose definition this TU does not have and
/// that may throw: its exceptions are known only to the program model.
static bool definedElsewhere(const FunctionDecl &Callee,
                             const SourceManager &SM) {
  if (Callee.hasBody() || Callee.getBuiltinID() ||
      SM.isInSystemHeader(SM.getFileLoc(Callee.getLocation())))
    return false;
  const auto *Proto = Callee.getType()->getAs<FunctionProtoType>();
  return !Proto || !Proto->isNothrow();
}

namespace {
AST_MATCHER(CallExpr, callsFunctionDefinedElsewhere) {
  const FunctionDecl *Callee = Node.getDirectCallee();
  return Callee &&
         definedElsewhere(*Callee, Finder->getASTContext().getSourceManager());
}
} // namespace

ThreadExceptionEscapeCheck::ThreadExceptionEscapeCheck(
    llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
    : ClangTidyCheck(Name, Ctx),
      RawIgnoredExceptions(Options.get("IgnoredExceptions", "").str()) {
  llvm::SmallVector<llvm::StringRef, 8> Names;
  llvm::StringRef(RawIgnoredExceptions).split(Names, ';', -1, false);
  for (llvm::StringRef N : Names)
    if (!N.trim().empty())
      IgnoredExceptions.insert(N.trim());
}

void ThreadExceptionEscapeCheck::storeOptions(
    clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "IgnoredExceptions", RawIgnoredExceptions);
}

void ThreadExceptionEscapeCheck::onStartOfTranslationUnit() {
  Analyzer = std::make_unique<ExceptionAnalyzer>();
  Analyzer->ignoreBadAlloc(true);
  Analyzer->ignoreExceptions(IgnoredExceptions);
  Reported.clear();
  Judged.clear();
}

void ThreadExceptionEscapeCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(model::threadStartExpr().bind(StartId), this);
  // A function that throws, or calls one defined in another file, may be a
  // thread entry started elsewhere (or a virtual `Run()` override): the
  // program model decides. The enclosing function is looked up only there.
  auto InFunction = forCallable(functionDecl().bind(FunctionId));
  Finder->addMatcher(cxxThrowExpr(utils::inUserCode(), InFunction), this);
  Finder->addMatcher(callExpr(callsFunctionDefinedElsewhere(),
                              utils::inUserCode(), InFunction),
                     this);
}

namespace {
/// A place in the entry's body where an exception can start its way out.
struct Escape {
  const Stmt *Site = nullptr;
  const Type *Thrown = nullptr; ///< one of the escaping types
};
} // namespace

/// Filters \p Info by the handlers of every `try` around \p Site inside
/// \p Body: what is left escapes the entry.
static void filterByEnclosingTries(ExceptionAnalyzer::ExceptionInfo &Info,
                                   const Stmt &Site, const Stmt &Body,
                                   ASTContext &Ctx) {
  DynTypedNode Node = DynTypedNode::create(Site);
  while (Info.getBehaviour() == ExceptionAnalyzer::State::Throwing) {
    if (Node.get<Stmt>() == &Body)
      return;
    DynTypedNodeList Parents = Ctx.getParents(Node);
    if (Parents.empty())
      return;
    if (const auto *Try = Parents[0].get<CXXTryStmt>();
        Try && Node.get<Stmt>() == Try->getTryBlock()) {
      for (unsigned I = 0; I < Try->getNumHandlers(); ++I) {
        const CXXCatchStmt *Handler = Try->getHandler(I);
        if (Handler->getCaughtType().isNull()) { // catch (...)
          Info.clear();
          return;
        }
        // As bugprone-exception-escape does: `const E &` catches an E.
        QualType Caught = Handler->getCaughtType().getCanonicalType();
        if (Caught->isReferenceType())
          Caught = Caught->getPointeeType().getCanonicalType();
        Info.filterByCatch(Caught.getTypePtr(), Ctx);
      }
    }
    if (Parents[0].get<LambdaExpr>() || Parents[0].get<FunctionDecl>())
      return;
    Node = Parents[0];
  }
}

/// True when a try block of the entry (up to \p Body) encloses \p S.
static bool insideTryBlock(const Stmt &S, const Stmt &Body, ASTContext &Ctx) {
  DynTypedNode Node = DynTypedNode::create(S);
  while (Node.get<Stmt>() != &Body) {
    DynTypedNodeList Parents = Ctx.getParents(Node);
    if (Parents.empty() || Parents[0].get<LambdaExpr>() ||
        Parents[0].get<FunctionDecl>())
      return false;
    if (const auto *Try = Parents[0].get<CXXTryStmt>();
        Try && Node.get<Stmt>() == Try->getTryBlock())
      return true;
    Node = Parents[0];
  }
  return false;
}

/// The first `throw` or call in \p S (pre-order, skipping nested lambdas
/// and the handlers' own rethrows only when caught) whose exception escapes
/// \p Body. With \p OwnThrowsOnly, calls are not analysed: the exception
/// analysis of every call of every function of a TU is too slow (minutes on
/// a large C++ TU), and where the function is no thread entry of its TU its
/// calls are candidates the link's may-throw fixpoint decides.
static std::optional<Escape> findEscape(const Stmt *S, const Stmt &Body,
                                        ExceptionAnalyzer &Analyzer,
                                        ASTContext &Ctx,
                                        bool OwnThrowsOnly = false) {
  if (!S || isa<LambdaExpr>(S))
    return std::nullopt;
  if (const auto *Throw = dyn_cast<CXXThrowExpr>(S);
      Throw && !Throw->getSubExpr()) {
    // `throw;` rethrows whatever its handler caught: it escapes unless a
    // try block of the entry encloses it (then we cannot tell).
    if (!insideTryBlock(*S, Body, Ctx))
      return Escape{S, nullptr};
    return std::nullopt;
  }
  if (isa<CXXThrowExpr>(S) ||
      (!OwnThrowsOnly && (isa<CallExpr>(S) || isa<CXXConstructExpr>(S)))) {
    ExceptionAnalyzer::ExceptionInfo Info = Analyzer.analyze(S);
    filterByEnclosingTries(Info, *S, Body, Ctx);
    const Type *Thrown = compat::firstThrownType(Info);
    if (Info.getBehaviour() == ExceptionAnalyzer::State::Throwing && Thrown) {
      // Prefer the innermost site: `f(g())` reports `g()` when it throws.
      for (const Stmt *Child : S->children())
        if (auto Inner = findEscape(Child, Body, Analyzer, Ctx, OwnThrowsOnly))
          return Inner;
      return Escape{S, Thrown};
    }
    // The analyzer looks at a call's callee, not at its arguments: go on.
  }
  for (const Stmt *Child : S->children())
    if (auto E = findEscape(Child, Body, Analyzer, Ctx, OwnThrowsOnly))
      return E;
  return std::nullopt;
}

/// The calls in \p S, outside try blocks and nested lambdas, of functions
/// defined in another file that may throw.
static void collectCallsOut(const Stmt *S, const SourceManager &SM,
                            llvm::SmallVectorImpl<const CallExpr *> &Out) {
  if (!S || isa<LambdaExpr>(S))
    return;
  if (const auto *Try = dyn_cast<CXXTryStmt>(S)) {
    for (unsigned I = 0; I < Try->getNumHandlers(); ++I)
      collectCallsOut(Try->getHandler(I), SM, Out);
    return;
  }
  if (const auto *Call = dyn_cast<CallExpr>(S))
    if (const FunctionDecl *Callee = Call->getDirectCallee();
        Callee && definedElsewhere(*Callee, SM))
      Out.push_back(Call);
  for (const Stmt *Child : S->children())
    collectCallsOut(Child, SM, Out);
}

void ThreadExceptionEscapeCheck::judgeCallsOut(const FunctionDecl &Function,
                                               const Stmt &Body,
                                               llvm::StringRef Thread,
                                               bool IsLambda, ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  llvm::SmallVector<const CallExpr *, 4> Calls;
  collectCallsOut(&Body, SM, Calls);
  model::ProgramFactsIndex &Index = model::ProgramFactsIndex::of(Ctx);
  for (const CallExpr *Call : Calls) {
    SourceLocation Loc = SM.getFileLoc(Call->getBeginLoc());
    if (Reported.contains(Loc))
      continue;
    const FunctionDecl &Callee = *Call->getDirectCallee();
    model::CandidateFact Candidate = Index.addCallCandidate(
        model::ThreadExceptionEscapeCheckName, Loc, Function, Callee);
    std::optional<model::LinkVerdict> Verdict = judge(Candidate, Ctx);
    if (!Verdict)
      continue;
    Reported.insert(Loc);
    // The type is known only where the callee throws: "an exception".
    diag(Loc, "%select{a call|'%3'}0 lets %1 escape %select{the thread "
              "lambda|thread '%4'}2, killing the process; catch it")
        << true << "an exception" << !IsLambda << model::displayName(Callee)
        << Thread
        << utils::fileRange(Call->getSourceRange(), SM, getLangOpts());
    addNotes(*Verdict, Ctx);
  }
}

std::optional<model::LinkVerdict>
ThreadExceptionEscapeCheck::judge(const model::CandidateFact &Candidate,
                                  ASTContext &Ctx) {
  // The driver's link stage decides; the plugin asks its own TU.
  if (model::programVerdictsDeferred())
    return model::LinkVerdict{};
  std::optional<model::LinkVerdict> Verdict =
      model::ProgramFactsIndex::of(Ctx).tuGraph().judge(Candidate);
  if (!Verdict || !Verdict->Report)
    return std::nullopt;
  return Verdict;
}

void ThreadExceptionEscapeCheck::addNotes(const model::LinkVerdict &Verdict,
                                          ASTContext &Ctx) {
  model::ProgramFactsIndex &Index = model::ProgramFactsIndex::of(Ctx);
  for (const model::LinkNote &Note : Verdict.Notes)
    if (SourceLocation Loc = Index.locationOf(Note); Loc.isValid())
      diag(Loc, "%0", DiagnosticIDs::Note) << Note.Message;
}

void ThreadExceptionEscapeCheck::judgeFunction(const FunctionDecl &Function,
                                               ASTContext &Ctx) {
  // Lambdas are entries only where they are started, and the entries of the
  // TU are judged at their start; constructors, destructors and main are no
  // thread entries. A template is judged in its instantiations.
  const auto *Method = dyn_cast<CXXMethodDecl>(&Function);
  if ((Method && Method->getParent()->isLambda()) || Function.isMain() ||
      Function.isDependentContext() ||
      isa<CXXConstructorDecl, CXXDestructorDecl>(Function) ||
      !Function.getBody() ||
      model::ThreadEntryIndex::get(Ctx).isThreadEntry(&Function) ||
      !Judged.insert(&Function).second)
    return;
  if (!Analyzer)
    onStartOfTranslationUnit();
  const Stmt &Body = *Function.getBody();
  std::string Name = model::displayName(Function);
  auto Found = findEscape(&Body, Body, *Analyzer, Ctx, /*OwnThrowsOnly=*/true);
  if (!Found) {
    judgeCallsOut(Function, Body, Name, /*IsLambda=*/false, Ctx);
    return;
  }
  const SourceManager &SM = Ctx.getSourceManager();
  SourceLocation Loc = SM.getFileLoc(Found->Site->getBeginLoc());
  if (Reported.contains(Loc))
    return;
  model::CandidateFact Candidate =
      model::ProgramFactsIndex::of(Ctx).addCandidate(
          model::ThreadExceptionEscapeCheckName, Loc, Function);
  std::optional<model::LinkVerdict> Verdict = judge(Candidate, Ctx);
  if (!Verdict)
    return;
  Reported.insert(Loc);
  report(Found->Site, Found->Thrown, /*IsLambda=*/false, Name, Ctx);
  addNotes(*Verdict, Ctx);
}

void ThreadExceptionEscapeCheck::report(const Stmt *Site, const Type *Thrown,
                                        bool IsLambda, llvm::StringRef Thread,
                                        ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  SourceLocation Loc = SM.getFileLoc(Site->getBeginLoc());
  CharSourceRange Range =
      utils::fileRange(Site->getSourceRange(), SM, getLangOpts());
  if (!Thrown) {
    diag(Loc, "exception rethrown here escapes %select{the thread lambda|"
              "thread entry '%1'}0, killing the process; handle it")
        << !IsLambda << Thread << Range;
  } else if (isa<CXXThrowExpr>(Site)) {
    diag(Loc, "%0 thrown here escapes %select{the thread lambda|thread entry "
              "'%2'}1, killing the process; catch it")
        << QualType(Thrown, 0) << !IsLambda << Thread << Range;
  } else {
    const NamedDecl *Callee = nullptr;
    if (const auto *Call = dyn_cast<CallExpr>(Site))
      Callee = Call->getDirectCallee();
    else if (const auto *Construct = dyn_cast<CXXConstructExpr>(Site))
      Callee = Construct->getConstructor();
    diag(Loc, "%select{a call|'%3'}0 lets %1 escape %select{the thread "
              "lambda|thread '%4'}2, killing the process; catch it")
        << (Callee != nullptr) << QualType(Thrown, 0) << !IsLambda
        << (Callee ? model::displayName(*Callee) : std::string()) << Thread
        << Range;
  }
}

void ThreadExceptionEscapeCheck::check(const MatchFinder::MatchResult &Result) {
  ASTContext &Ctx = *Result.Context;
  if (const auto *Function = Result.Nodes.getNodeAs<FunctionDecl>(FunctionId)) {
    judgeFunction(*Function, Ctx);
    return;
  }
  auto Entry =
      model::resolveThreadEntry(Result.Nodes.getNodeAs<Expr>(StartId), Ctx);
  // std::async stores the exception in its future: get() rethrows it.
  if (!Entry || !Entry->Body ||
      Entry->Start.Kind == model::ThreadStartKind::Async)
    return;
  if (!Analyzer)
    onStartOfTranslationUnit();
  auto Found = findEscape(Entry->Body, *Entry->Body, *Analyzer, Ctx);
  bool IsLambda = Entry->Kind == model::EntryKind::Lambda;
  if (!Found) {
    // Callees defined in other files: the program model knows whether they
    // may throw.
    if (Judged.insert(Entry->Function).second)
      judgeCallsOut(*Entry->Function, *Entry->Body, Entry->Name, IsLambda, Ctx);
    return;
  }

  const SourceManager &SM = *Result.SourceManager;
  SourceLocation Loc = SM.getFileLoc(Found->Site->getBeginLoc());
  if (!Reported.insert(Loc).second)
    return;
  report(Found->Site, Found->Thrown, IsLambda, Entry->Name, Ctx);
  diag(SM.getFileLoc(Entry->Start.Start->getBeginLoc()), "thread started here",
       DiagnosticIDs::Note);
}

} // namespace loadcheck::concurrency
