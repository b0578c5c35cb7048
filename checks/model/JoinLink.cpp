//===--- JoinLink.cpp - threads that main's code has joined ---------------===//
//
// The joins of (f) in ProgramGraph.h: a thread whose handle the program
// keeps in a global or a field (RootFact::Handle) runs no more after a join
// of that handle (FunctionFacts::ThreadJoins), made by the function itself
// or by a function it called earlier (`stop_assoc_maintenance_thread()`
// before `pthread_mutex_lock(&worker_hang_lock)`).
//
//===----------------------------------------------------------------------===//
#include "checks/model/ProgramGraph.h"

namespace loadcheck::model {

void ProgramGraph::computeJoins() {
  // A thread started into more than one handle, or into a local, is never
  // taken for joined (ThreadFunction::Handle is empty then).
  llvm::StringMap<llvm::SmallVector<unsigned, 1>> ThreadsOf;
  for (unsigned T = 0; T < Threads.size(); ++T)
    if (!Threads[T].Handle.empty())
      ThreadsOf[Threads[T].Handle].push_back(T);
  for (Node &N : Nodes) {
    N.Joins.resize(Threads.size());
    for (const SiteFact &J : N.Facts.ThreadJoins)
      if (auto It = ThreadsOf.find(J.What); It != ThreadsOf.end())
        for (unsigned T : It->second)
          N.Joins.set(T);
  }
  // What a callee joins, its caller has joined once the call returns (a
  // lambda's "call" is where it is written: its joins run later, if ever).
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (Node &N : Nodes)
      for (unsigned C = 0; C < N.DirectCalls; ++C) {
        const CallFact &Call = N.Facts.Calls[C];
        const Node *Callee = node(Call.Callee);
        if (!Callee || Callee == &N || isLambdaName(Call.CalleeName) ||
            !Callee->Joins.test(N.Joins))
          continue;
        N.Joins |= Callee->Joins;
        Changed = true;
      }
  }
}

llvm::BitVector ProgramGraph::joinedBefore(const Node &N, unsigned Order,
                                           const CallFact *Self) const {
  llvm::BitVector Out(Threads.size());
  if (N.Joins.none())
    return Out;
  // Source order, not paths: a join in one branch counts as made (the
  // shutdown code that joins a thread is the code that then goes on).
  for (const SiteFact &J : N.Facts.ThreadJoins)
    if (J.Order < Order)
      for (unsigned T = 0; T < Threads.size(); ++T)
        if (Threads[T].Handle == J.What)
          Out.set(T);
  for (unsigned C = 0; C < N.DirectCalls; ++C) {
    const CallFact &Call = N.Facts.Calls[C];
    if (&Call == Self || Call.Order >= Order || isLambdaName(Call.CalleeName))
      continue;
    if (const Node *Callee = node(Call.Callee); Callee && Callee != &N)
      Out |= Callee->Joins;
  }
  return Out;
}

llvm::BitVector ProgramGraph::runningAtPlace(const Node &N, unsigned Order,
                                             unsigned Loop,
                                             const CallFact *Self) const {
  llvm::BitVector Out = startedBefore(N, Order, Loop, Self);
  Out |= N.Running;
  Out.reset(joinedBefore(N, Order, Self));
  return Out;
}

} // namespace loadcheck::model
