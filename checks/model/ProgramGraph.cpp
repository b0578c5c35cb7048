//===--- ProgramGraph.cpp - merging TUs and the program fixpoints ---------===//
#include "checks/model/ProgramGraph.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include <climits>
#include <deque>
#include <set>

namespace loadcheck::model {

/// The path notes of a reason stay short: the root and a few calls.
static constexpr size_t MaxPathCalls = 4;

static void addLock(std::vector<LockRef> &Into, const LockRef &L) {
  if (!llvm::is_contained(Into, L))
    Into.push_back(L);
}

static bool holds(const std::vector<LockRef> &Held, const LockRef &L) {
  return llvm::is_contained(Held, L);
}

// ---- merging ---------------------------------------------------------------

void ProgramGraph::add(const TUFacts &TU) {
  std::vector<unsigned> Remap;
  for (const std::string &File : TU.Files) {
    auto [It, Inserted] = FileIndex.try_emplace(File, Files.size());
    if (Inserted)
      Files.push_back(File);
    Remap.push_back(It->second);
  }
  auto Fix = [&](FactPos &P) {
    if (P.File < Remap.size())
      P.File = Remap[P.File];
  };
  ++Statistics.TranslationUnits;
  for (FunctionFacts F : TU.Functions) {
    // An inline function compiled in several TUs is one function. A
    // template's facts from a TU that instantiates it hold the calls its
    // pattern leaves dependent (`request->process()` in a thread pool's
    // `run()`): of its TUs, the one with the most calls wins.
    auto Known = NodeIndex.find(F.Id);
    if (Known != NodeIndex.end() &&
        F.Calls.size() <= Nodes[Known->second].Facts.Calls.size())
      continue;
    Fix(F.At);
    for (CallFact &C : F.Calls)
      Fix(C.At);
    for (AccessFact &A : F.Accesses)
      Fix(A.At);
    for (ExitFact &E : F.Exits)
      Fix(E.At);
    for (auto *Sites : {&F.Blocking, &F.ClientCreations, &F.ThreadStarts,
                        &F.Waits, &F.Wakes, &F.Throws, &F.ThreadJoins})
      for (SiteFact &S : *Sites)
        Fix(S.At);
    for (JoinFact &J : F.Joins)
      Fix(J.At);
    for (AcquisitionFact &A : F.Acquisitions)
      Fix(A.At);
    for (ThreadMemberFact &T : F.ThreadMembers)
      Fix(T.At);
    if (Known != NodeIndex.end()) {
      FunctionFacts &Kept = Nodes[Known->second].Facts;
      Statistics.Calls += F.Calls.size() - Kept.Calls.size();
      Kept = std::move(F);
      continue;
    }
    Statistics.Functions++;
    Statistics.Calls += F.Calls.size();
    NodeIndex[F.Id] = Nodes.size();
    Node N;
    N.Facts = std::move(F);
    Nodes.push_back(std::move(N));
  }
  for (RootFact R : TU.Roots) {
    Fix(R.At);
    Roots.push_back(std::move(R));
  }
  for (CandidateFact C : TU.Candidates) {
    Fix(C.At);
    auto Key = std::make_tuple(C.Check, C.At.File, C.At.Offset);
    if (CandidateIndex.count(Key))
      continue;
    CandidateIndex[Key] = Candidates.size();
    Candidates.push_back(std::move(C));
    Statistics.Candidates++;
  }
  for (const auto &[Id, Home] : TU.Homes)
    if (!Home.empty()) // unknown in a TU that only declares it
      HomeOf.try_emplace(Id, Home);
}

const ProgramGraph::Node *ProgramGraph::node(llvm::StringRef Id) const {
  auto It = NodeIndex.find(Id);
  return It == NodeIndex.end() ? nullptr : &Nodes[It->second];
}

const FunctionFacts *ProgramGraph::function(llvm::StringRef Id) const {
  const Node *N = node(Id);
  return N ? &N->Facts : nullptr;
}

// ---- fixpoints -------------------------------------------------------------

void ProgramGraph::resolveProgramCallbacks() {
  // The program's calls through a function pointer: by signature, and by
  // the field of its own record they call through.
  using Sites = std::vector<std::pair<unsigned, unsigned>>;
  llvm::StringMap<Sites> PointerCalls, FieldCalls;
  for (unsigned I = 0; I < Nodes.size(); ++I) {
    Nodes[I].DirectCalls = Nodes[I].Facts.Calls.size();
    for (unsigned C = 0; C < Nodes[I].Facts.Calls.size(); ++C) {
      const CallFact &Call = Nodes[I].Facts.Calls[C];
      if (llvm::StringRef(Call.Callee).starts_with("(*)"))
        PointerCalls[Call.Callee].push_back({I, C});
      if (!Call.Field.empty())
        FieldCalls[Call.Field].push_back({I, C});
    }
  }
  // Where each callback handed only to the program is called: by the
  // signature of a registry of its own (`restart_register(..., save_cb)`),
  // by the field it is stored into. Handed once to a library, or stored in
  // a field the program never calls through, it stays a root.
  llvm::StringMap<std::vector<const Sites *>> CalledAt;
  llvm::StringSet<> HandedElsewhere;
  for (const RootFact &R : Roots) {
    if (R.Kind != RootKind::Callback)
      continue;
    if (auto Field = FieldCalls.find(R.Field); Field != FieldCalls.end()) {
      CalledAt[R.Function].push_back(&Field->second);
    } else if (!R.Into.empty() && !R.Signature.empty() &&
               NodeIndex.count(R.Into)) {
      if (auto Pointer = PointerCalls.find(R.Signature);
          Pointer != PointerCalls.end())
        CalledAt[R.Function].push_back(&Pointer->second);
    } else {
      HandedElsewhere.insert(R.Function);
    }
  }
  std::vector<std::pair<unsigned, CallFact>> Resolved;
  llvm::StringSet<> CalledBack;
  for (const auto &[Function, Lists] : CalledAt) {
    const Node *Callback = node(Function);
    if (HandedElsewhere.contains(Function) || !Callback)
      continue;
    std::set<std::pair<unsigned, unsigned>> Seen;
    for (const Sites *List : Lists)
      for (auto [Caller, Call] : *List) {
        if (!Seen.insert({Caller, Call}).second)
          continue;
        CallFact Through = Nodes[Caller].Facts.Calls[Call];
        Through.Callee = Function.str();
        Through.CalleeName = Callback->Facts.Name;
        Resolved.push_back({Caller, std::move(Through)});
      }
    CalledBack.insert(Function);
  }
  // Resolved calls follow the direct ones (Node::DirectCalls).
  for (auto &[Caller, Call] : Resolved)
    Nodes[Caller].Facts.Calls.push_back(std::move(Call));
  llvm::erase_if(Roots, [&](const RootFact &R) {
    return R.Kind == RootKind::Callback && CalledBack.contains(R.Function);
  });
}

void ProgramGraph::link() {
  collectLoggingSinks();
  resolveProgramCallbacks();
  for (unsigned I = 0; I < Nodes.size(); ++I)
    for (unsigned C = 0; C < Nodes[I].Facts.Calls.size(); ++C)
      if (auto It = NodeIndex.find(Nodes[I].Facts.Calls[C].Callee);
          It != NodeIndex.end())
        Nodes[It->second].Callers.push_back({I, C});
  computeThreadFunctions();
  computeProgramEntries();
  computeMayStartThreads();
  computeWaits();
  computeJoins();
  computeWrappers();
  computeStartup();
  computeConcurrent();
  computeThreadsReaching();
  computeThreadsRunning();
  computeLocksTaken();
  computeEntryLocks();
  computeGuards();
  computeProgramThreads();
  computeMayBlock();
  computeLockOrder();
  computePerRequest();
  computeMayThrow();
  computeLoggingPath();
}

/// How many levels of callers startedOnce() follows up to `main`.
static constexpr unsigned MaxOnceDepth = 8;

bool ProgramGraph::startedOnce(unsigned Function, unsigned Loop) const {
  for (unsigned Depth = 0; Depth < MaxOnceDepth; ++Depth) {
    const Node &N = Nodes[Function];
    if (Loop)
      return false;
    if (N.Facts.IsMain)
      return true;
    if (N.Callers.size() != 1)
      return false;
    auto [Caller, Call] = N.Callers.front();
    Loop = Nodes[Caller].Facts.Calls[Call].Loop;
    Function = Caller;
  }
  return false;
}

void ProgramGraph::computeThreadFunctions() {
  // Start sites by place: (node, site).
  std::map<std::pair<unsigned, unsigned>, std::pair<unsigned, const SiteFact *>>
      Sites;
  for (unsigned I = 0; I < Nodes.size(); ++I)
    for (const SiteFact &S : Nodes[I].Facts.ThreadStarts)
      Sites[{S.At.File, S.At.Offset}] = {I, &S};
  for (const RootFact &R : Roots) {
    if (R.Kind != RootKind::ThreadEntry || !NodeIndex.count(R.Function))
      continue;
    auto [It, New] = ThreadIndex.try_emplace(R.Function, Threads.size());
    if (New)
      Threads.push_back({R.Function, &R, 0, false});
    ThreadFunction &T = Threads[It->second];
    if (++T.Starts == 1)
      T.Handle = R.Handle;
    else if (T.Handle != R.Handle)
      T.Handle.clear();
    auto Site = Sites.find({R.At.File, R.At.Offset});
    if (Site == Sites.end() ||
        !startedOnce(Site->second.first, Site->second.second->Loop))
      T.StartedInLoop = true;
    StartedAt[{R.At.File, R.At.Offset}].push_back(It->second);
  }
  for (Node &N : Nodes) {
    N.Starts.resize(Threads.size());
    N.Reached.resize(Threads.size());
    N.Running.resize(Threads.size());
  }
}

void ProgramGraph::computeMayStartThreads() {
  for (Node &N : Nodes) {
    N.MayStartThreads = !N.Facts.ThreadStarts.empty();
    for (const SiteFact &S : N.Facts.ThreadStarts)
      if (auto It = StartedAt.find({S.At.File, S.At.Offset});
          It != StartedAt.end())
        for (unsigned T : It->second)
          N.Starts.set(T);
  }
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (Node &N : Nodes)
      for (const CallFact &C : N.Facts.Calls) {
        const Node *Callee = node(C.Callee);
        if (!Callee || Callee == &N)
          continue;
        if (Callee->MayStartThreads && !N.MayStartThreads)
          N.MayStartThreads = Changed = true;
        if (Callee->Starts.test(N.Starts)) {
          N.Starts |= Callee->Starts;
          Changed = true;
        }
      }
  }
}

