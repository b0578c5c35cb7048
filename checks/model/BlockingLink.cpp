//===--- BlockingLink.cpp - functions that may block, program-wide --------===//
//
// The may-block fixpoint of the program graph (ProgramGraph.h, (j)) and the
// verdict on a call made under a lock of a function that may block.
//
//===----------------------------------------------------------------------===//
#include "checks/model/ProgramGraph.h"
#include <deque>

namespace loadcheck::model {

/// How many steps of the way down to the blocking call become notes.
static constexpr unsigned MaxBlockingSteps = 8;

/// Whether call \p Call of node \p Caller is a pointer call the link resolved
/// to more than one function (resolved calls follow the direct ones).
bool ProgramGraph::ambiguousPointerCall(unsigned Caller, unsigned Call) const {
  const Node &N = Nodes[Caller];
  if (Call < N.DirectCalls)
    return false;
  const FactPos &At = N.Facts.Calls[Call].At;
  unsigned Targets = 0;
  for (unsigned C = N.DirectCalls; C < N.Facts.Calls.size(); ++C)
    Targets += N.Facts.Calls[C].At.File == At.File &&
               N.Facts.Calls[C].At.Offset == At.Offset;
  return Targets > 1;
}

void ProgramGraph::computeMayBlock() {
  MayBlock.assign(Nodes.size(), std::nullopt);
  std::deque<unsigned> Work;
  for (unsigned I = 0; I < Nodes.size(); ++I)
    if (!Nodes[I].Facts.Blocking.empty()) {
      MayBlock[I] = BlockingWitness{true, 0};
      Work.push_back(I);
    }
  // Breadth first from the blocking calls up through the callers: each
  // caller keeps a shortest way down. A pointer call the link resolved is
  // followed only when it resolves to one function: a list's element
  // destructor or a table of handlers stores many, and the program's values
  // pick one of them per call (curl's `list->dtor` would make every list
  // removal reach a socket write). A call that returns at once with the
  // arguments it is given (CallFact::AtOnce: zero timeouts, a descriptor
  // found ready) is not followed either.
  while (!Work.empty()) {
    unsigned Callee = Work.front();
    Work.pop_front();
    for (auto [Caller, Call] : Nodes[Callee].Callers)
      if (!MayBlock[Caller] && !Nodes[Caller].Facts.Calls[Call].AtOnce &&
          !ambiguousPointerCall(Caller, Call)) {
        MayBlock[Caller] = BlockingWitness{false, Call};
        Work.push_back(Caller);
      }
  }
}

std::vector<ProgramGraph::BlockingStep>
ProgramGraph::blockingPath(llvm::StringRef Id) const {
  std::vector<BlockingStep> Path;
  auto It = NodeIndex.find(Id);
  // Each witness points to a function marked before it: no cycle.
  while (It != NodeIndex.end() && Path.size() < MaxBlockingSteps) {
    const Node &N = Nodes[It->second];
    const std::optional<BlockingWitness> &W = MayBlock[It->second];
    if (!W)
      break;
    if (W->Own) {
      const SiteFact &Site = N.Facts.Blocking[W->Index];
      Path.push_back({N.Facts.Id, Site.What, Site.At});
      break;
    }
    const CallFact &Call = N.Facts.Calls[W->Index];
    Path.push_back({N.Facts.Id, Call.CalleeName, Call.At});
    It = NodeIndex.find(Call.Callee);
  }
  return Path;
}

/// Whether \p Callee releases every lock \p Call holds: it unlocks what its
/// caller holds (`unlock_and_wait(&mu)`), and blocks, if at all, after that.
static bool releasesCallersLocks(const FunctionFacts &Callee,
                                 const CallFact &Call) {
  return !Call.Held.empty() && llvm::all_of(Call.Held, [&](const LockRef &L) {
    return llvm::is_contained(Callee.Releases, L);
  });
}

LinkVerdict ProgramGraph::judgeBlockingUnderLock(const CandidateFact &C) const {
  const Node *Caller = node(C.Function);
  if (!Caller)
    return {false, {}};
  // Every call at the candidate's place: one direct call, or a call through
  // a pointer resolved to each function stored for it.
  for (const CallFact &Call : Caller->Facts.Calls) {
    if (Call.At.File != C.At.File || Call.At.Offset != C.At.Offset)
      continue;
    const Node *Callee = node(Call.Callee);
    if (!Callee || Call.AtOnce || releasesCallersLocks(Callee->Facts, Call))
      continue;
    std::vector<BlockingStep> Path = blockingPath(Call.Callee);
    if (Path.empty())
      continue;
    LinkVerdict V;
    for (const BlockingStep &Step : Path) {
      const FunctionFacts *From = function(Step.Function);
      V.Notes.push_back(note(Step.At, "'" + (From ? From->Name : "") +
                                          "' calls '" + Step.Callee +
                                          "' here"));
    }
    return V;
  }
  return {false, {}};
}

} // namespace loadcheck::model
