//===--- ProgramGraph.cpp - merging TUs and the program fixpoints ---------===//
#include "checks/model/ProgramGraph.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include <climits>
#include <deque>

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
    if (NodeIndex.count(F.Id))
      continue; // an inline function compiled in several TUs: one function
    Fix(F.At);
    for (CallFact &C : F.Calls)
      Fix(C.At);
    for (AccessFact &A : F.Accesses)
      Fix(A.At);
    for (ExitFact &E : F.Exits)
      Fix(E.At);
    for (auto *Sites : {&F.Blocking, &F.ClientCreations, &F.ThreadStarts})
      for (SiteFact &S : *Sites)
        Fix(S.At);
    Statistics.Functions++;
    Statistics.Calls += F.Calls.size();
    NodeIndex[F.Id] = Nodes.size();
    Nodes.push_back(Node{std::move(F), {}, false, false, false, {}, {}, {}});
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

void ProgramGraph::link() {
  for (unsigned I = 0; I < Nodes.size(); ++I)
    for (unsigned C = 0; C < Nodes[I].Facts.Calls.size(); ++C)
      if (auto It = NodeIndex.find(Nodes[I].Facts.Calls[C].Callee);
          It != NodeIndex.end())
        Nodes[It->second].Callers.push_back({I, C});
  computeMayStartThreads();
  computeWrappers();
  computeStartup();
  computeConcurrent();
  computeEntryLocks();
  computeGuards();
}

void ProgramGraph::computeMayStartThreads() {
  for (Node &N : Nodes)
    N.MayStartThreads = !N.Facts.ThreadStarts.empty();
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (Node &N : Nodes) {
      if (N.MayStartThreads)
        continue;
      for (const CallFact &C : N.Facts.Calls)
        if (const Node *Callee = node(C.Callee);
            Callee && Callee->MayStartThreads) {
          N.MayStartThreads = Changed = true;
          break;
        }
    }
  }
}

bool ProgramGraph::afterThreadStart(const Node &N, const CallFact &C) const {
  for (const SiteFact &S : N.Facts.ThreadStarts)
    if (S.Order < C.Order)
      return true;
  for (const CallFact &Earlier : N.Facts.Calls)
    if (Earlier.Order < C.Order)
      if (const Node *Callee = node(Earlier.Callee);
          Callee && Callee->MayStartThreads)
        return true;
  return false;
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
          afterThreadStart(N, C))
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
        Seed(It->second, {ConcurrencyReason::Kind::Root, &R, R.Function, {}});
    Drain();
  }
  for (unsigned I = 0; I < Nodes.size(); ++I) {
    if (!Nodes[I].Startup)
      continue;
    for (const CallFact &C : Nodes[I].Facts.Calls)
      if (auto It = NodeIndex.find(C.Callee);
          It != NodeIndex.end() && afterThreadStart(Nodes[I], C))
        Seed(It->second, {ConcurrencyReason::Kind::AfterThreadStart,
                          nullptr,
                          Nodes[I].Facts.Id,
                          {{Nodes[I].Facts.Id, &C}}});
  }
  Drain();
  for (unsigned I = 0; I < Nodes.size(); ++I)
    if (Nodes[I].Callers.empty() && !Nodes[I].Facts.IsMain)
      Seed(I,
           {ConcurrencyReason::Kind::NoCaller, nullptr, Nodes[I].Facts.Id, {}});
  Drain();
}

void ProgramGraph::computeEntryLocks() {
  llvm::StringSet<> RootIds;
  for (const RootFact &R : Roots)
    RootIds.insert(R.Function);
  for (Node &N : Nodes)
    if (N.Facts.IsMain || N.Callers.empty() || RootIds.contains(N.Facts.Id))
      N.Entry = std::vector<LockRef>{};
  // Greatest fixpoint: unknown (nullopt) means "every lock" until a caller
  // shows otherwise.
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (Node &N : Nodes) {
      if (N.Callers.empty() || N.Facts.IsMain || RootIds.contains(N.Facts.Id))
        continue;
      std::optional<std::vector<LockRef>> Meet;
      for (auto [CallerIndex, CallIndex] : N.Callers) {
        const Node &Caller = Nodes[CallerIndex];
        if (!Caller.Entry)
          continue;
        const CallFact &C = Caller.Facts.Calls[CallIndex];
        std::vector<LockRef> AtCall =
            effectiveHeld(Caller.Facts, C.Held, C.Order);
        if (!Meet) {
          Meet = AtCall;
          continue;
        }
        llvm::erase_if(*Meet,
                       [&](const LockRef &L) { return !holds(AtCall, L); });
      }
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
  for (const Node &N : Nodes) {
    if (N.Startup && !N.Concurrent)
      continue;
    for (const AccessFact &A : N.Facts.Accesses) {
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
    if (First && Why->What == ConcurrencyReason::Kind::AfterThreadStart)
      V.Notes.push_back(note(Call->At, CalleeName + " is called from " +
                                           CallerName +
                                           " here, after it may have "
                                           "started a thread"));
    else
      V.Notes.push_back(note(Call->At, CalleeName + " is called from " +
                                           CallerName + " here"));
    First = false;
  }
}

LinkVerdict ProgramGraph::judgeUnguarded(const CandidateFact &C) const {
  const Node *N = node(C.Function);
  if (!N)
    return {};
  // Before any thread exists nothing runs concurrently with the write.
  if (N->Startup && !N->Concurrent)
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
  LinkVerdict V;
  std::optional<GuardingLock> Guard = guardOf(C.Var);
  if (Guard && Guard->evidence()) {
    addPathNotes(C.Function, V);
    return V;
  }
  // No lock is evidence; a write in a thread entry still races with the
  // other functions that touch the variable in concurrent code.
  bool ThreadEntry = llvm::any_of(Roots, [&](const RootFact &R) {
    return R.Kind == RootKind::ThreadEntry && R.Function == C.Function;
  });
  bool OtherAccess = llvm::any_of(Nodes, [&](const Node &Other) {
    return &Other != N && Other.Concurrent &&
           llvm::any_of(Other.Facts.Accesses,
                        [&](const AccessFact &A) { return A.Var == C.Var; });
  });
  if (ThreadEntry && OtherAccess) {
    // The check's own note already points at the thread start.
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