/// Two places of one function where the second may run after the first:
/// later in source order, or in the same loop (the next iteration).
static bool mayFollow(unsigned EarlierOrder, unsigned EarlierLoop,
                      unsigned Order, unsigned Loop) {
  return EarlierOrder < Order || (Loop && EarlierLoop == Loop);
}

std::optional<FactPos> ProgramGraph::servingLoopStart(const Node &N,
                                                      const CallFact &C) const {
  if (!C.Loop)
    return std::nullopt;
  for (const SiteFact &S : N.Facts.ThreadStarts)
    if (S.Loop == C.Loop)
      return S.At;
  // Another call of the loop starts them (the call of the loop itself is
  // the pool being created, not work done while threads run).
  for (const CallFact &Other : N.Facts.Calls)
    if (&Other != &C && Other.Loop == C.Loop)
      if (const Node *Callee = node(Other.Callee);
          Callee && Callee->MayStartThreads)
        return Other.At;
  return std::nullopt;
}

llvm::BitVector ProgramGraph::startedBefore(const Node &N, unsigned Order,
                                            unsigned Loop,
                                            const CallFact *Self) const {
  llvm::BitVector Out(Threads.size());
  for (const SiteFact &S : N.Facts.ThreadStarts)
    if (mayFollow(S.Order, S.Loop, Order, Loop))
      if (auto It = StartedAt.find({S.At.File, S.At.Offset});
          It != StartedAt.end())
        for (unsigned T : It->second)
          Out.set(T);
  for (const CallFact &Other : N.Facts.Calls)
    if (&Other != Self && mayFollow(Other.Order, Other.Loop, Order, Loop))
      if (const Node *Callee = node(Other.Callee))
        Out |= Callee->Starts;
  return Out;
}

