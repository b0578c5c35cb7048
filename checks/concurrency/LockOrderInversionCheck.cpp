//===--- LockOrderInversionCheck.cpp --------------------------------------===//
#include "checks/concurrency/LockOrderInversionCheck.h"
#include "checks/model/FactExtractor.h"
#include "checks/model/ProgramGraph.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::concurrency {

void LockOrderInversionCheck::registerMatchers(MatchFinder *Finder) {
  // The orders are read from the program facts at the end of the TU.
  Finder->addMatcher(translationUnitDecl().bind("tu"), this);
}

void LockOrderInversionCheck::check(const MatchFinder::MatchResult &Result) {
  Context = Result.Context;
}

/// `'a'`, `'a', 'b'`: the locks held at an order place.
static std::string heldNames(const std::vector<model::LockRef> &Held) {
  std::string Out;
  for (const model::LockRef &L : Held)
    Out += (Out.empty() ? "'" : ", '") + L.Name + "'";
  return Out;
}

std::optional<model::LinkVerdict>
LockOrderInversionCheck::decide(model::ProgramFactsIndex &Index,
                                const model::FactPos &At,
                                const std::string &Function) {
  model::CandidateFact Candidate =
      Index.addCandidate(model::LockOrderInversionCheckName, At, Function);
  if (model::programVerdictsDeferred())
    return model::LinkVerdict{};
  std::optional<model::LinkVerdict> Verdict = Index.tuGraph().judge(Candidate);
  if (!Verdict || !Verdict->Report)
    return std::nullopt;
  return Verdict;
}

void LockOrderInversionCheck::addNotes(model::ProgramFactsIndex &Index,
                                       const model::LinkVerdict &Verdict) {
  for (const model::LinkNote &Note : Verdict.Notes)
    if (SourceLocation Loc = Index.locationOf(Note); Loc.isValid())
      diag(Loc, "%0", DiagnosticIDs::Note) << Note.Message;
}

void LockOrderInversionCheck::reportOrders(const model::FunctionFacts &Function,
                                           model::ProgramFactsIndex &Index) {
  for (const model::AcquisitionFact &A : Function.Acquisitions) {
    if (!model::ordersLocks(A) ||
        !Reported.insert({A.At.File, A.At.Offset}).second)
      continue;
    std::optional<model::LinkVerdict> Verdict =
        decide(Index, A.At, Function.Id);
    if (!Verdict)
      continue;
    diag(Index.locationOf(A.At),
         "%0 taken holding %1 closes a lock-order cycle and can deadlock; keep "
         "one lock order")
        << ("'" + A.Lock.Name + "'") << heldNames(A.Held);
    addNotes(Index, *Verdict);
  }
  for (const model::CallFact &C : Function.Calls) {
    if (!model::ordersLocks(C) ||
        !Reported.insert({C.At.File, C.At.Offset}).second)
      continue;
    std::optional<model::LinkVerdict> Verdict =
        decide(Index, C.At, Function.Id);
    if (!Verdict)
      continue;
    diag(Index.locationOf(C.At),
         "%0 called holding %1 takes a lock of a lock-order cycle and can "
         "deadlock; use one order")
        << ("'" + C.CalleeName + "'") << heldNames(C.Held);
    addNotes(Index, *Verdict);
  }
}

void LockOrderInversionCheck::onEndOfTranslationUnit() {
  if (!Context)
    return;
  model::ProgramFactsIndex &Index = model::ProgramFactsIndex::of(*Context);
  // Candidates are added to the facts' own list, not to their functions.
  Reported.clear();
  for (const model::FunctionFacts &Function : Index.facts().Functions)
    reportOrders(Function, Index);
  Context = nullptr;
}

} // namespace loadcheck::concurrency
