//===--- ProgramFacts.cpp - the JSON codec of a TU's facts ----------------===//
//
// Compact shapes, because a TU of a large project has thousands of calls:
// a position is [file, offset, line, column], a lock is [id, name]. Keys are
// omitted when their list is empty. Reading is strict about types (a payload
// that does not match is rejected whole) and lenient about missing keys.
//
//===----------------------------------------------------------------------===//
#include "checks/model/ProgramFacts.h"
#include "checks/model/ProgramLink.h"

namespace loadcheck::model {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

llvm::StringRef rootKindName(RootKind K) {
  switch (K) {
  case RootKind::ThreadEntry:
    return "thread";
  case RootKind::Handler:
    return "handler";
  case RootKind::Callback:
    return "callback";
  }
  return "thread";
}

// ---- writing ---------------------------------------------------------------

static Value toJSON(const FactPos &P) {
  return Array{P.File, P.Offset, P.Line, P.Column};
}

static Value toJSON(const std::vector<LockRef> &Locks) {
  Array Out;
  Out.reserve(Locks.size());
  for (const LockRef &L : Locks)
    Out.push_back(Array{L.Id, L.Name});
  return Out;
}

template <typename T, typename F>
static void putList(Object &O, llvm::StringRef Key, const std::vector<T> &List,
                    F Encode) {
  if (List.empty())
    return;
  // Reserved: json::Value moves are not noexcept, a growing array copies.
  Array Out;
  Out.reserve(List.size());
  for (const T &Item : List)
    Out.push_back(Encode(Item));
  O[Key] = std::move(Out);
}

static Value toJSON(const SiteFact &S) {
  Object O{{"what", S.What}, {"at", toJSON(S.At)}, {"order", S.Order}};
  if (S.Loop)
    O["loop"] = S.Loop;
  if (!S.Held.empty())
    O["held"] = toJSON(S.Held);
  return O;
}

static Value toJSON(const FunctionFacts &F) {
  Object O{{"id", F.Id}, {"name", F.Name}, {"at", toJSON(F.At)}};
  if (F.IsMain)
    O["main"] = true;
  if (F.Local)
    O["local"] = true;
  if (F.FatalSink)
    O["fatal_sink"] = true;
  putList(O, "calls", F.Calls, [](const CallFact &C) {
    Object Call{{"callee", C.Callee},
                {"name", C.CalleeName},
                {"at", toJSON(C.At)},
                {"order", C.Order}};
    if (C.Loop)
      Call["loop"] = C.Loop;
    if (!C.Held.empty())
      Call["held"] = toJSON(C.Held);
    if (!C.MaybeHeld.empty())
      Call["maybe_held"] = toJSON(C.MaybeHeld);
    if (!C.Field.empty())
      Call["field"] = C.Field;
    if (C.InTry)
      Call["in_try"] = true;
    if (C.AtOnce)
      Call["at_once"] = true;
    return Value(std::move(Call));
  });
  if (!F.Acquires.empty())
    O["acquires"] = toJSON(F.Acquires);
  if (!F.Releases.empty())
    O["releases"] = toJSON(F.Releases);
  if (!F.RequiresHeld.empty())
    O["requires"] = toJSON(F.RequiresHeld);
  putList(O, "accesses", F.Accesses, [](const AccessFact &A) {
    Object Access{{"var", A.Var},
                  {"name", A.VarName},
                  {"at", toJSON(A.At)},
                  {"order", A.Order}};
    if (A.Write)
      Access["write"] = true;
    if (!A.Held.empty())
      Access["held"] = toJSON(A.Held);
    if (A.Loop)
      Access["loop"] = A.Loop;
    return Value(std::move(Access));
  });
  putList(O, "exits", F.Exits, [](const ExitFact &E) {
    return Value(Object{{"callee", E.Callee}, {"at", toJSON(E.At)}});
  });
  auto Site = [](const SiteFact &S) { return toJSON(S); };
  putList(O, "blocking", F.Blocking, Site);
  putList(O, "clients", F.ClientCreations, Site);
  putList(O, "thread_starts", F.ThreadStarts, Site);
  putList(O, "waits", F.Waits, Site);
  putList(O, "wakes", F.Wakes, Site);
  auto Id = [](const std::string &S) { return Value(S); };
  putList(O, "overrides", F.Overrides, Id);
  putList(O, "fixture_records", F.FixtureRecords, Id);
  putList(O, "joins", F.Joins, [](const JoinFact &J) {
    Object Join{{"at", toJSON(J.At)}};
    if (!J.Member.empty())
      Join["member"] = J.Member;
    if (!J.Part.empty())
      Join["part"] = J.Part;
    return Value(std::move(Join));
  });
  putList(O, "acquisitions", F.Acquisitions, [](const AcquisitionFact &A) {
    Object Acquired{{"lock", toJSON(std::vector<LockRef>{A.Lock})},
                    {"at", toJSON(A.At)},
                    {"order", A.Order}};
    if (!A.Held.empty())
      Acquired["held"] = toJSON(A.Held);
    return Value(std::move(Acquired));
  });
  putList(O, "thread_members", F.ThreadMembers, [](const ThreadMemberFact &T) {
    Object Use{{"field", T.Field}, {"name", T.Name}, {"at", toJSON(T.At)}};
    if (T.Settled)
      Use["settled"] = true;
    return Value(std::move(Use));
  });
  putList(O, "throws", F.Throws, Site);
  if (F.NoExcept)
    O["noexcept"] = true;
  putList(O, "thread_joins", F.ThreadJoins, Site);
  if (F.Logger)
    O["logger"] = true;
  return O;
}

Value toJSON(const TUFacts &Facts) {
  Array Files;
  for (const std::string &F : Facts.Files)
    Files.push_back(F);
  Array Functions;
  Functions.reserve(Facts.Functions.size());
  for (const FunctionFacts &F : Facts.Functions)
    Functions.push_back(toJSON(F));
  Array Roots;
  Roots.reserve(Facts.Roots.size());
  for (const RootFact &R : Facts.Roots) {
    Object O{{"function", R.Function},
             {"name", R.FunctionName},
             {"kind", rootKindName(R.Kind)},
             {"at", toJSON(R.At)},
             {"via", R.Via}};
    if (!R.Into.empty())
      O["into"] = R.Into;
    if (!R.Signature.empty())
      O["signature"] = R.Signature;
    if (!R.Field.empty())
      O["field"] = R.Field;
    if (!R.Handle.empty())
      O["handle"] = R.Handle;
    if (R.LoggingSink)
      O["logging_sink"] = true;
    Roots.push_back(std::move(O));
  }
  Array Candidates;
  Candidates.reserve(Facts.Candidates.size());
  for (const CandidateFact &C : Facts.Candidates) {
    Object O{
        {"check", C.Check}, {"at", toJSON(C.At)}, {"function", C.Function}};
    if (!C.Var.empty()) {
      O["var"] = C.Var;
      O["var_name"] = C.VarName;
    }
    if (!C.After.empty())
      O["after"] = C.After;
    if (!C.Source.empty())
      O["source"] = C.Source;
    if (!C.Callee.empty())
      O["callee"] = C.Callee;
    if (C.EntryOnly)
      O["entry_only"] = true;
    Candidates.push_back(std::move(O));
  }
  Object Homes;
  for (const auto &[Id, Home] : Facts.Homes)
    Homes[Id] = Home;
  return Object{
      {"version", ProgramFactsVersion}, {"homes", std::move(Homes)},
      {"files", std::move(Files)},      {"functions", std::move(Functions)},
      {"roots", std::move(Roots)},      {"candidates", std::move(Candidates)}};
}

// ---- reading ---------------------------------------------------------------

namespace {
/// Reads with one error flag: the first mismatch poisons the whole payload.
struct Reader {
  bool Failed = false;
  size_t FileCount = 0;