llvm::BitVector ProgramGraph::runningAt(const Node &N,
                                        const AccessFact &A) const {
  llvm::BitVector Out = runningAtPlace(N, A.Order, 0, nullptr);
  // A thread still waiting for the work nobody has given it yet cannot
  // touch the variable now (the hand-off, waitingForWork).
  Out.reset(waitingForWork(N, A, Out));
  return Out;
}

// ---- waits for work and the hand-off ----------------------------------------

void ProgramGraph::computeWaits() {
  for (Node &N : Nodes) {
    N.MayWait = !N.Facts.Waits.empty();
    N.MayWake = !N.Facts.Wakes.empty();
    N.Woken.resize(Threads.size());
  }
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (Node &N : Nodes)
      for (const CallFact &C : N.Facts.Calls)
        if (const Node *Callee = node(C.Callee)) {
          if (Callee->MayWait && !N.MayWait)
            N.MayWait = Changed = true;
          if (Callee->MayWake && !N.MayWake)
            N.MayWake = Changed = true;
        }
  }
  // Per thread: whether its code may wake a waiter, and, for a thread that
  // waits at all, the variables its code touches before its first wait (its
  // entry down through the calls made before a wait).
  ThreadsThatWake.resize(Threads.size());
  TouchedBeforeWaiting.assign(Threads.size(), {});
  for (unsigned T = 0; T < Threads.size(); ++T) {
    unsigned Entry = NodeIndex.lookup(Threads[T].Function);
    if (Nodes[Entry].MayWake)
      ThreadsThatWake.set(T);
    if (!Nodes[Entry].MayWait)
      continue;
    llvm::StringSet<> &Touched = TouchedBeforeWaiting[T];
    std::vector<bool> Seen(Nodes.size(), false);
    std::deque<unsigned> Work{Entry};
    Seen[Entry] = true;
    while (!Work.empty()) {
      const Node &N = Nodes[Work.front()];
      Work.pop_front();
      for (const AccessFact &A : N.Facts.Accesses)
        if (!waitedBefore(N, A.Order))
          Touched.insert(A.Var);
      for (const CallFact &C : N.Facts.Calls)
        if (auto It = NodeIndex.find(C.Callee); It != NodeIndex.end() &&
                                                !Seen[It->second] &&
                                                !waitedBefore(N, C.Order)) {
          Seen[It->second] = true;
          Work.push_back(It->second);
        }
    }
  }
}

bool ProgramGraph::waitedBefore(const Node &N, unsigned Order) const {
  if (llvm::any_of(N.Facts.Waits,
                   [&](const SiteFact &W) { return W.Order < Order; }))
    return true;
  return llvm::any_of(N.Facts.Calls, [&](const CallFact &C) {
    const Node *Callee = node(C.Callee);
    return C.Order < Order && Callee && Callee->MayWait;
  });
}

bool ProgramGraph::wokeBefore(const Node &N, unsigned Order, unsigned Loop,
                              const CallFact *Self) const {
  if (llvm::any_of(N.Facts.Wakes, [&](const SiteFact &W) {
        return mayFollow(W.Order, W.Loop, Order, Loop);
      }))
    return true;
  return llvm::any_of(N.Facts.Calls, [&](const CallFact &C) {
    const Node *Callee = node(C.Callee);
    return &C != Self && Callee && Callee->MayWake &&
           mayFollow(C.Order, C.Loop, Order, Loop);
  });
}

llvm::BitVector ProgramGraph::wokenAt(const Node &N, unsigned Order,
                                      unsigned Loop, const CallFact *Self,
                                      const llvm::BitVector &Running) const {
  llvm::BitVector Out = N.Woken;
  // A wake before this place, on the way from main or in N (work may be
  // queued even before a thread starts: it finds it without waiting), or a
  // running thread that may wake: every running thread may be at work.
  if (N.AfterWake || wokeBefore(N, Order, Loop, Self) ||
      ThreadsThatWake.anyCommon(Running))
    Out |= Running;
  return Out;
}

llvm::BitVector
ProgramGraph::waitingForWork(const Node &N, const AccessFact &A,
                             const llvm::BitVector &Running) const {
  llvm::BitVector Out(Threads.size());
  // main's code only: code on threads runs beside whoever may give work.
  if (runsOnThreads(N) || Running.none())
    return Out;
  llvm::BitVector Woken = wokenAt(N, A.Order, A.Loop, nullptr, Running);
  for (unsigned T : Running.set_bits())
    if (!Woken.test(T) &&
        Nodes[NodeIndex.lookup(Threads[T].Function)].MayWait &&
        !TouchedBeforeWaiting[T].contains(A.Var))
      Out.set(T);
  return Out;
}

void ProgramGraph::computeThreadsReaching() {
  std::deque<unsigned> Work;
  for (const ThreadFunction &T : Threads) {
    unsigned I = NodeIndex.lookup(T.Function);
    Nodes[I].Reached.set(ThreadIndex.lookup(T.Function));
    Work.push_back(I);
  }
  // An override of a virtual a thread entry calls runs on that thread (j).
  for (const auto &[I, Link] : EntryOf)
    if (Link.Virtual && !Nodes[I].Reached.test(Link.Thread)) {
      Nodes[I].Reached.set(Link.Thread);
      Work.push_back(I);
    }
  auto Propagate = [&](auto Each) {
    while (!Work.empty()) {
      unsigned I = Work.front();
      Work.pop_front();
      for (const CallFact &C : Nodes[I].Facts.Calls)
        if (auto It = NodeIndex.find(C.Callee); It != NodeIndex.end())
          if (Each(Nodes[I], Nodes[It->second]))
            Work.push_back(It->second);
    }
  };
  Propagate([](const Node &From, Node &To) {
    if (!From.Reached.test(To.Reached))
      return false;
    To.Reached |= From.Reached;
    return true;
  });
  // Handlers, callbacks and functions nobody calls may run on any thread.
  for (const RootFact &R : Roots)
    if (auto It = NodeIndex.find(R.Function);
        R.Kind != RootKind::ThreadEntry && It != NodeIndex.end())
      Work.push_back(It->second);
  // A thread entry has no caller but runs on its own threads only.
  for (unsigned I = 0; I < Nodes.size(); ++I)
    if (Nodes[I].Callers.empty() && !Nodes[I].Facts.IsMain &&
        !ThreadIndex.count(Nodes[I].Facts.Id) && !EntryOf.count(I))
      Work.push_back(I);
  for (unsigned I : Work)
    Nodes[I].OnAnyThread = true;
  Propagate([](const Node &, Node &To) {
    if (To.OnAnyThread)
      return false;
    To.OnAnyThread = true;
    return true;
  });
}

