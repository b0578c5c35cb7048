//===--- ProgramLink.cpp - the driver's link over every TU's facts --------===//
//
// collectTUFacts() ships the facts the extractor (FactExtractor.h) computed
// for the TU, with the checks' candidates; ProgramLink merges them into one
// ProgramGraph and answers each candidate's verdict from it.
//
//===----------------------------------------------------------------------===//
#include "checks/model/ProgramLink.h"
#include "checks/model/FactExtractor.h"
#include "checks/model/ProgramGraph.h"
#include <atomic>

namespace loadcheck::model {

static std::atomic<bool> Deferred{false};

bool programVerdictsDeferred() { return Deferred.load(); }
void setProgramVerdictsDeferred(bool Value) { Deferred.store(Value); }

llvm::json::Value collectTUFacts(clang::ASTContext &Ctx) {
  return toJSON(ProgramFactsIndex::of(Ctx).facts());
}

struct ProgramLink::Impl {
  ProgramGraph Graph;
  bool Linked = false;
};

ProgramLink::ProgramLink() : State(std::make_unique<Impl>()) {}
ProgramLink::~ProgramLink() = default;

bool ProgramLink::addTranslationUnit(const llvm::json::Value &Facts,
                                     std::string &Error) {
  std::optional<TUFacts> TU = fromJSON(Facts, Error);
  if (!TU)
    return false;
  State->Graph.add(*TU);
  return true;
}

void ProgramLink::link() {
  if (State->Linked)
    return;
  State->Graph.link();
  State->Linked = true;
}

std::optional<LinkVerdict> ProgramLink::verdict(const CandidateKey &Key) const {
  const CandidateFact *Candidate = State->Graph.candidate(Key);
  if (!Candidate)
    return std::nullopt;
  return State->Graph.judge(*Candidate);
}

LinkStatistics ProgramLink::statistics() const {
  return State->Graph.statistics();
}

} // namespace loadcheck::model
