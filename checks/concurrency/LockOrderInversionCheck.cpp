//===--- LockOrderInversionCheck.cpp --------------------------------------===//
#include "checks/concurrency/LockOrderInversionCheck.h"
#include "checks/model/SharedAccess.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/UserLocation.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include <set>

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::concurrency {

static constexpr llvm::StringRef FunctionId = "function";
static constexpr llvm::StringRef LambdaId = "lambda";

void LockOrderInversionCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(functionDecl(isDefinition(), hasBody(stmt()),
                                  unless(isImplicit()), unless(isDefaulted()),
                                  utils::inUserCode())
                         .bind(FunctionId),
                     this);
  Finder->addMatcher(lambdaExpr(utils::inUserCode()).bind(LambdaId), this);
}

void LockOrderInversionCheck::onStartOfTranslationUnit() {
  Edges.clear();
  Seen.clear();
  SeenAcquisitions.clear();
}

void LockOrderInversionCheck::check(const MatchFinder::MatchResult &Result) {
  SM = Result.SourceManager;
  const FunctionDecl *Function =
      Result.Nodes.getNodeAs<FunctionDecl>(FunctionId);
  if (const auto *Lambda = Result.Nodes.getNodeAs<LambdaExpr>(LambdaId))
    Function = Lambda->getCallOperator();
  if (!Function || !Seen.insert(Function).second)
    return;
  const model::FunctionLockModel &Model =
      model::LockModels::of(*Result.Context).function(*Function);
  for (const model::Acquisition &Acquired : Model.acquisitions()) {
    // A try-lock never waits: it cannot close a deadlock cycle.
    if (Acquired.Lock.Try || Acquired.AlreadyHeld.empty())
      continue;
    // Template instantiations repeat their pattern's acquisitions.
    if (!SeenAcquisitions.insert(SM->getFileLoc(Acquired.Lock.AcquiredAt))
             .second)
      continue;
    for (const model::HeldLock &Held : Acquired.AlreadyHeld)
      if (Held.Id != Acquired.Lock.Id)
        Edges.push_back({Held, Acquired.Lock, Function});
  }
}

void LockOrderInversionCheck::onEndOfTranslationUnit() {
  if (!SM)
    return;
  // Source order of the second acquisition: the later edge is reported.
  std::stable_sort(
      Edges.begin(), Edges.end(), [&](const Edge &A, const Edge &B) {
        return SM->isBeforeInTranslationUnit(SM->getFileLoc(A.To.AcquiredAt),
                                             SM->getFileLoc(B.To.AcquiredAt));
      });
  std::set<std::pair<const void *, const void *>> ReportedPairs;
  for (size_t I = 0; I < Edges.size(); ++I) {
    const Edge &Later = Edges[I];
    const Edge *Earlier = nullptr;
    for (size_t J = 0; J < I && !Earlier; ++J)
      if (Edges[J].From.Id == Later.To.Id && Edges[J].To.Id == Later.From.Id)
        Earlier = &Edges[J];
    if (!Earlier)
      continue;
    const void *A = Later.From.Id.Decl, *B = Later.To.Id.Decl;
    if (!ReportedPairs.insert({std::min(A, B), std::max(A, B)}).second)
      continue;
    const auto *Taken = cast<NamedDecl>(Later.To.Id.Decl);
    const auto *Holding = cast<NamedDecl>(Later.From.Id.Decl);
    diag(Later.To.AcquiredAt,
         "%0 taken under %1 inverts the order in '%2' and can deadlock; use "
         "std::scoped_lock")
        << Taken << Holding << model::functionDisplayName(*Earlier->Function)
        << utils::fileRange(Later.To.Acquisition
                                ? Later.To.Acquisition->getSourceRange()
                                : SourceRange(Later.To.AcquiredAt),
                            *SM, getLangOpts());
    if (Earlier->From.Kind == model::HeldBy::Annotation)
      diag(Earlier->From.AcquiredAt,
           "%0 held by every caller (requires_capability)", DiagnosticIDs::Note)
          << Taken;
    else
      diag(Earlier->From.AcquiredAt, "%0 acquired here", DiagnosticIDs::Note)
          << Taken;
    diag(Earlier->To.AcquiredAt, "%0 then acquired here while holding %1",
         DiagnosticIDs::Note)
        << Holding << Taken;
  }
  Edges.clear();
}

} // namespace loadcheck::concurrency
