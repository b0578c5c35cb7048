//===--- ThreadExceptionEscapeCheck.cpp -----------------------------------===//
#include "checks/concurrency/ThreadExceptionEscapeCheck.h"
#include "checks/model/ThreadEntry.h"
#include "checks/utils/LlvmCompat.h"
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
}

void ThreadExceptionEscapeCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(model::threadStartExpr().bind(StartId), this);
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
/// \p Body.
static std::optional<Escape> findEscape(const Stmt *S, const Stmt &Body,
                                        ExceptionAnalyzer &Analyzer,
                                        ASTContext &Ctx) {
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
  if (isa<CXXThrowExpr>(S) || isa<CallExpr>(S) || isa<CXXConstructExpr>(S)) {
    ExceptionAnalyzer::ExceptionInfo Info = Analyzer.analyze(S);
    filterByEnclosingTries(Info, *S, Body, Ctx);
    const Type *Thrown = compat::firstThrownType(Info);
    if (Info.getBehaviour() == ExceptionAnalyzer::State::Throwing && Thrown) {
      // Prefer the innermost site: `f(g())` reports `g()` when it throws.
      for (const Stmt *Child : S->children())
        if (auto Inner = findEscape(Child, Body, Analyzer, Ctx))
          return Inner;
      return Escape{S, Thrown};
    }
    // The analyzer looks at a call's callee, not at its arguments: go on.
  }
  for (const Stmt *Child : S->children())
    if (auto E = findEscape(Child, Body, Analyzer, Ctx))
      return E;
  return std::nullopt;
}

void ThreadExceptionEscapeCheck::check(const MatchFinder::MatchResult &Result) {
  ASTContext &Ctx = *Result.Context;
  auto Entry =
      model::resolveThreadEntry(Result.Nodes.getNodeAs<Expr>(StartId), Ctx);
  // std::async stores the exception in its future: get() rethrows it.
  if (!Entry || !Entry->Body ||
      Entry->Start.Kind == model::ThreadStartKind::Async)
    return;
  if (!Analyzer)
    onStartOfTranslationUnit();
  auto Found = findEscape(Entry->Body, *Entry->Body, *Analyzer, Ctx);
  if (!Found)
    return;

  const SourceManager &SM = *Result.SourceManager;
  SourceLocation Loc = SM.getFileLoc(Found->Site->getBeginLoc());
  if (!Reported.insert(Loc).second)
    return;
  bool IsLambda = Entry->Kind == model::EntryKind::Lambda;
  CharSourceRange Range =
      utils::fileRange(Found->Site->getSourceRange(), SM, getLangOpts());
  if (!Found->Thrown) {
    diag(Loc, "exception rethrown here escapes %select{the thread lambda|"
              "thread entry '%1'}0, killing the process; handle it")
        << !IsLambda << Entry->Name << Range;
  } else if (isa<CXXThrowExpr>(Found->Site)) {
    QualType Thrown(Found->Thrown, 0);
    diag(Loc, "%0 thrown here escapes %select{the thread lambda|thread entry "
              "'%2'}1, killing the process; catch it")
        << Thrown << !IsLambda << Entry->Name << Range;
  } else {
    QualType Thrown(Found->Thrown, 0);
    const NamedDecl *Callee = nullptr;
    if (const auto *Call = dyn_cast<CallExpr>(Found->Site))
      Callee = Call->getDirectCallee();
    else if (const auto *Construct = dyn_cast<CXXConstructExpr>(Found->Site))
      Callee = Construct->getConstructor();
    diag(Loc, "%select{a call|'%3'}0 lets %1 escape %select{the thread "
              "lambda|thread '%4'}2, killing the process; catch it")
        << (Callee != nullptr) << Thrown << !IsLambda
        << (Callee ? model::displayName(*Callee) : std::string()) << Entry->Name
        << Range;
  }
  diag(SM.getFileLoc(Entry->Start.Start->getBeginLoc()), "thread started here",
       DiagnosticIDs::Note);
}

} // namespace loadcheck::concurrency
