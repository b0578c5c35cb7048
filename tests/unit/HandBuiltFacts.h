//===--- HandBuiltFacts.h - program facts written by hand for unit tests
//---===//
//
// The program graph's unit tests build the facts of small TUs by hand: one
// file per TU, each fact at a new offset (ten apart, a line each), functions
// named by their USR-like id `c:@F@<name>`, globals and locks `c:@<name>`.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TESTS_UNIT_HANDBUILTFACTS_H
#define LOADCHECK_TESTS_UNIT_HANDBUILTFACTS_H

#include "checks/model/ProgramGraph.h"
#include <gtest/gtest.h>
#include <initializer_list>
#include <string>
#include <vector>

namespace loadcheck::model::handbuilt {

inline LockRef lock(const std::string &Name) { return {"c:@" + Name, Name}; }

/// One TU of one file.
struct TU {
  TUFacts Facts;
  unsigned Next = 1;
  explicit TU(const std::string &File) { Facts.Files.push_back(File); }

  /// The next place of the file.
  FactPos at() {
    unsigned O = Next;
    Next += 10;
    return FactPos{0, O, O / 10 + 1, 1};
  }
  /// A new function (`main` is the program's main). The reference is good
  /// until the next fn().
  FunctionFacts &fn(const std::string &Name) {
    FunctionFacts F;
    F.Id = "c:@F@" + Name;
    F.Name = Name;
    F.At = at();
    F.IsMain = Name == "main";
    Facts.Functions.push_back(F);
    return Facts.Functions.back();
  }
  FunctionFacts &get(const std::string &Name) {
    for (FunctionFacts &F : Facts.Functions)
      if (F.Name == Name)
        return F;
    ADD_FAILURE() << "no function " << Name;
    return Facts.Functions.front();
  }

  /// \p From calls \p To holding \p Held, in the loop \p Loop (0: none;
  /// any other number names one loop of \p From).
  FactPos call(FunctionFacts &From, const std::string &To,
               std::vector<LockRef> Held = {}, unsigned Loop = 0) {
    FactPos P = at();
    From.Calls.push_back(
        {"c:@F@" + To, To, P, std::move(Held), P.Offset, Loop});
    return P;
  }
  FactPos call(const std::string &From, const std::string &To,
               std::vector<LockRef> Held = {}, unsigned Loop = 0) {
    return call(get(From), To, std::move(Held), Loop);
  }
  FactPos callInLoop(const std::string &From, const std::string &To,
                     unsigned Loop) {
    return call(From, To, {}, Loop);
  }
  /// \p In starts \p Entry as a thread (in the loop \p Loop, 0: none),
  /// keeping its handle in the global \p Handle when one is given.
  void startThread(const std::string &In, const std::string &Entry,
                   unsigned Loop = 0, const std::string &Handle = "") {
    FactPos P = at();
    get(In).ThreadStarts.push_back({"pthread_create", P, {}, P.Offset, Loop});
    RootFact Root{"c:@F@" + Entry, Entry, RootKind::ThreadEntry, P,
                  "pthread_create"};
    if (!Handle.empty())
      Root.Handle = "c:@" + Handle;
    Facts.Roots.push_back(Root);
  }
  /// \p In joins the thread kept in the global \p Handle.
  void join(const std::string &In, const std::string &Handle) {
    FactPos P = at();
    get(In).ThreadJoins.push_back({"c:@" + Handle, P, {}, P.Offset, 0});
  }
  /// \p Fn's address is taken in \p In: it may run on any thread.
  void callback(const std::string &In, const std::string &Fn) {
    (void)In; // a callback root has the place of its own, not of In

    Facts.Roots.push_back(
        {"c:@F@" + Fn, Fn, RootKind::Callback, at(), "callback"});
  }
  FactPos access(const std::string &In, const std::string &Var, bool Write,
                 std::vector<LockRef> Held = {}) {
    FactPos P = at();
    get(In).Accesses.push_back(
        {"c:@" + Var, Var, P, Write, std::move(Held), P.Offset});
    return P;
  }
  /// \p In takes \p Lock itself, holding \p Held.
  FactPos acquire(const std::string &In, const std::string &Lock,
                  std::vector<LockRef> Held = {}) {
    FactPos P = at();
    get(In).Acquisitions.push_back({lock(Lock), P, std::move(Held), P.Offset});
    return P;
  }
  /// A blocking call of \p Api made by \p In itself.
  void blocks(FunctionFacts &In, const std::string &Api) {
    FactPos P = at();
    In.Blocking.push_back({Api, P, {}, P.Offset});
  }
  /// A condition-variable wait made by \p In itself.
  void wait(const std::string &In) {
    FactPos P = at();
    get(In).Waits.push_back({"pthread_cond_wait", P, {}, P.Offset});
  }
  /// A signal made by \p In itself (in the loop \p Loop, 0: none).
  void wake(const std::string &In, unsigned Loop = 0) {
    FactPos P = at();
    get(In).Wakes.push_back({"pthread_cond_signal", P, {}, P.Offset, Loop});
  }
  /// A candidate of \p Check at \p At in \p In (not added to the facts).
  static CandidateFact candidate(llvm::StringRef Check, const std::string &In,
                                 FactPos At) {
    CandidateFact C;
    C.Check = Check.str();
    C.At = At;
    C.Function = "c:@F@" + In;
    return C;
  }
};

/// The graph of \p Units, linked.
inline ProgramGraph linked(std::initializer_list<const TU *> Units) {
  ProgramGraph G;
  for (const TU *U : Units)
    G.add(U->Facts);
  G.link();
  return G;
}

} // namespace loadcheck::model::handbuilt

#endif // LOADCHECK_TESTS_UNIT_HANDBUILTFACTS_H