void ProgramGraph::computeThreadsRunning() {
  std::deque<unsigned> Work;
  std::vector<bool> FromMain(Nodes.size(), false);
  for (unsigned I = 0; I < Nodes.size(); ++I)
    if (Nodes[I].Facts.IsMain) {
      FromMain[I] = true;
      Work.push_back(I);
    }
  while (!Work.empty()) {
    unsigned I = Work.front();
    Work.pop_front();
    for (const CallFact &C : Nodes[I].Facts.Calls) {
      auto It = NodeIndex.find(C.Callee);
      if (It == NodeIndex.end())
        continue;
      Node &Callee = Nodes[It->second];
      llvm::BitVector Running = runningAtPlace(Nodes[I], C.Order, C.Loop, &C);
      llvm::BitVector Woken = wokenAt(Nodes[I], C.Order, C.Loop, &C, Running);
      bool AfterWake =
          Nodes[I].AfterWake || wokeBefore(Nodes[I], C.Order, C.Loop, &C);
      if (FromMain[It->second] && !Running.test(Callee.Running) &&
          !Woken.test(Callee.Woken) && (!AfterWake || Callee.AfterWake))
        continue;
      FromMain[It->second] = true;
      Callee.Running |= Running;
      Callee.Woken |= Woken;
      Callee.AfterWake |= AfterWake;
      Work.push_back(It->second);
    }
  }
}

void ProgramGraph::computeWrappers() {
  for (Node &N : Nodes) {
    std::vector<const CallFact *> Calls;
    for (const CallFact &C : N.Facts.Calls)
      if (const Node *Callee = node(C.Callee);
          Callee && Callee != &N &&
          (!Callee->Facts.Acquires.empty() || !Callee->Facts.Releases.empty()))
        Calls.push_back(&C);
    llvm::sort(Calls, [](const CallFact *A, const CallFact *B) {
      return A->Order < B->Order;
    });
    std::vector<LockRef> Held;
    for (const CallFact *C : Calls) {
      const FunctionFacts &Callee = node(C->Callee)->Facts;
      for (const LockRef &L : Callee.Acquires)
        addLock(Held, L);
      for (const LockRef &L : Callee.Releases)
        llvm::erase(Held, L);
      N.WrapperHeld.push_back({C->Order, Held});
    }
  }
}

void ProgramGraph::computeStartup() {
  std::deque<unsigned> Work;
  for (unsigned I = 0; I < Nodes.size(); ++I)
    if (Nodes[I].Facts.IsMain) {
      Nodes[I].Startup = true;
      Work.push_back(I);
    }
  while (!Work.empty()) {
    const Node &N = Nodes[Work.front()];
    Work.pop_front();
    for (const CallFact &C : N.Facts.Calls) {
      auto It = NodeIndex.find(C.Callee);
      if (It == NodeIndex.end() || Nodes[It->second].Startup ||
          servingLoopStart(N, C))
        continue;
      Nodes[It->second].Startup = true;
      Work.push_back(It->second);
    }
  }
}

void ProgramGraph::computeConcurrent() {
  std::deque<unsigned> Work;
  auto Seed = [&](unsigned I, ConcurrencyReason Reason) {
    if (Nodes[I].Concurrent)
      return;
    Nodes[I].Concurrent = true;
    Nodes[I].Reason = std::move(Reason);
    Work.push_back(I);
  };
  auto Drain = [&] {
    while (!Work.empty()) {
      unsigned I = Work.front();
      Work.pop_front();
      for (const CallFact &C : Nodes[I].Facts.Calls) {
        auto It = NodeIndex.find(C.Callee);
        if (It == NodeIndex.end() || Nodes[It->second].Concurrent)
          continue;
        ConcurrencyReason Reason = Nodes[I].Reason;
        if (Reason.Path.size() < MaxPathCalls)
          Reason.Path.push_back({Nodes[I].Facts.Id, &C});
        Seed(It->second, std::move(Reason));
      }
    }
  };
  // The strongest explanation first: thread entries, handlers, callbacks,
  // then calls made after a thread may have started, then functions nobody
  // calls.
  for (RootKind Kind :
       {RootKind::ThreadEntry, RootKind::Handler, RootKind::Callback}) {
    for (const RootFact &R : Roots)
      if (auto It = NodeIndex.find(R.Function);
          R.Kind == Kind && It != NodeIndex.end())
        Seed(It->second,
             {ConcurrencyReason::Kind::Root, &R, R.Function, {}, {}});
    Drain();
  }
  for (unsigned I = 0; I < Nodes.size(); ++I) {
    if (!Nodes[I].Startup)
      continue;
    for (const CallFact &C : Nodes[I].Facts.Calls)
      if (auto It = NodeIndex.find(C.Callee); It != NodeIndex.end())
        if (std::optional<FactPos> Start = servingLoopStart(Nodes[I], C))
          Seed(It->second, {ConcurrencyReason::Kind::ServingLoop,
                            nullptr,
                            Nodes[I].Facts.Id,
                            {{Nodes[I].Facts.Id, &C}},
                            *Start});
  }
  Drain();
  for (unsigned I = 0; I < Nodes.size(); ++I)
    if (Nodes[I].Callers.empty() && !Nodes[I].Facts.IsMain)
      Seed(I, {ConcurrencyReason::Kind::NoCaller,
               nullptr,
               Nodes[I].Facts.Id,
               {},
               {}});
  Drain();
}