  std::string str(const Object &O, llvm::StringRef Key) {
    const Value *V = O.get(Key);
    if (!V)
      return "";
    if (auto S = V->getAsString())
      return S->str();
    Failed = true;
    return "";
  }
  unsigned num(const Value *V) {
    std::optional<int64_t> N = V ? V->getAsInteger() : std::nullopt;
    if (!N || *N < 0) {
      Failed = true;
      return 0;
    }
    return unsigned(*N);
  }
  FactPos pos(const Object &O, llvm::StringRef Key) {
    const Array *A = O.getArray(Key);
    if (!A || A->size() != 4) {
      Failed = true;
      return {};
    }
    FactPos P{num(&(*A)[0]), num(&(*A)[1]), num(&(*A)[2]), num(&(*A)[3])};
    if (P.File >= FileCount)
      Failed = true;
    return P;
  }
  /// The items of the list \p Key (absent = empty), each read by \p Read,
  /// which answers nullopt for an item of the wrong shape.
  template <typename T, typename F>
  std::vector<T> list(const Object &O, llvm::StringRef Key, F Read) {
    std::vector<T> Out;
    const Value *V = O.get(Key);
    if (!V)
      return Out;
    const Array *A = V->getAsArray();
    if (!A) {
      Failed = true;
      return Out;
    }
    for (const Value &Item : *A) {
      std::optional<T> Parsed = Read(Item);
      if (!Parsed) {
        Failed = true;
        return Out;
      }
      Out.push_back(std::move(*Parsed));
    }
    return Out;
  }
  std::vector<LockRef> locks(const Object &O, llvm::StringRef Key) {
    return list<LockRef>(
        O, Key, [](const Value &Item) -> std::optional<LockRef> {
          const Array *Pair = Item.getAsArray();
          if (!Pair || Pair->size() != 2 || !(*Pair)[0].getAsString() ||
              !(*Pair)[1].getAsString())
            return std::nullopt;
          return LockRef{(*Pair)[0].getAsString()->str(),
                         (*Pair)[1].getAsString()->str()};
        });
  }
  /// The strings of the list \p Key (absent = empty).
  std::vector<std::string> strings(const Object &O, llvm::StringRef Key) {
    return list<std::string>(
        O, Key, [](const Value &Item) -> std::optional<std::string> {
          std::optional<llvm::StringRef> S = Item.getAsString();
          return S ? std::optional<std::string>(S->str()) : std::nullopt;
        });
  }
  /// Calls \p Each for every object of the list \p Key (absent = empty).
  template <typename F>
  void each(const Object &O, llvm::StringRef Key, F Each) {
    const Value *V = O.get(Key);
    if (!V)
      return;
    const Array *A = V->getAsArray();
    if (!A) {
      Failed = true;
      return;
    }
    for (const Value &Item : *A) {
      const Object *Sub = Item.getAsObject();
      if (!Sub) {
        Failed = true;
        return;
      }
      Each(*Sub);
    }
  }
  /// The optional "loop" of a call, access or site (absent: in no loop).
  unsigned loop(const Object &O) {
    return O.get("loop") ? num(O.get("loop")) : 0;
  }
  bool flag(const Object &O, llvm::StringRef Key) {
    return O.getBoolean(Key).value_or(false);
  }
  SiteFact site(const Object &O) {
    return {str(O, "what"), pos(O, "at"), locks(O, "held"), num(O.get("order")),
            loop(O)};
  }
  FunctionFacts function(const Object &O) {
    FunctionFacts F;
    F.Id = str(O, "id");
    F.Name = str(O, "name");
    F.At = pos(O, "at");
    F.IsMain = flag(O, "main");
    F.Local = flag(O, "local");
    F.FatalSink = flag(O, "fatal_sink");
    each(O, "calls", [&](const Object &C) {
      F.Calls.push_back({str(C, "callee"), str(C, "name"), pos(C, "at"),
                         locks(C, "held"), num(C.get("order")), loop(C),
                         locks(C, "maybe_held"), str(C, "field"),
                         flag(C, "in_try"), flag(C, "at_once")});
    });
    F.Acquires = locks(O, "acquires");
    F.Releases = locks(O, "releases");
    F.RequiresHeld = locks(O, "requires");
    each(O, "accesses", [&](const Object &A) {
      F.Accesses.push_back({str(A, "var"), str(A, "name"), pos(A, "at"),
                            flag(A, "write"), locks(A, "held"),
                            num(A.get("order")), loop(A)});
    });
    each(O, "exits", [&](const Object &E) {
      F.Exits.push_back({str(E, "callee"), pos(E, "at")});
    });
    each(O, "blocking",
         [&](const Object &S) { F.Blocking.push_back(site(S)); });
    each(O, "clients",
         [&](const Object &S) { F.ClientCreations.push_back(site(S)); });
    each(O, "thread_starts",
         [&](const Object &S) { F.ThreadStarts.push_back(site(S)); });
    each(O, "waits", [&](const Object &S) { F.Waits.push_back(site(S)); });
    each(O, "wakes", [&](const Object &S) { F.Wakes.push_back(site(S)); });
    F.Overrides = strings(O, "overrides");
    F.FixtureRecords = strings(O, "fixture_records");
    each(O, "joins", [&](const Object &J) {
      F.Joins.push_back({str(J, "member"), str(J, "part"), pos(J, "at")});
    });
    each(O, "acquisitions", [&](const Object &A) {
      std::vector<LockRef> Lock = locks(A, "lock");
      if (Lock.size() != 1) {
        Failed = true;
        return;
      }
      F.Acquisitions.push_back(
          {Lock.front(), pos(A, "at"), locks(A, "held"), num(A.get("order"))});
    });
    each(O, "thread_members", [&](const Object &T) {
      F.ThreadMembers.push_back(
          {str(T, "field"), str(T, "name"), pos(T, "at"), flag(T, "settled")});
    });
    each(O, "throws", [&](const Object &S) { F.Throws.push_back(site(S)); });
    F.NoExcept = flag(O, "noexcept");
    each(O, "thread_joins",
         [&](const Object &S) { F.ThreadJoins.push_back(site(S)); });
    F.Logger = flag(O, "logger");
    if (F.Id.empty())
      Failed = true;
    return F;
  }
};

std::optional<RootKind> rootKindNamed(llvm::StringRef Name) {
  for (RootKind K :
       {RootKind::ThreadEntry, RootKind::Handler, RootKind::Callback})
    if (rootKindName(K) == Name)
      return K;
  return std::nullopt;
}
} // namespace

std::string indirectCallee(llvm::StringRef FunctionType) {
  return ("(*)" + FunctionType).str();
}

std::optional<TUFacts> fromJSON(const Value &V, std::string &Error) {
  const Object *O = V.getAsObject();
  std::optional<int64_t> Version = O ? O->getInteger("version") : std::nullopt;
  if (!Version || *Version != ProgramFactsVersion) {
    Error = "program facts of an unknown version";
    return std::nullopt;
  }
  TUFacts Facts;
  Reader R;
  if (const Array *Files = O->getArray("files"))
    for (const Value &F : *Files) {
      if (auto S = F.getAsString())
        Facts.Files.push_back(S->str());
      else
        R.Failed = true;
    }
  R.FileCount = Facts.Files.size();
  R.each(*O, "functions",
         [&](const Object &F) { Facts.Functions.push_back(R.function(F)); });
  R.each(*O, "roots", [&](const Object &Root) {
    std::optional<RootKind> Kind = rootKindNamed(R.str(Root, "kind"));
    if (!Kind)
      R.Failed = true;
    Facts.Roots.push_back({R.str(Root, "function"), R.str(Root, "name"),
                           Kind.value_or(RootKind::ThreadEntry),
                           R.pos(Root, "at"), R.str(Root, "via"),
                           R.str(Root, "into"), R.str(Root, "signature"),
                           R.str(Root, "field"), R.str(Root, "handle"),
                           R.flag(Root, "logging_sink")});
  });
  R.each(*O, "candidates", [&](const Object &C) {
    Facts.Candidates.push_back(
        {R.str(C, "check"), R.pos(C, "at"), R.str(C, "function"),
         R.str(C, "var"), R.str(C, "var_name"), R.str(C, "after"),
         R.str(C, "source"), R.str(C, "callee"), R.flag(C, "entry_only")});
  });
  if (const Object *Homes = O->getObject("homes"))
    for (const auto &[Id, Home] : *Homes) {
      if (auto S = Home.getAsString())
        Facts.Homes[Id.str()] = S->str();
      else
        R.Failed = true;
    }
  if (R.Failed) {
    Error = "malformed program facts";
    return std::nullopt;
  }
  return Facts;
}

} // namespace loadcheck::model
