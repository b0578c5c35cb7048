//===--- LockOrderLink.cpp - lock-order cycles and thread members ---------===//
//
// The program-wide verdicts of lock-order-inversion and of unjoined-thread's
// thread members (ProgramGraph.h, (l) and (m)).
//
//===----------------------------------------------------------------------===//
#include "checks/model/ProgramGraph.h"
#include "llvm/ADT/STLExtras.h"
#include <algorithm>
#include <deque>
#include <functional>
#include <set>

namespace loadcheck::model {

/// Cycles longer than this are not looked for: each would be reported with
/// one note per lock, and real inversions are short.
static constexpr size_t MaxCycleLocks = 4;
/// Enough cycles for any real program; a pathological lock graph stops here.
static constexpr size_t MaxCycles = 256;

bool ordersLocks(const AcquisitionFact &A) { return !A.Held.empty(); }

bool isLambdaName(llvm::StringRef Name) {
  return Name == "lambda" || Name.starts_with("lambda in ");
}

bool ordersLocks(const CallFact &C) {
  // A lambda's "call" is where it is written, not where it runs; a call
  // through a pointer goes to whichever function the program stored.
  return !C.Held.empty() && C.Field.empty() &&
         !llvm::StringRef(C.Callee).starts_with("(*)") &&
         !isLambdaName(C.CalleeName);
}

namespace {
/// Where a function acquires a lock, itself or down its callees.
struct Witness {
  LockRef Lock;
  FactPos At;
  std::string In;
};
using Acquired = std::map<std::string, Witness>;
} // namespace

/// (file path, offset): the stable order of places across TUs.
static bool placeBefore(const std::vector<std::string> &Files, const FactPos &A,
                        const FactPos &B) {
  auto Path = [&](const FactPos &P) {
    return P.File < Files.size() ? llvm::StringRef(Files[P.File])
                                 : llvm::StringRef();
  };
  llvm::StringRef FA = Path(A), FB = Path(B);
  return FA < FB || (FA == FB && A.Offset < B.Offset);
}

void ProgramGraph::computeLockOrder() {
  // Locks each function acquires, itself or in its callees (a least
  // fixpoint over direct calls).
  std::vector<Acquired> Takes(Nodes.size());
  std::deque<unsigned> Work;
  for (unsigned I = 0; I < Nodes.size(); ++I) {
    for (const AcquisitionFact &A : Nodes[I].Facts.Acquisitions)
      Takes[I].try_emplace(A.Lock.Id,
                           Witness{A.Lock, A.At, Nodes[I].Facts.Name});
    if (!Takes[I].empty())
      Work.push_back(I);
  }
  while (!Work.empty()) {
    unsigned Callee = Work.front();
    Work.pop_front();
    for (auto [Caller, CallIndex] : Nodes[Callee].Callers) {
      const Node &N = Nodes[Caller];
      if (CallIndex >= N.DirectCalls ||
          isLambdaName(N.Facts.Calls[CallIndex].CalleeName))
        continue;
      bool Grew = false;
      for (const auto &[Id, W] : Takes[Callee])
        Grew |= Takes[Caller].try_emplace(Id, W).second;
      if (Grew)
        Work.push_back(Caller);
    }
  }

  // The order edges: (held, acquired) -> the places that order them.
  std::map<std::pair<std::string, std::string>, std::vector<OrderSite>> Edges;
  std::map<std::string, LockRef> LockById;
  auto AddEdge = [&](const LockRef &From, const LockRef &To, OrderSite S) {
    if (From == To)
      return; // taken again while held: recursion, no order
    LockById.try_emplace(From.Id, From);
    LockById.try_emplace(To.Id, To);
    Edges[{From.Id, To.Id}].push_back(std::move(S));
  };
  for (unsigned I = 0; I < Nodes.size(); ++I) {
    const Node &N = Nodes[I];
    // A lambda's callers are where it is written: it may run later,
    // elsewhere, without the locks held there.
    bool Lambda = isLambdaName(N.Facts.Name);
    auto HeldAt = [&](const std::vector<LockRef> &Own, unsigned Order) {
      if (Lambda)
        return Own;
      // A lock held on entry that the function releases itself (where, the
      // facts do not say) may be released by then: it orders nothing.
      std::vector<LockRef> Held = effectiveHeld(N.Facts, Own, Order);
      llvm::erase_if(Held, [&](const LockRef &L) {
        return llvm::is_contained(N.Facts.Releases, L) &&
               !llvm::is_contained(Own, L);
      });
      return Held;
    };
    for (const AcquisitionFact &A : N.Facts.Acquisitions)
      for (const LockRef &H : HeldAt(A.Held, A.Order))
        AddEdge(H, A.Lock,
                {I, A.At, "", A.At, N.Facts.Name, A.Order, 0, nullptr});
    for (unsigned C = 0; C < N.DirectCalls; ++C) {
      const CallFact &Call = N.Facts.Calls[C];
      auto Callee = NodeIndex.find(Call.Callee);
      if (Callee == NodeIndex.end() || !ordersLocks(Call) ||
          Takes[Callee->second].empty())
        continue;
      std::vector<LockRef> Held = HeldAt(Call.Held, Call.Order);
      // A callee that releases a lock its caller holds (`unlink(q, locked)`
      // unlocks q->lock before it destroys the pool) may take its own locks
      // after that release: no order with it, as for blocking (j).
      llvm::erase_if(Held, [&](const LockRef &H) {
        return llvm::is_contained(Nodes[Callee->second].Facts.Releases, H);
      });
      for (const auto &[Id, W] : Takes[Callee->second])
        for (const LockRef &H : Held)
          AddEdge(H, W.Lock,
                  {I, Call.At, Call.Callee, W.At, W.In, Call.Order, Call.Loop,
                   &Call});
    }
  }
  if (Edges.empty())
    return;

  // Elementary cycles, each found once from its smallest lock id.
  std::map<std::string, std::vector<std::string>> Next;
  for (const auto &[Pair, Sites] : Edges)
    Next[Pair.first].push_back(Pair.second);
  std::vector<std::vector<std::string>> Cycles;
  std::vector<std::string> Path;
  std::function<void(const std::string &)> Extend =
      [&](const std::string &Lock) {
        if (Cycles.size() >= MaxCycles)
          return;
        for (const std::string &To : Next[Lock]) {
          if (To == Path.front() && Path.size() >= 2)
            Cycles.push_back(Path);
          else if (To > Path.front() && Path.size() < MaxCycleLocks &&
                   !llvm::is_contained(Path, To)) {
            Path.push_back(To);
            Extend(To);
            Path.pop_back();
          }
        }
      };
  for (const auto &[Start, Targets] : Next) {
    Path = {Start};
    Extend(Start);
  }

  // A cycle is reported once, at the last of its places where a check
  // emitted a candidate (ordersLocks); each edge's first place is a note.
  auto Before = [&](const OrderSite &A, const OrderSite &B) {
    return placeBefore(Files, A.At, B.At);
  };
  auto Candidate = [&](const OrderSite &S) {
    const FunctionFacts &F = Nodes[S.Node].Facts;
    if (S.Callee.empty())
      return llvm::any_of(F.Acquisitions, [&](const AcquisitionFact &A) {
        return A.At.File == S.At.File && A.At.Offset == S.At.Offset &&
               ordersLocks(A);
      });
    return llvm::any_of(F.Calls, [&](const CallFact &C) {
      return C.At.File == S.At.File && C.At.Offset == S.At.Offset &&
             ordersLocks(C);
    });
  };
  auto MayDeadlock = [&](const std::vector<std::string> &Locks) {
    std::vector<const std::vector<OrderSite> *> Sites;
    for (size_t I = 0; I < Locks.size(); ++I)
      Sites.push_back(&Edges[{Locks[I], Locks[(I + 1) % Locks.size()]}]);
    return mayDeadlock(Sites);
  };
  for (const std::vector<std::string> &Locks : Cycles) {
    if (!MayDeadlock(Locks))
      continue;
    LockCycle Cycle;
    const OrderSite *Representative = nullptr;
    size_t RepresentedEdge = 0;
    for (size_t I = 0; I < Locks.size(); ++I) {
      const std::vector<OrderSite> &Sites =
          Edges[{Locks[I], Locks[(I + 1) % Locks.size()]}];
      Cycle.Locks.push_back(LockById[Locks[I]]);
      // The note: the first place whose own code shows the held lock, else
      // the first place (a lock held on entry, a wrapper of another file).
      const OrderSite *First = nullptr, *FirstCandidate = nullptr;
      for (const OrderSite &S : Sites) {
        if (!First || Before(S, *First))
          First = &S;
        if (!Candidate(S))
          continue;
        if (!FirstCandidate || Before(S, *FirstCandidate))
          FirstCandidate = &S;
        if (!Representative || Before(*Representative, S)) {
          Representative = &S;
          RepresentedEdge = I;
        }
      }
      Cycle.Sites.push_back(FirstCandidate ? *FirstCandidate : *First);
    }
    if (!Representative)
      continue;
    Cycle.Sites[RepresentedEdge] = *Representative;
    CyclesAt[{Representative->At.File, Representative->At.Offset}].push_back(
        std::move(Cycle));
  }
}

/// Backtracking steps mayDeadlock() takes before it gives up and lets the
/// cycle stand (a lock graph of thousands of places per order).
static constexpr unsigned MaxDeadlockSteps = 20000;

bool ProgramGraph::mayDeadlock(
    const std::vector<const std::vector<OrderSite> *> &Sites) const {
  // Per edge, its distinct places with the threads running at each.
  struct Place {
    const Node *N;
    llvm::BitVector Running;
  };
  std::vector<std::vector<Place>> Places(Sites.size());
  for (size_t E = 0; E < Sites.size(); ++E) {
    std::set<std::pair<unsigned, unsigned>> Seen;
    for (const OrderSite &S : *Sites[E])
      if (Seen.insert({S.Node, S.Order}).second)
        Places[E].push_back(
            {&Nodes[S.Node],
             runningAtPlace(Nodes[S.Node], S.Order, S.Loop, S.Call)});
  }
  std::vector<const Place *> Chosen;
  unsigned Steps = 0;
  std::function<bool(size_t)> Choose = [&](size_t E) {
    if (E == Places.size())
      return true;
    for (const Place &P : Places[E]) {
      if (++Steps > MaxDeadlockSteps)
        return true;
      if (!llvm::all_of(Chosen, [&](const Place *Q) {
            return mayRunTogether(*P.N, P.Running, *Q->N, Q->Running);
          }))
        continue;
      Chosen.push_back(&P);
      if (Choose(E + 1))
        return true;
      Chosen.pop_back();
    }
    return false;
  };
  return Choose(0);
}

const std::vector<ProgramGraph::LockCycle> *
ProgramGraph::cyclesAt(const FactPos &At) const {
  auto It = CyclesAt.find({At.File, At.Offset});
  return It == CyclesAt.end() ? nullptr : &It->second;
}

LinkVerdict ProgramGraph::judgeLockOrder(const CandidateFact &C) const {
  auto calleeName = [&](const std::string &Id) {
    const FunctionFacts *F = function(Id);
    return F ? F->Name : Id;
  };
  const std::vector<LockCycle> *Cycles = cyclesAt(C.At);
  if (!Cycles)
    return {false, {}};
  // One finding per place: the first cycle explains it.
  const LockCycle &Cycle = Cycles->front();
  LinkVerdict V;
  for (size_t I = 0; I < Cycle.Locks.size(); ++I) {
    const OrderSite &S = Cycle.Sites[I];
    const std::string Held = "'" + Cycle.Locks[I].Name + "'";
    const std::string Taken =
        "'" + Cycle.Locks[(I + 1) % Cycle.Locks.size()].Name + "'";
    const std::string In = "'" + Nodes[S.Node].Facts.Name + "'";
    if (S.Callee.empty()) {
      if (S.At.File == C.At.File && S.At.Offset == C.At.Offset)
        continue; // the finding itself
      V.Notes.push_back(
          note(S.At, Taken + " acquired while holding " + Held + " in " + In));
      continue;
    }
    if (S.At.File != C.At.File || S.At.Offset != C.At.Offset)
      V.Notes.push_back(note(S.At, In + " calls '" + calleeName(S.Callee) +
                                       "' holding " + Held +
                                       ", which acquires " + Taken));
    V.Notes.push_back(
        note(S.AcquiredAt, Taken + " acquired here in '" + S.AcquiredIn + "'"));
  }
  return V;
}

// ---- thread members --------------------------------------------------------

LinkVerdict ProgramGraph::judgeThreadMember(const CandidateFact &C) const {
  const ThreadMemberFact *Start = nullptr;
  for (const Node &N : Nodes)
    for (const ThreadMemberFact &T : N.Facts.ThreadMembers) {
      if (T.Field != C.Var)
        continue;
      if (T.Settled)
        return {false, {}}; // joined, detached or handed over somewhere
      if (!Start || placeBefore(Files, T.At, Start->At))
        Start = &T;
    }
  if (!Start)
    return {false, {}}; // never started: nothing to join
  LinkVerdict V;
  V.Notes.push_back(note(Start->At, "'" + C.VarName +
                                        "' is started here; no function of "
                                        "the program joins or detaches it"));
  return V;
}

} // namespace loadcheck::model