std::optional<std::vector<LockRef>>
ProgramGraph::heldAtDirectCalls(const Node &N) const {
  // Calls from threaded code hold their locks or clear them. A call of
  // main's code clears only the locks that the threads already running
  // there take (before any thread exists, it clears none): a thread that
  // never takes the lock does not contend for what it guards.
  std::optional<std::vector<LockRef>> Meet;
  std::vector<std::pair<std::vector<LockRef>, llvm::BitVector>> FromMain;
  for (auto [CallerIndex, CallIndex] : N.Callers) {
    const Node &Caller = Nodes[CallerIndex];
    if (!Caller.Entry || CallIndex >= Caller.DirectCalls)
      continue;
    const CallFact &C = Caller.Facts.Calls[CallIndex];
    std::vector<LockRef> AtCall = effectiveHeld(Caller.Facts, C.Held, C.Order);
    if (!runsOnThreads(Caller)) {
      llvm::BitVector Running = startedBefore(Caller, C.Order, C.Loop, &C);
      Running |= Caller.Running;
      if (Running.any())
        FromMain.push_back({std::move(AtCall), std::move(Running)});
      continue;
    }
    if (!Meet) {
      Meet = AtCall;
      continue;
    }
    llvm::erase_if(*Meet, [&](const LockRef &L) { return !holds(AtCall, L); });
  }
  for (const auto &Call : FromMain) {
    if (!Meet) {
      // Called only from main's code: what every such call holds.
      Meet = Call.first;
      for (const auto &Other : FromMain)
        llvm::erase_if(
            *Meet, [&](const LockRef &L) { return !holds(Other.first, L); });
      break;
    }
    llvm::erase_if(*Meet, [&](const LockRef &L) {
      return !holds(Call.first, L) && takenByAny(Call.second, L);
    });
  }
  return Meet;
}

std::optional<std::vector<LockRef>>
ProgramGraph::heldAtPointerCalls(const Node &N) const {
  // "May be held" grows from nothing (a least fixpoint inside the greatest
  // one): a caller not known yet adds nothing for now, so that pointer calls
  // in a cycle (a protocol handler that calls the handler pointer again)
  // do not keep every lock.
  std::optional<std::vector<LockRef>> Any;
  for (auto [CallerIndex, CallIndex] : N.Callers) {
    const Node &Caller = Nodes[CallerIndex];
    if (!Caller.Entry)
      continue;
    if (!Any)
      Any.emplace();
    const CallFact &C = Caller.Facts.Calls[CallIndex];
    for (const LockRef &L : effectiveHeld(Caller.Facts, C.Held, C.Order))
      addLock(*Any, L);
    for (const LockRef &L : C.MaybeHeld)
      addLock(*Any, L);
  }
  return Any;
}

/// At most this many passes of the entry-lock fixpoint (real programs
/// settle in a handful).
static constexpr unsigned MaxEntryPasses = 256;

void ProgramGraph::computeEntryLocks() {
  llvm::StringSet<> RootIds;
  for (const RootFact &R : Roots)
    RootIds.insert(R.Function);
  for (Node &N : Nodes)
    if (N.Facts.IsMain || N.Callers.empty() || RootIds.contains(N.Facts.Id))
      N.Entry = std::vector<LockRef>{};
  // Greatest fixpoint: unknown (nullopt) means "every lock" until a caller
  // shows otherwise. A call through a pointer resolved by the link goes to
  // every function registered or stored for it, though the program's values
  // pick one (the crawler calls its expiry module with the LRU lock held
  // and its dump modules without): such a call removes no lock. A function
  // called directly anywhere has what every direct call holds; one reached
  // only through pointers has every lock held, or maybe held, at some of
  // those calls (none when no such call holds any).
  // The "may" part grows while the "must" part shrinks: the passes are
  // bounded so that no shape of calls can make them alternate for ever.
  bool Changed = true;
  for (unsigned Pass = 0; Changed && Pass < MaxEntryPasses; ++Pass) {
    Changed = false;
    for (Node &N : Nodes) {
      if (N.Callers.empty() || N.Facts.IsMain || RootIds.contains(N.Facts.Id))
        continue;
      bool CalledDirectly = llvm::any_of(N.Callers, [&](const auto &Call) {
        return Call.second < Nodes[Call.first].DirectCalls;
      });
      std::optional<std::vector<LockRef>> Meet =
          CalledDirectly ? heldAtDirectCalls(N) : heldAtPointerCalls(N);
      if (!Meet)
        continue;
      if (!N.Entry || N.Entry->size() != Meet->size() ||
          llvm::any_of(*Meet,
                       [&](const LockRef &L) { return !holds(*N.Entry, L); })) {
        N.Entry = std::move(Meet);
        Changed = true;
      }
    }
  }
  for (Node &N : Nodes) {
    if (!N.Entry)
      N.Entry = std::vector<LockRef>{}; // only callers in an unreached cycle
    for (const LockRef &L : N.Facts.RequiresHeld)
      addLock(*N.Entry, L);
  }
}

std::vector<LockRef>
ProgramGraph::effectiveHeld(const FunctionFacts &Function,
                            const std::vector<LockRef> &Held,
                            unsigned Order) const {
  std::vector<LockRef> Out = Held;
  const Node *N = node(Function.Id);
  if (!N)
    return Out;
  if (N->Entry)
    for (const LockRef &L : *N->Entry)
      addLock(Out, L);
  const std::vector<LockRef> *Wrapped = nullptr;
  for (const auto &[CallOrder, Locks] : N->WrapperHeld)
    if (CallOrder < Order)
      Wrapped = &Locks;
  if (Wrapped)
    for (const LockRef &L : *Wrapped)
      addLock(Out, L);
  return Out;
}

