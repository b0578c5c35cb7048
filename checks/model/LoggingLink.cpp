//===--- LoggingLink.cpp - prints on the request and worker threads -------===//
//
// The fixpoint (q) of ProgramGraph.h: which functions run on behalf of a
// request handler or a thread entry of the program, and the verdict on an
// unstructured-logging candidate (a print in a helper such as
// `dump_request(req)`, reported when a handler or an entry calls it).
//
//===----------------------------------------------------------------------===//
#include "checks/model/ProgramGraph.h"
#include <deque>

namespace loadcheck::model {

void ProgramGraph::collectLoggingSinks() {
  // Before the program's own callbacks are resolved: that takes a callback
  // registered with a function of the program out of the roots.
  for (const RootFact &R : Roots)
    if (R.LoggingSink)
      LoggingSinks.insert(R.Function);
}

void ProgramGraph::computeLoggingPath() {
  LoggingVia.assign(Nodes.size(), {});
  // The path stops where the log is written: main's code is no request's,
  // and the logger's and the sink's prints are the log.
  auto Closed = [&](unsigned I) {
    const FunctionFacts &F = Nodes[I].Facts;
    return F.IsMain || F.Logger || LoggingSinks.contains(F.Id);
  };
  std::deque<unsigned> Work;
  auto Mark = [&](unsigned I, const PerRequestStep &Step) {
    if (LoggingVia[I].On || Closed(I))
      return;
    LoggingVia[I] = Step;
    LoggingVia[I].On = true;
    Work.push_back(I);
  };
  for (const RootFact &R : Roots)
    if (R.Kind == RootKind::Handler)
      if (auto It = NodeIndex.find(R.Function); It != NodeIndex.end())
        Mark(It->second, PerRequestStep{true, true});
  for (const auto &[Entry, Link] : EntryOf) {
    PerRequestStep Step;
    Step.Entry = true;
    Mark(Entry, Step);
  }
  while (!Work.empty()) {
    unsigned I = Work.front();
    Work.pop_front();
    for (unsigned C = 0; C < Nodes[I].DirectCalls; ++C)
      if (auto It = NodeIndex.find(Nodes[I].Facts.Calls[C].Callee);
          It != NodeIndex.end())
        Mark(It->second, PerRequestStep{true, false, false, I, C});
  }
}

bool ProgramGraph::isOnLoggingPath(llvm::StringRef Id) const {
  auto It = NodeIndex.find(Id);
  return It != NodeIndex.end() && It->second < LoggingVia.size() &&
         LoggingVia[It->second].On;
}

LinkVerdict ProgramGraph::judgeLoggingPath(const CandidateFact &C) const {
  auto It = NodeIndex.find(C.Function);
  if (It == NodeIndex.end() || !isOnLoggingPath(C.Function))
    return {false, {}};
  LinkVerdict V;
  addStepNotes(LoggingVia, It->second, V);
  return V;
}

} // namespace loadcheck::model
