//===--- ThreadEntryLink.cpp - thread entries across the program ----------===//
//
// The thread entries of the program (ProgramGraph.h, (o)) and the functions
// that may throw (p), and the verdicts of the checks that look inside thread
// entries: missing-cancellation (an endless loop in a function that may be a
// thread's body) and thread-exception-escape (an exception that may leave an
// entry, thrown in it or in a callee defined in another file).
//
//===----------------------------------------------------------------------===//
#include "checks/model/ProgramGraph.h"
#include <deque>

namespace loadcheck::model {

/// How many callers up bodyOfEntry() looks for the entry whose body a
/// function is part of.
static constexpr unsigned MaxBodyDepth = 4;

void ProgramGraph::computeProgramEntries() {
  llvm::StringMap<std::vector<unsigned>> OverridersOf;
  for (unsigned I = 0; I < Nodes.size(); ++I)
    for (const std::string &Base : Nodes[I].Facts.Overrides)
      OverridersOf[Base].push_back(I);
  std::deque<unsigned> Work;
  for (unsigned T = 0; T < Threads.size(); ++T)
    if (auto It = NodeIndex.find(Threads[T].Function); It != NodeIndex.end())
      if (EntryOf.try_emplace(It->second, EntryLink{T}).second)
        Work.push_back(It->second);
  while (!Work.empty()) {
    unsigned I = Work.front();
    Work.pop_front();
    unsigned Thread = EntryOf[I].Thread;
    const std::vector<CallFact> &Calls = Nodes[I].Facts.Calls;
    for (unsigned C = 0; C < Calls.size(); ++C) {
      auto It = OverridersOf.find(Calls[C].Callee);
      if (It == OverridersOf.end())
        continue;
      for (unsigned Override : It->second)
        if (EntryOf.try_emplace(Override, EntryLink{Thread, true, I, C}).second)
          Work.push_back(Override);
    }
  }
}

void ProgramGraph::computeMayThrow() {
  for (unsigned I = 0; I < Nodes.size(); ++I)
    if (!Nodes[I].Facts.NoExcept && !Nodes[I].Facts.Throws.empty())
      ThrowerOf[I] = ThrowLink{&Nodes[I].Facts.Throws.front(), 0};
  for (bool Changed = true; Changed;) {
    Changed = false;
    for (unsigned I = 0; I < Nodes.size(); ++I) {
      const FunctionFacts &F = Nodes[I].Facts;
      if (F.NoExcept || ThrowerOf.count(I))
        continue;
      for (unsigned C = 0; C < F.Calls.size(); ++C) {
        if (F.Calls[C].InTry)
          continue;
        auto Callee = NodeIndex.find(F.Calls[C].Callee);
        if (Callee == NodeIndex.end() || !ThrowerOf.count(Callee->second))
          continue;
        ThrowerOf[I] = ThrowLink{nullptr, C};
        Changed = true;
        break;
      }
    }
  }
}

bool ProgramGraph::isThreadEntry(llvm::StringRef Id) const {
  auto It = NodeIndex.find(Id);
  return It != NodeIndex.end() && EntryOf.count(It->second);
}

bool ProgramGraph::mayThrow(llvm::StringRef Id) const {
  auto It = NodeIndex.find(Id);
  return It != NodeIndex.end() && ThrowerOf.count(It->second);
}

std::optional<unsigned> ProgramGraph::bodyOfEntry(
    unsigned N, unsigned Depth,
    std::vector<std::pair<unsigned, unsigned>> &Path) const {
  if (EntryOf.count(N))
    return N;
  const std::vector<std::pair<unsigned, unsigned>> &Callers = Nodes[N].Callers;
  if (Depth >= MaxBodyDepth || Callers.empty() || Callers.size() > 8)
    return std::nullopt;
  // Every caller must run it as the body of an entry: one call from main's
  // code or a handler makes it ordinary code that returns.
  std::optional<unsigned> Entry;
  std::vector<std::pair<unsigned, unsigned>> FirstPath;
  for (auto [Caller, Call] : Callers) {
    if (Caller == N)
      continue;
    std::vector<std::pair<unsigned, unsigned>> CallerPath;
    std::optional<unsigned> Found = bodyOfEntry(Caller, Depth + 1, CallerPath);
    if (!Found)
      return std::nullopt;
    if (!Entry) {
      Entry = Found;
      FirstPath = std::move(CallerPath);
      FirstPath.push_back({Caller, Call});
    }
  }
  if (Entry)
    Path.insert(Path.end(), FirstPath.begin(), FirstPath.end());
  return Entry;
}

void ProgramGraph::addEntryNotes(unsigned Entry, LinkVerdict &V) const {
  // Down from the started function to the override, then the start.
  std::vector<unsigned> Chain{Entry};
  for (auto It = EntryOf.find(Entry); It != EntryOf.end() && It->second.Virtual;
       It = EntryOf.find(It->second.Caller)) {
    if (Chain.size() > MaxBodyDepth)
      break;
    Chain.push_back(It->second.Caller);
  }
  const ThreadFunction &T = Threads[EntryOf.at(Entry).Thread];
  std::string Started = "'" + Nodes[Chain.back()].Facts.Name + "'";
  V.Notes.push_back(note(T.Root->At, Started + " runs on the thread started "
                                               "here"));
  for (size_t I = Chain.size() - 1; I > 0; --I) {
    const EntryLink &Link = EntryOf.at(Chain[I - 1]);
    const CallFact &Call = Nodes[Link.Caller].Facts.Calls[Link.Call];
    V.Notes.push_back(note(Call.At, "'" + Nodes[Link.Caller].Facts.Name +
                                        "' calls virtual '" + Call.CalleeName +
                                        "' here, so its override '" +
                                        Nodes[Chain[I - 1]].Facts.Name +
                                        "' runs as that thread's body"));
  }
}

void ProgramGraph::addThrowNotes(unsigned Thrower, LinkVerdict &V) const {
  for (unsigned Depth = 0; Depth <= MaxBodyDepth * 2; ++Depth) {
    auto It = ThrowerOf.find(Thrower);
    if (It == ThrowerOf.end())
      return;
    const FunctionFacts &F = Nodes[Thrower].Facts;
    if (It->second.Throw) {
      V.Notes.push_back(
          note(It->second.Throw->At,
               "'" + F.Name + "' throws " + It->second.Throw->What + " here"));
      return;
    }
    const CallFact &Call = F.Calls[It->second.Call];
    V.Notes.push_back(note(Call.At, "'" + F.Name + "' calls '" +
                                        Call.CalleeName +
                                        "' here, outside any try block"));
    Thrower = NodeIndex.lookup(Call.Callee);
  }
}

LinkVerdict ProgramGraph::judgeEndlessLoop(const CandidateFact &C) const {
  auto It = NodeIndex.find(C.Function);
  if (It == NodeIndex.end())
    return {false, {}};
  std::vector<std::pair<unsigned, unsigned>> Path;
  std::optional<unsigned> Entry = bodyOfEntry(It->second, 0, Path);
  if (!Entry)
    return {false, {}};
  LinkVerdict V;
  addEntryNotes(*Entry, V);
  for (auto [Caller, Call] : Path) {
    const CallFact &Fact = Nodes[Caller].Facts.Calls[Call];
    V.Notes.push_back(note(Fact.At, "'" + Fact.CalleeName +
                                        "' is called from '" +
                                        Nodes[Caller].Facts.Name +
                                        "' here, as the thread's body"));
  }
  return V;
}

LinkVerdict ProgramGraph::judgeExceptionEscape(const CandidateFact &C) const {
  auto It = NodeIndex.find(C.Function);
  if (It == NodeIndex.end() || !EntryOf.count(It->second))
    return {false, {}};
  LinkVerdict V;
  if (!C.Callee.empty()) {
    auto Callee = NodeIndex.find(C.Callee);
    if (Callee == NodeIndex.end() || !ThrowerOf.count(Callee->second))
      return {false, {}};
    addEntryNotes(It->second, V);
    addThrowNotes(Callee->second, V);
    return V;
  }
  addEntryNotes(It->second, V);
  return V;
}

} // namespace loadcheck::model