/// Maximum distance in lines between a global and a global mutex declared
/// for it (`static pthread_mutex_t stats_mu; static long stats_hits;`).
static constexpr unsigned SiblingLines = 5;

/// Homes are a record id (fields: same record) or "file\nline" (globals:
/// same file, a few lines apart).
static bool siblingHomes(llvm::StringRef A, llvm::StringRef B) {
  if (A.empty() || B.empty())
    return false;
  auto [FileA, LineA] = A.split('\n');
  auto [FileB, LineB] = B.split('\n');
  if (LineA.empty() || LineB.empty())
    return A == B;
  unsigned NA = 0, NB = 0;
  if (FileA != FileB || LineA.getAsInteger(10, NA) ||
      LineB.getAsInteger(10, NB))
    return false;
  return (NA > NB ? NA - NB : NB - NA) <= SiblingLines;
}

void ProgramGraph::computeGuards() {
  struct Count {
    GuardingLock Guard;
    unsigned FirstSeen = 0;
  };
  llvm::StringMap<llvm::StringMap<Count>> PerVar;
  llvm::StringMap<unsigned> AccessCount;
  unsigned Seen = 0;
  for (unsigned I = 0; I < Nodes.size(); ++I) {
    const Node &N = Nodes[I];
    for (const AccessFact &A : N.Facts.Accesses)
      AccessesOf[A.Var].push_back({I, &A});
    bool WithThreads = runsWithThreads(N);
    for (const AccessFact &A : N.Facts.Accesses) {
      if (!WithThreads && (!N.MayStartThreads || runningAt(N, A).none()))
        continue;
      ++AccessCount[A.Var];
      for (const LockRef &L : effectiveHeld(N.Facts, A.Held, A.Order)) {
        auto [It, New] = PerVar[A.Var].try_emplace(L.Id);
        Count &C = It->second;
        if (New) {
          C.Guard.Lock = L;
          C.Guard.Example = &A;
          C.Guard.ExampleFunction = N.Facts.Id;
          C.FirstSeen = Seen++;
        }
        ++C.Guard.Held;
      }
    }
  }
  for (auto &[Var, Locks] : PerVar) {
    const Count *Best = nullptr;
    for (const auto &Entry : Locks) {
      const Count &C = Entry.second;
      if (!Best || C.Guard.Held > Best->Guard.Held ||
          (C.Guard.Held == Best->Guard.Held && C.FirstSeen < Best->FirstSeen))
        Best = &C;
    }
    GuardingLock G = Best->Guard;
    G.Accesses = AccessCount[Var];
    auto VarHome = HomeOf.find(Var);
    auto LockHome = HomeOf.find(G.Lock.Id);
    G.Sibling = VarHome != HomeOf.end() && LockHome != HomeOf.end() &&
                siblingHomes(VarHome->second, LockHome->second);
    Guards[Var] = std::move(G);
  }
}

// ---- queries ---------------------------------------------------------------

bool ProgramGraph::runsWithThreads(const Node &N) const {
  return runsOnThreads(N) || N.Running.any();
}

bool ProgramGraph::runsOnThreads(const Node &N) const {
  return N.Concurrent || N.OnAnyThread || N.Reached.any();
}

void ProgramGraph::computeLocksTaken() {
  LocksTaken.assign(Threads.size(), {});
  for (const Node &N : Nodes) {
    if (N.Reached.none())
      continue;
    llvm::StringSet<> Own;
    auto Add = [&](const std::vector<LockRef> &Locks) {
      for (const LockRef &L : Locks)
        Own.insert(L.Id);
    };
    for (const CallFact &C : N.Facts.Calls)
      Add(C.Held);
    for (const AccessFact &A : N.Facts.Accesses)
      Add(A.Held);
    for (const auto *Sites :
         {&N.Facts.Blocking, &N.Facts.ClientCreations, &N.Facts.ThreadStarts})
      for (const SiteFact &S : *Sites)
        Add(S.Held);
    Add(N.Facts.Acquires);
    Add(N.Facts.RequiresHeld);
    for (unsigned T : N.Reached.set_bits())
      for (const auto &L : Own)
        LocksTaken[T].insert(L.getKey());
  }
}

bool ProgramGraph::takenByAny(const llvm::BitVector &Threads,
                              const LockRef &L) const {
  for (unsigned T : Threads.set_bits())
    if (LocksTaken[T].contains(L.Id))
      return true;
  return false;
}

void ProgramGraph::computeProgramThreads() {
  // The overrides of each virtual method of the program.
  llvm::StringMap<std::vector<unsigned>> OverridersOf;
  for (unsigned I = 0; I < Nodes.size(); ++I)
    for (const std::string &Base : Nodes[I].Facts.Overrides)
      OverridersOf[Base].push_back(I);
  std::deque<unsigned> Work;
  for (unsigned I = 0; I < Nodes.size(); ++I) {
    Node &N = Nodes[I];
    if (N.Reached.any() ||
        (N.Concurrent && N.Reason.What != ConcurrencyReason::Kind::NoCaller)) {
      N.OnProgramThreads = true;
      Work.push_back(I);
    }
  }
  auto Reach = [&](unsigned I) {
    if (!Nodes[I].OnProgramThreads) {
      Nodes[I].OnProgramThreads = true;
      Work.push_back(I);
    }
  };
  while (!Work.empty()) {
    unsigned I = Work.front();
    Work.pop_front();
    for (const CallFact &C : Nodes[I].Facts.Calls) {
      if (auto It = NodeIndex.find(C.Callee); It != NodeIndex.end())
        Reach(It->second);
      if (auto It = OverridersOf.find(C.Callee); It != OverridersOf.end())
        for (unsigned Override : It->second)
          Reach(Override);
    }
  }
}

bool ProgramGraph::runsOnProgramThreads(const Node &N) const {
  return N.OnProgramThreads;
}

