//===--- RequestPathLink.cpp - the request path through calls -------------===//
//
// The fixpoint (n) of ProgramGraph.h: which functions run per request or per
// loop iteration because of their callers, and the verdict on a candidate
// made in such a function (a client created on every call of a helper).
//
//===----------------------------------------------------------------------===//
#include "checks/model/ProgramGraph.h"
#include <deque>

namespace loadcheck::model {

/// How many calls the notes of a verdict show, from the handler, loop or
/// thread entry down to the candidate's function.
static constexpr unsigned MaxPathNotes = 6;

bool ProgramGraph::markPerRequest(unsigned Callee, const PerRequestStep &Step) {
  if (PerRequestVia[Callee].On)
    return false;
  PerRequestVia[Callee] = Step;
  PerRequestVia[Callee].On = true;
  return true;
}

void ProgramGraph::computePerRequest() {
  PerRequestVia.assign(Nodes.size(), {});
  std::deque<unsigned> Work;
  for (unsigned R = 0; R < Roots.size(); ++R)
    if (Roots[R].Kind == RootKind::Handler)
      if (auto It = NodeIndex.find(Roots[R].Function); It != NodeIndex.end()) {
        PerRequestStep Step;
        Step.Handler = true;
        if (markPerRequest(It->second, Step))
          Work.push_back(It->second);
      }
  // A call in a loop body runs once per iteration, wherever its caller runs.
  for (unsigned I = 0; I < Nodes.size(); ++I)
    for (unsigned C = 0; C < Nodes[I].DirectCalls; ++C) {
      const CallFact &Call = Nodes[I].Facts.Calls[C];
      auto It = NodeIndex.find(Call.Callee);
      if (!Call.Loop || It == NodeIndex.end() || It->second == I)
        continue;
      if (markPerRequest(It->second, {true, false, true, I, C}))
        Work.push_back(It->second);
    }
  // Everything a per-request function calls runs per request too.
  while (!Work.empty()) {
    unsigned I = Work.front();
    Work.pop_front();
    for (unsigned C = 0; C < Nodes[I].DirectCalls; ++C) {
      auto It = NodeIndex.find(Nodes[I].Facts.Calls[C].Callee);
      if (It != NodeIndex.end() &&
          markPerRequest(It->second, {true, false, false, I, C}))
        Work.push_back(It->second);
    }
  }
}

bool ProgramGraph::isPerRequest(llvm::StringRef Id) const {
  auto It = NodeIndex.find(Id);
  return It != NodeIndex.end() && It->second < PerRequestVia.size() &&
         PerRequestVia[It->second].On;
}

/// A handler as its registration names it (`Get "/users"` for a route
/// lambda), else as the function is named.
static std::string handlerNameOf(const std::vector<RootFact> &Roots,
                                 const FunctionFacts &Handler) {
  for (const RootFact &R : Roots)
    if (R.Kind == RootKind::Handler && R.Function == Handler.Id &&
        !R.FunctionName.empty())
      return R.FunctionName;
  return Handler.Name;
}

void ProgramGraph::addStepNotes(const std::vector<PerRequestStep> &Via,
                                unsigned N, LinkVerdict &V) const {
  // The nodes from N up to the handler, loop or entry, innermost first,
  // each made per request by its step's call; the tree of steps has no
  // cycle (a node is marked once, after the node that marks it).
  std::vector<unsigned> Path;
  unsigned Start = N;
  while (!Via[Start].Handler && !Via[Start].Entry &&
         Path.size() < MaxPathNotes) {
    Path.push_back(Start);
    if (Via[Start].InLoop)
      break;
    Start = Via[Start].Caller;
  }
  if (Via[Start].Entry)
    addEntryNotes(Start, V);
  for (auto Marked = Path.rbegin(); Marked != Path.rend(); ++Marked) {
    const PerRequestStep &Step = Via[*Marked];
    const Node &Caller = Nodes[Step.Caller];
    const CallFact &Call = Caller.Facts.Calls[Step.Call];
    std::string Callee = "'" + Call.CalleeName + "'";
    std::string Message;
    if (Step.InLoop)
      Message = Callee + " is called per iteration of a loop here";
    else if (Via[Step.Caller].Handler)
      Message = Callee + " is called per request here, in handler '" +
                handlerNameOf(Roots, Caller.Facts) + "'";
    else
      Message = Callee + " is called from '" + Caller.Facts.Name + "' here";
    V.Notes.push_back(note(Call.At, std::move(Message)));
  }
}

LinkVerdict ProgramGraph::judgePerRequest(const CandidateFact &C) const {
  auto It = NodeIndex.find(C.Function);
  if (It == NodeIndex.end() || !isPerRequest(C.Function))
    return {false, {}};
  LinkVerdict V;
  addStepNotes(PerRequestVia, It->second, V);
  return V;
}

} // namespace loadcheck::model