bool ProgramGraph::isFixtureInitialisation(const Node &Writer,
                                           const AccessFact &Write,
                                           llvm::StringRef Var) const {
  auto Home = HomeOf.find(Var);
  if (Home == HomeOf.end() ||
      !llvm::is_contained(Writer.Facts.FixtureRecords, Home->second))
    return false;
  // Any call of the program may register a callback or start a thread (the
  // fixture's own `start_server()`): only what comes before is set-up.
  auto Before = [&](unsigned Order) { return Order < Write.Order; };
  return llvm::none_of(Writer.Facts.Calls,
                       [&](const CallFact &C) { return Before(C.Order); }) &&
         llvm::none_of(Writer.Facts.ThreadStarts,
                       [&](const SiteFact &S) { return Before(S.Order); });
}

bool ProgramGraph::isConfigurationWrite(const Node &Writer,
                                        const llvm::BitVector &Running,
                                        llvm::StringRef Var) const {
  if (runsOnProgramThreads(Writer) || Running.any())
    return false;
  auto Accesses = AccessesOf.find(Var);
  if (Accesses == AccessesOf.end())
    return false;
  bool ReadOnThreads = false;
  for (const auto &[Index, A] : Accesses->second) {
    if (!runsOnProgramThreads(Nodes[Index]))
      continue;
    if (A->Write)
      return false;
    ReadOnThreads = true;
  }
  return ReadOnThreads;
}

bool ProgramGraph::mayRunTogether(const Node &A, const llvm::BitVector &RunA,
                                  const Node &B,
                                  const llvm::BitVector &RunB) const {
  bool ThreadA = A.OnAnyThread || A.Reached.any();
  bool ThreadB = B.OnAnyThread || B.Reached.any();
  if (ThreadA && ThreadB) {
    // Both only on one thread started once: one after the other.
    bool OneThread = !A.OnAnyThread && !B.OnAnyThread &&
                     A.Reached == B.Reached && A.Reached.count() == 1 &&
                     Threads[A.Reached.find_first()].once();
    if (!OneThread)
      return true;
  }
  // One in main's code while a thread reaching the other runs. A callback
  // is not taken to run on a thread started before main's code: it runs
  // where it is registered to, which the model does not know.
  return A.Reached.anyCommon(RunB) || B.Reached.anyCommon(RunA);
}

bool ProgramGraph::mayRunTogether(llvm::StringRef A, llvm::StringRef B) const {
  const Node *NA = node(A), *NB = node(B);
  return NA && NB && mayRunTogether(*NA, NA->Running, *NB, NB->Running);
}

std::vector<std::string>
ProgramGraph::threadsRunningAt(llvm::StringRef Id) const {
  std::vector<std::string> Out;
  if (const Node *N = node(Id))
    for (unsigned T : N->Running.set_bits())
      Out.push_back(Threads[T].Function);
  return Out;
}

bool ProgramGraph::isConcurrent(llvm::StringRef Id) const {
  const Node *N = node(Id);
  return N && N->Concurrent;
}

bool ProgramGraph::isStartupOnly(llvm::StringRef Id) const {
  const Node *N = node(Id);
  return N && N->Startup && !N->Concurrent;
}

std::optional<ConcurrencyReason>
ProgramGraph::whyConcurrent(llvm::StringRef Id) const {
  const Node *N = node(Id);
  if (!N || !N->Concurrent)
    return std::nullopt;
  return N->Reason;
}

std::vector<LockRef> ProgramGraph::locksOnEntry(llvm::StringRef Id) const {
  const Node *N = node(Id);
  return N && N->Entry ? *N->Entry : std::vector<LockRef>{};
}

std::optional<GuardingLock> ProgramGraph::guardOf(llvm::StringRef Var) const {
  auto It = Guards.find(Var);
  if (It == Guards.end())
    return std::nullopt;
  return It->second;
}

const CandidateFact *ProgramGraph::candidate(const CandidateKey &Key) const {
  auto File = FileIndex.find(Key.File);
  if (File == FileIndex.end())
    return nullptr;
  auto It = CandidateIndex.find({Key.Check, File->second, Key.Offset});
  return It == CandidateIndex.end() ? nullptr : &Candidates[It->second];
}

// ---- verdicts --------------------------------------------------------------

std::optional<LinkVerdict>
ProgramGraph::judge(const CandidateFact &Candidate) const {
  if (Candidate.Check == UnguardedSharedStateCheckName)
    return judgeUnguarded(Candidate);
  if (Candidate.Check == AbruptTerminationCheckName)
    return judgeTermination(Candidate);
  if (Candidate.Check == BlockingUnderLockCheckName)
    return judgeBlockingUnderLock(Candidate);
  if (Candidate.Check == SqlConcatenationCheckName)
    return judgeSqlConcatenation(Candidate);
  if (Candidate.Check == LockOrderInversionCheckName)
    return judgeLockOrder(Candidate);
  if (Candidate.Check == UnjoinedThreadCheckName)
    return judgeThreadMember(Candidate);
  if (Candidate.Check == ClientPerRequestCheckName ||
      Candidate.Check == HotPathAllocationCheckName)
    return judgePerRequest(Candidate);
  if (Candidate.Check == MissingCancellationCheckName)
    return judgeEndlessLoop(Candidate);
  if (Candidate.Check == ThreadExceptionEscapeCheckName)
    return judgeExceptionEscape(Candidate);
  if (Candidate.Check == UnstructuredLoggingCheckName)
    return judgeLoggingPath(Candidate);
  return std::nullopt;
}

LinkNote ProgramGraph::note(const FactPos &At, std::string Message) const {
  return LinkNote{At.File < Files.size() ? Files[At.File] : "", At.Offset,
                  At.Line, At.Column, std::move(Message)};
}

static std::string displayOf(const ProgramGraph &G, llvm::StringRef Id,
                             llvm::StringRef Fallback = "") {
  if (const FunctionFacts *F = G.function(Id))
    return F->Name;
  return Fallback.str();
}

void ProgramGraph::addPathNotes(const std::string &Function,
                                LinkVerdict &V) const {
  std::optional<ConcurrencyReason> Why = whyConcurrent(Function);
  if (!Why || Why->What == ConcurrencyReason::Kind::NoCaller)
    return;
  if (Why->What == ConcurrencyReason::Kind::Root) {
    const RootFact &R = *Why->Root;
    std::string Name = "'" + displayOf(*this, R.Function, R.FunctionName) + "'";
    switch (R.Kind) {
    case RootKind::ThreadEntry:
      V.Notes.push_back(note(R.At, Name + " runs on the thread started here"));
      break;
    case RootKind::Handler:
      V.Notes.push_back(
          note(R.At, Name + " is a request handler and runs on the server's "
                            "threads"));
      break;
    case RootKind::Callback:
      V.Notes.push_back(
          note(R.At, Name + " is passed as a callback here and may run on any "
                            "thread"));
      break;
    }
  }
  bool First = true;
  for (const auto &[Caller, Call] : Why->Path) {
    std::string CalleeName =
        "'" + displayOf(*this, Call->Callee, Call->CalleeName) + "'";
    std::string CallerName = "'" + displayOf(*this, Caller) + "'";
    if (First && Why->What == ConcurrencyReason::Kind::ServingLoop)
      V.Notes.push_back(note(Call->At, CalleeName + " is called from " +
                                           CallerName +
                                           " here, in the loop that starts "
                                           "threads"));
    else
      V.Notes.push_back(note(Call->At, CalleeName + " is called from " +
                                           CallerName + " here"));
    First = false;
  }
  if (Why->What == ConcurrencyReason::Kind::ServingLoop && Why->ThreadStart)
    V.Notes.push_back(note(*Why->ThreadStart,
                           "threads are started here, in the same loop: "
                           "requests are in flight while it runs"));
}

void ProgramGraph::addThreadNotes(const Node &Writer,
                                  const llvm::BitVector &Running,
                                  const Node &Other,
                                  const AccessFact &OtherAccess,
                                  LinkVerdict &V) const {
  // main's code writes while a thread started earlier uses the variable:
  // name the thread and its start.
  llvm::BitVector Common = Other.Reached;
  Common &= Running;
  if (Common.none())
    return;
  const ThreadFunction &T = Threads[Common.find_first()];
  std::string Thread = "'" + displayOf(*this, T.Function) + "'";
  V.Notes.push_back(note(T.Root->At, Thread +
                                         " is started here and may run "
                                         "while '" +
                                         Writer.Facts.Name + "' runs"));
  V.Notes.push_back(note(OtherAccess.At, "'" + OtherAccess.VarName +
                                             "' is used by that thread in '" +
                                             Other.Facts.Name + "' here"));
}

LinkVerdict ProgramGraph::judgeUnguarded(const CandidateFact &C) const {
  const Node *N = node(C.Function);
  if (!N)
    return {};
  // Written in a function its own TU does not start: it is one of the
  // program's thread entries, or the finding is not about it.
  if (C.EntryOnly && !isThreadEntry(C.Function))
    return {false, {}};
  const AccessFact *Write = nullptr;
  for (const AccessFact &A : N->Facts.Accesses)
    if (A.Write && A.At.File == C.At.File && A.At.Offset == C.At.Offset)
      Write = &A;
  std::vector<LockRef> Held =
      Write ? effectiveHeld(N->Facts, Write->Held, Write->Order)
            : effectiveHeld(N->Facts, {}, 0);
  // A lock held here after all (callers' locks, a wrapper in another file):
  // "written without a lock" would be false.
  if (!Held.empty())
    return {false, {}};
  // A test fixture initialising its members before the test starts anything.
  if (Write && isFixtureInitialisation(*N, *Write, C.Var))
    return {false, {}};
  // Another access of the variable that may run at the same time; before
  // any thread exists, or on the one thread that owns it, there is none.
  const Node *OtherNode = nullptr;
  const AccessFact *Other = nullptr;
  auto Accesses = AccessesOf.find(C.Var);
  llvm::BitVector Running = Write ? runningAt(*N, *Write) : N->Running;
  if (Accesses != AccessesOf.end())
    for (const auto &[Index, A] : Accesses->second)
      if (A != Write && mayRunTogether(*N, Running, Nodes[Index],
                                       runningAt(Nodes[Index], *A))) {
        OtherNode = &Nodes[Index];
        Other = A;
        break;
      }
  if (!Other)
    return {false, {}};
  // Configuration: the threads only read the variable, and the write runs
  // where no thread of the program does, before any is started.
  if (isConfigurationWrite(*N, Running, C.Var))
    return {false, {}};
  LinkVerdict V;
  std::optional<GuardingLock> Guard = guardOf(C.Var);
  // The writer's own function takes the guarding lock around another access
  // of the variable: its author treats the variable as guarded, the lock is
  // no incidental one.
  bool OwnEvidence =
      Guard && Guard->usual() &&
      llvm::any_of(N->Facts.Accesses, [&](const AccessFact &A) {
        return &A != Write && A.Var == C.Var && holds(A.Held, Guard->Lock);
      });
  if (Guard && (Guard->evidence() || OwnEvidence)) {
    addPathNotes(C.Function, V);
    addThreadNotes(*N, Running, *OtherNode, *Other, V);
    return V;
  }
  // No lock is evidence; a write in a thread entry still races with the
  // other functions that touch the variable on other threads.
  bool ThreadEntry = isThreadEntry(C.Function);
  if (ThreadEntry && OtherNode != N) {
    // The check's own note points at a start in its TU; one elsewhere, or
    // the virtual call that makes the override an entry, is named here.
    if (C.EntryOnly)
      addEntryNotes(NodeIndex.lookup(C.Function), V);
    return V;
  }
  return {false, {}};
}

LinkVerdict ProgramGraph::judgeTermination(const CandidateFact &C) const {
  const Node *N = node(C.Function);
  if (!N)
    return {};
  // The project's fatal-log sink must end the process; an exit right after a
  // call of it is unreachable.
  if (N->Facts.FatalSink)
    return {false, {}};
  if (const Node *Before = node(C.After); Before && Before->Facts.FatalSink)
    return {false, {}};
  // Reached only from main before threads start: no request is in flight.
  if (N->Startup && !N->Concurrent)
    return {false, {}};
  LinkVerdict V;
  addPathNotes(C.Function, V);
  return V;
}

} // namespace loadcheck::model
