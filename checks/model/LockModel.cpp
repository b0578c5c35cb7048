//===--- LockModel.cpp - which locks are held at a statement --------------===//
#include "checks/model/LockModel.h"
#include "checks/model/ContextCache.h"
#include "checks/model/ThreadEntry.h"
#include "checks/utils/LlvmCompat.h"
#include "checks/utils/NamedEntity.h"
#include "checks/utils/TypeNames.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include <mutex>
#include <optional>

using namespace clang;

namespace loadcheck::model {

llvm::StringRef LockId::name() const {
  if (const auto *Named = llvm::dyn_cast_or_null<NamedDecl>(Decl))
    if (Named->getIdentifier())
      return Named->getName();
  return "<mutex>";
}

// ---- declarations and types ------------------------------------------------

const ValueDecl *canonicalDecl(const ValueDecl *D) {
  if (!D)
    return nullptr;
  if (const auto *Field = dyn_cast<FieldDecl>(D)) {
    // A field of Foo<int> stands for the field of the template Foo<T>.
    const auto *Record = dyn_cast<CXXRecordDecl>(Field->getParent());
    const CXXRecordDecl *Pattern =
        Record ? Record->getTemplateInstantiationPattern() : nullptr;
    if (Pattern && Pattern != Record && Field->getDeclName())
      for (const FieldDecl *Candidate : Pattern->fields())
        if (Candidate->getDeclName() == Field->getDeclName())
          return Candidate;
    return Field;
  }
  if (const auto *Var = dyn_cast<VarDecl>(D)) {
    if (const VarDecl *From = Var->getInstantiatedFromStaticDataMember())
      Var = From;
    return Var->getCanonicalDecl();
  }
  return cast<ValueDecl>(D->getCanonicalDecl());
}

const ValueDecl *mutexDeclOf(const Expr *E) {
  for (unsigned Depth = 0; E && Depth < 16; ++Depth) {
    E = E->IgnoreParenImpCasts();
    if (isa<DeclRefExpr, MemberExpr>(E))
      return canonicalDecl(utils::namedObject(E));
    if (const auto *Call = dyn_cast<CXXMemberCallExpr>(E)) {
      // An accessor returning the mutex, `registry.mutex()`: the method
      // stands for the mutex.
      const CXXMethodDecl *Method = Call->getMethodDecl();
      if (Method && Call->getNumArgs() == 0 &&
          Method->getReturnType()->isReferenceType())
        return cast<ValueDecl>(Method->getCanonicalDecl());
    }
    E = utils::stepTowardsName(E);
  }
  return nullptr;
}

static bool hasMethodNamed(const CXXRecordDecl *Record, StringRef Name,
                           unsigned Depth = 0) {
  if (!Record || Depth > 8 || !Record->hasDefinition())
    return false;
  Record = Record->getDefinition();
  for (const CXXMethodDecl *Method : Record->methods())
    if (Method->getIdentifier() && Method->getName() == Name)
      return true;
  for (const CXXBaseSpecifier &Base : Record->bases())
    if (hasMethodNamed(Base.getType()->getAsCXXRecordDecl(), Name, Depth + 1))
      return true;
  return false;
}

static const llvm::StringSet<> &guardNames() {
  static const llvm::StringSet<> Names = {"std::lock_guard",
                                          "std::unique_lock",
                                          "std::scoped_lock",
                                          "std::shared_lock",
                                          "absl::MutexLock",
                                          "absl::ReaderMutexLock",
                                          "absl::WriterMutexLock",
                                          "absl::ReleasableMutexLock",
                                          "boost::lock_guard",
                                          "boost::unique_lock",
                                          "boost::shared_lock",
                                          "boost::upgrade_lock",
                                          "boost::interprocess::scoped_lock"};
  return Names;
}

static bool isSharedGuardName(StringRef Name) {
  return Name == "std::shared_lock" || Name == "absl::ReaderMutexLock" ||
         Name == "boost::shared_lock";
}

/// Whether \p S calls a function whose name says it unlocks.
static bool callsUnlock(const Stmt *S) {
  if (!S)
    return false;
  if (const auto *Call = dyn_cast<CallExpr>(S))
    if (const FunctionDecl *Callee = Call->getDirectCallee();
        Callee && Callee->getIdentifier() &&
        (Callee->getName().contains_insensitive("unlock") ||
         Callee->getName().contains_insensitive("release")))
      return true;
  return llvm::any_of(S->children(), callsUnlock);
}

/// A scoped guard of the project's own: a class whose constructor takes a
/// lock (by pointer or reference) and whose destructor unlocks it (seen in
/// its body; when the body is in another file, the class name says Lock,
/// Guard or Locker).
static bool isProjectGuard(const CXXRecordDecl *Record) {
  static thread_local unsigned Depth = 0;
  if (!Record || !Record->hasDefinition() || Depth > 2 || Record->isLambda())
    return false;
  const CXXDestructorDecl *Dtor = Record->getDestructor();
  if (!Dtor || Dtor->isImplicit())
    return false;
  ++Depth;
  bool TakesLock =
      llvm::any_of(Record->ctors(), [](const CXXConstructorDecl *C) {
        return !C->isCopyOrMoveConstructor() &&
               llvm::any_of(C->parameters(), [](const ParmVarDecl *P) {
                 QualType T = P->getType();
                 if (T->isPointerType())
                   T = T->getPointeeType();
                 return (T->isReferenceType() ||
                         P->getType()->isPointerType()) &&
                        isLockType(T.getNonReferenceType());
               });
      });
  --Depth;
  if (!TakesLock)
    return false;
  if (const FunctionDecl *Def = Dtor->getDefinition(); Def && Def->getBody())
    return callsUnlock(Def->getBody());
  StringRef Name = Record->getName();
  return Name.contains_insensitive("lock") ||
         Name.contains_insensitive("guard");
}

bool isGuardType(QualType T) {
  if (T.isNull())
    return false;
  T = T.getNonReferenceType();
  if (guardNames().contains(utils::qualifiedClassName(T)))
    return true;
  const CXXRecordDecl *Record = T->getAsCXXRecordDecl();
  return Record &&
         (Record->hasAttr<ScopedLockableAttr>() || isProjectGuard(Record));
}

namespace {
/// Which records of a translation unit are locks (isLockType).
struct LockRecords {
  explicit LockRecords(ASTContext &) {}
  llvm::DenseMap<const CXXRecordDecl *, bool> IsLock;
};
} // namespace

bool isLockType(QualType T) {
  if (T.isNull())
    return false;
  T = T.getNonReferenceType();
  while (const ArrayType *Array = T->getAsArrayTypeUnsafe())
    T = Array->getElementType();
  if (utils::hasTypedefNamed(T, {"pthread_mutex_t", "pthread_rwlock_t",
                                 "pthread_spinlock_t", "mtx_t"}))
    return true;
  static const llvm::StringSet<> Names = {
      "std::mutex",           "std::timed_mutex",
      "std::recursive_mutex", "std::recursive_timed_mutex",
      "std::shared_mutex",    "std::shared_timed_mutex",
      "absl::Mutex",          "boost::mutex",
      "boost::timed_mutex",   "boost::recursive_mutex",
      "boost::shared_mutex",  "boost::upgrade_mutex"};
  const CXXRecordDecl *Record = T->getAsCXXRecordDecl();
  if (!Record)
    return false;
  // Asked for the type of every expression a lock call or a guard may name,
  // and the answer walks the record's bases: once per record and TU.
  auto &Known = perContext<LockRecords>(Record->getASTContext()).IsLock;
  const CXXRecordDecl *Key = Record->getCanonicalDecl();
  if (auto It = Known.find(Key); It != Known.end())
    return It->second;
  bool IsLock = Names.contains(Record->getQualifiedNameAsString()) ||
                Record->hasAttr<CapabilityAttr>() ||
                // Any BasicLockable that is not a guard (std::weak_ptr has
                // lock() only).
                (!isGuardType(T) && hasMethodNamed(Record, "lock") &&
                 hasMethodNamed(Record, "unlock"));
  Known[Key] = IsLock;
  return IsLock;
}

// ---- the walk --------------------------------------------------------------

namespace {
enum class LockTag { None, Defer, Adopt, Try };

LockTag tagOf(const Expr *Arg) {
  std::string Name = utils::qualifiedClassName(Arg->getType());
  if (Name == "std::defer_lock_t" || Name == "boost::defer_lock_t")
    return LockTag::Defer;
  if (Name == "std::adopt_lock_t" || Name == "boost::adopt_lock_t")
    return LockTag::Adopt;
  if (Name == "std::try_to_lock_t" || Name == "boost::try_to_lock_t")
    return LockTag::Try;
  return LockTag::None;
}

/// The arguments of a guard variable's initializer, whatever its spelling:
///   std::lock_guard g(m);  auto g = std::unique_lock(m);  G<M> g{m};
llvm::SmallVector<const Expr *, 3> initArgs(const Expr *Init) {
  llvm::SmallVector<const Expr *, 3> Args;
  for (unsigned Depth = 0; Init && Depth < 8; ++Depth) {
    Init = Init->IgnoreImplicit();
    if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(Init)) {
      Init = Cast->getSubExpr();
      continue;
    }
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(Init)) {
      // A copy/move from a temporary guard: look at the temporary.
      if (Construct->getNumArgs() == 1 &&
          Construct->getConstructor()->isCopyOrMoveConstructor()) {
        Init = Construct->getArg(0);
        continue;
      }
      for (const Expr *Arg : Construct->arguments())
        if (!isa<CXXDefaultArgExpr>(Arg))
          Args.push_back(Arg);
      return Args;
    }
    if (const auto *Unresolved = dyn_cast<CXXUnresolvedConstructExpr>(Init)) {
      Args.append(Unresolved->arg_begin(), Unresolved->arg_end());
      return Args;
    }
    if (const auto *List = dyn_cast<ParenListExpr>(Init)) {
      for (unsigned I = 0; I < List->getNumExprs(); ++I)
        Args.push_back(List->getExpr(I));
      return Args;
    }
    if (const auto *List = dyn_cast<InitListExpr>(Init)) {
      Args.append(List->inits().begin(), List->inits().end());
      return Args;
    }
    return Args;
  }
  return Args;
}

/// A guard's argument that is a mutex (or, in a template, may be one).
bool mayBeMutexArg(const Expr *Arg) {
  QualType T = Arg->getType();
  if (T.isNull() || T->isDependentType())
    return true;
  if (T->isPointerType())
    T = T->getPointeeType();
  return isLockType(T);
}

bool isCFunction(const FunctionDecl &F) {
  return F.isExternC() ||
         F.getDeclContext()->getRedeclContext()->isTranslationUnit();
}

enum class Effect { None, Lock, LockShared, Unlock };

Effect memberEffect(StringRef Name) {
  static const llvm::StringSet<> Exclusive = {"lock",
                                              "try_lock",
                                              "try_lock_for",
                                              "try_lock_until",
                                              "Lock",
                                              "TryLock",
                                              "WriterLock",
                                              "WriterTryLock",
                                              "LockWhen",
                                              "LockWhenWithTimeout",
                                              "LockWhenWithDeadline"};
  static const llvm::StringSet<> Shared = {"lock_shared",
                                           "try_lock_shared",
                                           "try_lock_shared_for",
                                           "try_lock_shared_until",
                                           "ReaderLock",
                                           "ReaderTryLock",
                                           "ReaderLockWhen",
                                           "ReaderLockWhenWithTimeout",
                                           "ReaderLockWhenWithDeadline"};
  static const llvm::StringSet<> Release = {"unlock", "unlock_shared", "Unlock",
                                            "ReaderUnlock", "WriterUnlock"};
  if (Exclusive.contains(Name))
    return Effect::Lock;
  if (Shared.contains(Name))
    return Effect::LockShared;
  if (Release.contains(Name))
    return Effect::Unlock;
  return Effect::None;
}

Effect cFunctionEffect(StringRef Name) {
  static const llvm::StringSet<> Exclusive = {"pthread_mutex_lock",
                                              "pthread_mutex_trylock",
                                              "pthread_mutex_timedlock",
                                              "pthread_mutex_clocklock",
                                              "pthread_rwlock_wrlock",
                                              "pthread_rwlock_trywrlock",
                                              "pthread_rwlock_timedwrlock",
                                              "pthread_rwlock_clockwrlock",
                                              "pthread_spin_lock",
                                              "pthread_spin_trylock",
                                              "mtx_lock",
                                              "mtx_trylock",
                                              "mtx_timedlock"};
  static const llvm::StringSet<> Shared = {
      "pthread_rwlock_rdlock", "pthread_rwlock_tryrdlock",
      "pthread_rwlock_timedrdlock", "pthread_rwlock_clockrdlock"};
  static const llvm::StringSet<> Release = {
      "pthread_mutex_unlock", "pthread_rwlock_unlock", "pthread_spin_unlock",
      "mtx_unlock"};
  if (Exclusive.contains(Name))
    return Effect::Lock;
  if (Shared.contains(Name))
    return Effect::LockShared;
  if (Release.contains(Name))
    return Effect::Unlock;
  return Effect::None;
}
} // namespace

/// How many times a loop body is walked at most before its held locks
/// settle (each pass can only drop locks; two passes are the usual case).
static constexpr unsigned MaxLoopPasses = 4;

/// Walks one body in source order; see the header for the approximations.
class LockWalker {
public:
  LockWalker(FunctionLockModel &Out, clang::ASTContext &Ctx)
      : Out(Out), Ctx(Ctx) {}

  void run(const FunctionDecl &F) {
    Self = &F;
    for (const auto *Requires : F.specific_attrs<RequiresCapabilityAttr>())
      for (const Expr *Arg : Requires->args())
        if (const ValueDecl *D = mutexDeclOf(Arg)) {
          HeldLock Lock{LockId{D}, Arg->getExprLoc(), nullptr,
                        Requires->isShared(), HeldBy::Annotation};
          Out.OnEntry.push_back(Lock);
          Cur.Held.push_back({Lock, nullptr});
        }
    Scopes.emplace_back();
    visit(F.getBody());
    noteExit();
    if (Exit) {
      for (const Active &L : Exit->Held)
        if (!L.Guard && !L.Restores && L.Lock.Kind == HeldBy::Explicit)
          Out.OnExit.push_back(L.Lock);
      for (const LockId &Id : Exit->Released)
        Out.Released.push_back(
            HeldLock{Id, {}, nullptr, false, HeldBy::Explicit});
    }
    Scopes.clear();
  }

private:
  struct Active {
    HeldLock Lock;
    const VarDecl *Guard; // null: explicit or annotation
    /// Re-takes a lock of the caller that this function released earlier
    /// (`unlock(&m); sleep(); lock(&m);`): no net effect on return.
    bool Restores = false;
  };
  struct State {
    llvm::SmallVector<Active, 4> Held;
    /// Held on some of the paths that met here and not on the others; none
    /// of Held.
    llvm::SmallVector<Active, 1> Maybe;
    /// Locks of the caller (held on entry, not taken here) that this path
    /// released and did not take again.
    llvm::SmallVector<LockId, 1> Released;
    bool Dead = false; // after return/throw/break/continue/goto
  };
  /// Where `break` and `continue` go: the states that jump there.
  struct JumpTarget {
    bool Loop = false; // a loop (continue stops here) or a switch
    std::optional<State> Breaks;
    std::optional<State> Continues;
  };
  struct GuardInfo {
    llvm::SmallVector<std::pair<LockId, SourceLocation>, 2> Mutexes;
    bool Shared = false;
  };

  FunctionLockModel &Out;
  clang::ASTContext &Ctx;
  const FunctionDecl *Self = nullptr;
  State Cur;
  /// The state on return: joined over every return and the end of the body.
  std::optional<State> Exit;

  void noteExit() {
    if (Cur.Dead)
      return;
    Exit = Exit ? join(*Exit, Cur) : Cur;
  }
  bool Dirty = true;
  llvm::DenseMap<const VarDecl *, GuardInfo> Guards;
  llvm::SmallVector<llvm::SmallVector<const VarDecl *, 2>, 8> Scopes;
  llvm::SmallVector<State, 2> SwitchEntries;
  llvm::SmallVector<JumpTarget, 4> Jumps;
  /// Walking a loop body again (its held locks changed at the back edge).
  unsigned Rewalking = 0;

  void set(State S) {
    Cur = std::move(S);
    Dirty = true;
  }

  /// Held after two paths meet: held on every live path.
  static State join(const State &A, const State &B) {
    if (A.Dead)
      return B;
    if (B.Dead)
      return A;
    State Out;
    for (const Active &L : A.Held)
      if (llvm::any_of(B.Held, [&](const Active &M) {
            return M.Lock.Id == L.Lock.Id && M.Guard == L.Guard;
          }))
        Out.Held.push_back(L);
    // Held on one path only (or by another owner on each): maybe held.
    auto AddMaybe = [&](llvm::ArrayRef<Active> Locks) {
      for (const Active &L : Locks)
        if (!holdsId(Out.Held, L.Lock.Id) && !holdsId(Out.Maybe, L.Lock.Id))
          Out.Maybe.push_back(L);
    };
    for (const State *From : {&A, &B}) {
      AddMaybe(From->Held);
      AddMaybe(From->Maybe);
    }
    // Released on one path: the caller's lock may be free after the join.
    Out.Released = A.Released;
    for (const LockId &Id : B.Released)
      if (!llvm::is_contained(Out.Released, Id))
        Out.Released.push_back(Id);
    return Out;
  }

  template <typename List> static bool holdsId(const List &Locks, LockId Id) {
    return llvm::any_of(Locks,
                        [&](const Active &L) { return L.Lock.Id == Id; });
  }

  static void joinInto(std::optional<State> &Into, const State &S) {
    if (!S.Dead)
      Into = Into ? join(*Into, S) : S;
  }

  /// Same locks held (by the same owners) and released: a loop's fixpoint.
  static bool sameLocks(const State &A, const State &B) {
    if (A.Dead != B.Dead || A.Held.size() != B.Held.size() ||
        A.Maybe.size() != B.Maybe.size() ||
        A.Released.size() != B.Released.size())
      return false;
    if (llvm::any_of(A.Maybe, [&](const Active &L) {
          return !holdsId(B.Maybe, L.Lock.Id);
        }))
      return false;
    return llvm::all_of(A.Held,
                        [&](const Active &L) {
                          return llvm::any_of(B.Held, [&](const Active &M) {
                            return M.Lock.Id == L.Lock.Id && M.Guard == L.Guard;
                          });
                        }) &&
           llvm::all_of(A.Released, [&](const LockId &Id) {
             return llvm::is_contained(B.Released, Id);
           });
  }

  void record(const Stmt *S) {
    if (Cur.Held.empty() && Cur.Maybe.empty()) {
      if (Rewalking) // a loop's earlier pass may have seen a lock here
        Out.SnapshotOf.erase(S);
      return;
    }
    if (Dirty) {
      auto &Snapshot = Out.Snapshots.emplace_back();
      for (const Active &L : Cur.Held)
        Snapshot.push_back(L.Lock);
      auto &Maybe = Out.MaybeSnapshots.emplace_back();
      for (const Active &L : Cur.Maybe)
        Maybe.push_back(L.Lock);
      Dirty = false;
    }
    Out.SnapshotOf[S] = Out.Snapshots.size() - 1;
  }

  void pushScope() { Scopes.emplace_back(); }
  void popScope() {
    for (const VarDecl *Guard : Scopes.back())
      releaseGuard(Guard);
    Scopes.pop_back();
  }

  /// Acquires \p Locks together (one statement), owned by \p Guard if any.
  void acquire(llvm::ArrayRef<HeldLock> Locks, const VarDecl *Guard) {
    llvm::SmallVector<HeldLock, 2> Before;
    for (const Active &L : Cur.Held)
      Before.push_back(L.Lock);
    for (const HeldLock &L : Locks) {
      dropMaybe(L.Id);
      Out.Acquisitions.push_back({L, Before});
      Cur.Held.push_back({L, Guard, !Guard && restore(L.Id)});
    }
    Dirty = true;
  }

  /// Takes \p Id off the caller's locks this path released: true when it
  /// was there (the function takes its caller's lock back).
  bool restore(LockId Id) {
    auto It = llvm::find(Cur.Released, Id);
    if (It == Cur.Released.end())
      return false;
    Cur.Released.erase(It);
    return true;
  }

  void releaseGuard(const VarDecl *Guard) {
    size_t Before = Cur.Held.size() + Cur.Maybe.size();
    auto Owned = [&](const Active &L) { return L.Guard == Guard; };
    llvm::erase_if(Cur.Held, Owned);
    llvm::erase_if(Cur.Maybe, Owned);
    Dirty |= Before != Cur.Held.size() + Cur.Maybe.size();
  }

  /// Forgets that \p Id may be held (taken again, or released on the path
  /// that held it): true when it was maybe held.
  bool dropMaybe(LockId Id) {
    size_t Before = Cur.Maybe.size();
    llvm::erase_if(Cur.Maybe, [&](const Active &L) { return L.Lock.Id == Id; });
    Dirty |= Before != Cur.Maybe.size();
    return Before != Cur.Maybe.size();
  }

  /// Releases the latest explicit hold of \p Id, else the latest of any kind.
  void releaseExplicit(LockId Id) {
    auto Match = [&](bool ExplicitOnly) {
      for (size_t I = Cur.Held.size(); I-- > 0;)
        if (Cur.Held[I].Lock.Id == Id &&
            (!ExplicitOnly || !Cur.Held[I].Guard)) {
          Cur.Held.erase(Cur.Held.begin() + I);
          Dirty = true;
          return true;
        }
      return false;
    };
    // Maybe held: released on the path that holds it (`if (x) unlock(&m)`
    // after `if (!x) unlock(&m)`), not a release of the caller's lock.
    if (!Match(true) && !Match(false) && !dropMaybe(Id) &&
        !llvm::is_contained(Cur.Released, Id))
      Cur.Released.push_back(Id);
  }

  void visitChildren(const Stmt *S) {
    for (const Stmt *Child : S->children())
      visit(Child);
  }

  void visit(const Stmt *S);
  void loop(const Stmt *S);
  void declare(const VarDecl &Var, const DeclStmt &Decl);
  void memberCall(const CXXMemberCallExpr &Call);
  void freeCall(const CallExpr &Call);
  bool wrapperCall(const FunctionDecl &Callee, const CallExpr &Call);
  bool capabilityCall(const FunctionDecl &Callee, const CallExpr *Call,
                      llvm::ArrayRef<const Expr *> Args, const Expr *Object,
                      const Stmt &At);
};

void LockWalker::visit(const Stmt *S) {
  if (!S)
    return;
  record(S);

  if (const auto *Block = dyn_cast<CompoundStmt>(S)) {
    pushScope();
    for (const Stmt *Child : Block->body())
      visit(Child);
    popScope();
    return;
  }
  if (const auto *Decls = dyn_cast<DeclStmt>(S)) {
    for (const Decl *D : Decls->decls())
      if (const auto *Var = dyn_cast<VarDecl>(D)) {
        visit(Var->getInit());
        declare(*Var, *Decls);
      }
    return;
  }
  if (const auto *If = dyn_cast<IfStmt>(S)) {
    pushScope();
    visit(If->getInit());
    visit(If->getConditionVariableDeclStmt());
    visit(If->getCond());
    State Entry = Cur;
    visit(If->getThen());
    State AfterThen = Cur;
    set(Entry);
    visit(If->getElse());
    set(join(AfterThen, Cur));
    popScope();
    return;
  }
  if (isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt>(S)) {
    loop(S);
    return;
  }
  if (const auto *Switch = dyn_cast<SwitchStmt>(S)) {
    pushScope();
    visit(Switch->getInit());
    visit(Switch->getConditionVariableDeclStmt());
    visit(Switch->getCond());
    SwitchEntries.push_back(Cur);
    Jumps.push_back({});
    visit(Switch->getBody());
    State Entry = SwitchEntries.pop_back_val();
    JumpTarget Target = Jumps.pop_back_val();
    State After = join(Entry, Cur);
    if (Target.Breaks)
      After = join(After, *Target.Breaks);
    set(After);
    popScope();
    return;
  }
  if (const auto *Case = dyn_cast<SwitchCase>(S)) {
    // Reached from the switch, or by falling through the previous case.
    if (!SwitchEntries.empty())
      set(join(Cur, SwitchEntries.back()));
    visit(Case->getSubStmt());
    return;
  }
  if (const auto *Try = dyn_cast<CXXTryStmt>(S)) {
    State Entry = Cur;
    visit(Try->getTryBlock());
    State After = Cur;
    for (unsigned I = 0; I < Try->getNumHandlers(); ++I) {
      set(Entry);
      visit(Try->getHandler(I)->getHandlerBlock());
      After = join(After, Cur);
    }
    set(After);
    return;
  }
  if (isa<ReturnStmt, BreakStmt, ContinueStmt, GotoStmt, IndirectGotoStmt,
          CoreturnStmt, CXXThrowExpr>(S)) {
    visitChildren(S);
    if (isa<ReturnStmt>(S))
      noteExit();
    else if (isa<BreakStmt>(S) && !Jumps.empty())
      joinInto(Jumps.back().Breaks, Cur);
    else if (isa<ContinueStmt>(S))
      for (JumpTarget &Target : llvm::reverse(Jumps))
        if (Target.Loop) {
          joinInto(Target.Continues, Cur);
          break;
        }
    Cur.Dead = true;
    return;
  }
  if (const auto *Label = dyn_cast<LabelStmt>(S)) {
    Cur.Dead = false;
    visit(Label->getSubStmt());
    return;
  }
  if (const auto *Lambda = dyn_cast<LambdaExpr>(S)) {
    // The body runs later, maybe elsewhere: it is the lambda's own function.
    for (const Expr *Init : Lambda->capture_inits())
      visit(Init);
    return;
  }
  if (isa<BlockExpr>(S))
    return;
  if (const auto *Coroutine = dyn_cast<CoroutineBodyStmt>(S)) {
    visit(Coroutine->getBody());
    return;
  }
  if (const auto *Member = dyn_cast<CXXMemberCallExpr>(S)) {
    visitChildren(S);
    memberCall(*Member);
    return;
  }
  if (const auto *Call = dyn_cast<CallExpr>(S)) {
    visitChildren(S);
    freeCall(*Call);
    if (const FunctionDecl *Callee = Call->getDirectCallee();
        Callee && Callee->isNoReturn())
      Cur.Dead = true;
    return;
  }
  visitChildren(S);
}

/// True for a loop condition that never ends the loop: absent (`for (;;)`)
/// or a constant true (`while (1)`).
static bool neverEnds(const Expr *Cond, const ASTContext &Ctx) {
  if (!Cond)
    return true;
  if (Cond->isValueDependent())
    return false;
  bool Value = false;
  return Cond->EvaluateAsBooleanCondition(Value, Ctx) && Value;
}

/// A loop: the body runs from the state on entry joined with the state at
/// the back edge (the end of the body, and every `continue`), until the
/// held locks stop changing; a lock released in the body and taken again
/// before the back edge stays held in it. After the loop: the state where
/// its condition fails, joined with every `break`.
void LockWalker::loop(const Stmt *S) {
  pushScope();
  const Stmt *Body = nullptr;
  const Expr *Cond = nullptr;
  const Stmt *Latch = nullptr; // runs after the body: `for`'s increment
  bool CondFirst = true;
  if (const auto *For = dyn_cast<ForStmt>(S)) {
    visit(For->getInit());
    Cond = For->getCond();
    Body = For->getBody();
    Latch = For->getInc();
  } else if (const auto *While = dyn_cast<WhileStmt>(S)) {
    Cond = While->getCond();
    Body = While->getBody();
  } else if (const auto *Range = dyn_cast<CXXForRangeStmt>(S)) {
    visit(Range->getInit());
    visit(Range->getRangeInit());
    Body = Range->getBody();
  } else {
    const auto *Do = cast<DoStmt>(S);
    Cond = Do->getCond();
    Body = Do->getBody();
    CondFirst = false;
  }
  bool Endless = !isa<CXXForRangeStmt>(S) && neverEnds(Cond, Ctx);
  auto Head = [&] { // the condition (with a `for`/`while` variable)
    if (const auto *For = dyn_cast<ForStmt>(S))
      visit(For->getConditionVariableDeclStmt());
    else if (const auto *While = dyn_cast<WhileStmt>(S))
      visit(While->getConditionVariableDeclStmt());
    visit(Cond);
  };
  size_t AcquisitionsBefore = Out.Acquisitions.size();
  State Entry = Cur;
  State Exit;
  Exit.Dead = true;
  for (unsigned Pass = 0; Pass < MaxLoopPasses; ++Pass) {
    if (Pass == 1)
      ++Rewalking;
    Out.Acquisitions.resize(AcquisitionsBefore);
    set(Entry);
    Exit = State();
    Exit.Dead = true;
    if (CondFirst) {
      Head();
      if (!Endless)
        Exit = Cur;
    }
    Jumps.push_back({true, std::nullopt, std::nullopt});
    visit(Body);
    JumpTarget Target = Jumps.pop_back_val();
    if (Target.Continues)
      set(join(Cur, *Target.Continues));
    visit(Latch);
    if (!CondFirst) {
      Head();
      if (!Endless)
        Exit = Cur;
    }
    if (Target.Breaks)
      Exit = join(Exit, *Target.Breaks);
    State Next = join(Entry, Cur);
    if (sameLocks(Next, Entry) || Pass + 1 == MaxLoopPasses) {
      Rewalking -= Pass > 0;
      break;
    }
    Entry = std::move(Next);
  }
  set(Exit);
  popScope();
}

void LockWalker::declare(const VarDecl &Var, const DeclStmt &Decl) {
  if (!Var.hasLocalStorage() || isa<ParmVarDecl>(Var) ||
      Var.getType()->isReferenceType() || !isGuardType(Var.getType()))
    return;
  GuardInfo Info;
  Info.Shared = isSharedGuardName(utils::qualifiedClassName(Var.getType()));
  LockTag Tag = LockTag::None;
  for (const Expr *Arg : initArgs(Var.getInit())) {
    if (LockTag T = tagOf(Arg); T != LockTag::None) {
      Tag = T;
      continue;
    }
    if (!mayBeMutexArg(Arg))
      continue;
    if (const ValueDecl *D = mutexDeclOf(Arg))
      Info.Mutexes.push_back({LockId{D}, Arg->getExprLoc()});
  }
  Scopes.back().push_back(&Var);
  auto &Stored = Guards[&Var] = Info;
  if (Tag == LockTag::Defer)
    return;
  llvm::SmallVector<HeldLock, 2> Taken;
  for (const auto &[Id, Loc] : Stored.Mutexes) {
    if (Tag == LockTag::Adopt) {
      // Ownership of a lock taken earlier (m.lock(), std::lock) moves to the
      // guard; it is not a new acquisition.
      bool Moved = false;
      for (Active &L : llvm::reverse(Cur.Held))
        if (L.Lock.Id == Id && !L.Guard) {
          L.Guard = &Var;
          Moved = true;
          Dirty = true;
          break;
        }
      if (Moved)
        continue;
    }
    Taken.push_back(HeldLock{Id, Loc, &Decl, Stored.Shared, HeldBy::Guard,
                             Tag == LockTag::Try});
  }
  if (Tag == LockTag::Adopt) {
    // Adopting a lock taken by someone else: held, but not acquired here.
    for (const HeldLock &L : Taken) {
      dropMaybe(L.Id);
      Cur.Held.push_back({L, &Var});
    }
    Dirty = true;
    return;
  }
  acquire(Taken, &Var);
}

bool LockWalker::capabilityCall(const FunctionDecl &Callee,
                                const CallExpr *Call,
                                llvm::ArrayRef<const Expr *> Args,
                                const Expr *Object, const Stmt &At) {
  // An attribute argument naming a parameter stands for the call's argument;
  // none at all means the object the method is called on.
  auto Resolve =
      [&](llvm::iterator_range<Expr **> AttrArgs,
          llvm::SmallVectorImpl<std::pair<LockId, SourceLocation>> &Into) {
        if (AttrArgs.empty()) {
          if (const ValueDecl *D = Object ? mutexDeclOf(Object) : nullptr)
            Into.push_back({LockId{D}, Object->getExprLoc()});
          return;
        }
        for (const Expr *AttrArg : AttrArgs) {
          const Expr *Bare = AttrArg->IgnoreParenImpCasts();
          if (const auto *Unary = dyn_cast<UnaryOperator>(Bare))
            Bare = Unary->getSubExpr()->IgnoreParenImpCasts();
          if (const auto *Ref = dyn_cast<DeclRefExpr>(Bare))
            if (const auto *Param = dyn_cast<ParmVarDecl>(Ref->getDecl())) {
              unsigned Index = Param->getFunctionScopeIndex();
              if (Index < Args.size())
                if (const ValueDecl *D = mutexDeclOf(Args[Index]))
                  Into.push_back({LockId{D}, Args[Index]->getExprLoc()});
              continue;
            }
          if (const ValueDecl *D = mutexDeclOf(AttrArg))
            Into.push_back(
                {LockId{D}, Object ? Object->getExprLoc() : At.getBeginLoc()});
        }
      };
  bool Handled = false;
  for (const Attr *A : Callee.attrs()) {
    llvm::SmallVector<std::pair<LockId, SourceLocation>, 2> Locks;
    if (const auto *Acquire = dyn_cast<AcquireCapabilityAttr>(A)) {
      Resolve(Acquire->args(), Locks);
      llvm::SmallVector<HeldLock, 2> Taken;
      for (const auto &[Id, Loc] : Locks)
        Taken.push_back(
            HeldLock{Id, Loc, &At, Acquire->isShared(), HeldBy::Explicit});
      acquire(Taken, nullptr);
      Handled = true;
    } else if (const auto *Try = dyn_cast<TryAcquireCapabilityAttr>(A)) {
      Resolve(Try->args(), Locks);
      llvm::SmallVector<HeldLock, 2> Taken;
      for (const auto &[Id, Loc] : Locks)
        Taken.push_back(
            HeldLock{Id, Loc, &At, Try->isShared(), HeldBy::Explicit, true});
      acquire(Taken, nullptr);
      Handled = true;
    } else if (const auto *Release = dyn_cast<ReleaseCapabilityAttr>(A)) {
      Resolve(Release->args(), Locks);
      for (const auto &Lock : Locks)
        releaseExplicit(Lock.first);
      Handled = true;
    }
  }
  (void)Call;
  return Handled;
}

void LockWalker::memberCall(const CXXMemberCallExpr &Call) {
  const CXXMethodDecl *Method = Call.getMethodDecl();
  const Expr *Object = Call.getImplicitObjectArgument();
  if (!Method || !Object)
    return;
  const Expr *Bare = Object->IgnoreParenImpCasts();

  // A call on a guard variable: lk.unlock(), lk.lock(), lk.release().
  if (const auto *Ref = dyn_cast<DeclRefExpr>(Bare))
    if (const auto *Var = dyn_cast<VarDecl>(Ref->getDecl()))
      if (auto It = Guards.find(Var); It != Guards.end()) {
        if (!Method->getIdentifier())
          return;
        StringRef Name = Method->getName();
        Effect E = memberEffect(Name);
        if (E == Effect::Lock || E == Effect::LockShared) {
          releaseGuard(Var); // a second lock() is an error; keep one hold
          llvm::SmallVector<HeldLock, 2> Taken;
          for (const auto &[Id, Loc] : It->second.Mutexes)
            Taken.push_back(
                HeldLock{Id, Loc, &Call, It->second.Shared, HeldBy::Guard});
          acquire(Taken, Var);
        } else if (E == Effect::Unlock || Name == "Release") {
          releaseGuard(Var);
        } else if (Name == "release") {
          // The mutex stays locked, now owned by nobody in particular.
          for (Active &L : Cur.Held)
            if (L.Guard == Var) {
              L.Guard = nullptr;
              L.Lock.Kind = HeldBy::Explicit;
              Dirty = true;
            }
        }
        return;
      }

  llvm::SmallVector<const Expr *, 4> Args(Call.arguments());
  if (capabilityCall(*Method, &Call, Args, Object, Call))
    return;
  if (!Method->getIdentifier())
    return;
  Effect E = memberEffect(Method->getName());
  QualType T = Object->getType();
  if (T->isPointerType())
    T = T->getPointeeType();
  if (E == Effect::None || !isLockType(T)) {
    wrapperCall(*Method, Call);
    return;
  }
  const ValueDecl *D = mutexDeclOf(Object);
  if (!D)
    return;
  if (E == Effect::Unlock) {
    releaseExplicit(LockId{D});
    return;
  }
  HeldLock Lock{LockId{D},
                Object->getExprLoc(),
                &Call,
                E == Effect::LockShared,
                HeldBy::Explicit,
                Method->getName().contains_insensitive("try")};
  acquire(Lock, nullptr);
}

void LockWalker::freeCall(const CallExpr &Call) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  if (!Callee)
    return;
  llvm::SmallVector<const Expr *, 4> Args(Call.arguments());
  if (isa<CXXOperatorCallExpr>(Call))
    return;
  if (capabilityCall(*Callee, &Call, Args, nullptr, Call))
    return;
  if (!Callee->getIdentifier())
    return;
  StringRef Name = Callee->getName();
  if (Callee->isInStdNamespace() && Name == "lock" && Args.size() >= 2) {
    // std::lock(a, b, ...): all at once, deadlock-free among themselves.
    llvm::SmallVector<HeldLock, 2> Taken;
    for (const Expr *Arg : Args)
      if (const ValueDecl *D = mutexDeclOf(Arg))
        Taken.push_back(HeldLock{LockId{D}, Arg->getExprLoc(), &Call, false,
                                 HeldBy::Explicit});
    acquire(Taken, nullptr);
    return;
  }
  if (isCFunction(*Callee) && Args.size() >= 2 &&
      (Name == "pthread_cond_wait" || Name == "pthread_cond_timedwait" ||
       Name == "pthread_cond_clockwait" || Name == "cnd_wait" ||
       Name == "cnd_timedwait")) {
    // It returns with the mutex held, whatever the walk believed before it
    // (a loop that unlocks before waiting again, or the caller's lock); no
    // new acquisition, and no net effect for the callers.
    if (const ValueDecl *D = mutexDeclOf(Args[1]);
        D && llvm::none_of(Cur.Held, [&](const Active &L) {
          return L.Lock.Id == LockId{D};
        })) {
      restore(LockId{D});
      dropMaybe(LockId{D});
      Cur.Held.push_back({HeldLock{LockId{D}, Args[1]->getExprLoc(), &Call,
                                   false, HeldBy::Explicit},
                          nullptr, true});
      Dirty = true;
    }
    return;
  }
  Effect E = isCFunction(*Callee) && !Args.empty() ? cFunctionEffect(Name)
                                                   : Effect::None;
  if (E == Effect::None) {
    wrapperCall(*Callee, Call);
    return;
  }
  const ValueDecl *D = mutexDeclOf(Args[0]);
  if (!D)
    return;
  if (E == Effect::Unlock) {
    releaseExplicit(LockId{D});
    return;
  }
  acquire(HeldLock{LockId{D}, Args[0]->getExprLoc(), &Call,
                   E == Effect::LockShared, HeldBy::Explicit,
                   Name.contains("try")},
          nullptr);
}

/// A call of a lock wrapper of this TU: a function whose net effect is to
/// acquire (`void counters_lock(void) { pthread_mutex_lock(&mu); }`) or
/// release a lock. A lock that is a parameter of the wrapper stands for the
/// call's argument. Methods of lock classes are locks themselves (above).
bool LockWalker::wrapperCall(const FunctionDecl &Callee, const CallExpr &Call) {
  const FunctionDecl *Def = Callee.getDefinition();
  if (!Def || Def == Self || !Def->getBody() ||
      Ctx.getSourceManager().isInSystemHeader(Def->getLocation()))
    return false;
  if (const auto *Method = dyn_cast<CXXMethodDecl>(Def))
    if (isLockType(compat::recordType(Ctx, Method->getParent())))
      return false;
  const FunctionLockModel &Model = LockModels::of(Ctx).function(*Def);
  if (Model.heldOnExit().empty() && Model.releasedOnExit().empty())
    return false;
  auto Resolve = [&](const ValueDecl *D) -> const ValueDecl * {
    if (const auto *Param = dyn_cast<ParmVarDecl>(D)) {
      unsigned Index = Param->getFunctionScopeIndex();
      unsigned Shift = isa<CXXOperatorCallExpr>(Call) ? 1 : 0;
      if (Index + Shift < Call.getNumArgs())
        return mutexDeclOf(Call.getArg(Index + Shift));
      return nullptr;
    }
    if (const auto *Var = dyn_cast<VarDecl>(D); Var && Var->hasLocalStorage())
      return nullptr;
    return D;
  };
  for (const HeldLock &L : Model.releasedOnExit())
    if (const ValueDecl *D = Resolve(L.Id.Decl))
      releaseExplicit(LockId{D});
  llvm::SmallVector<HeldLock, 2> Taken;
  for (const HeldLock &L : Model.heldOnExit())
    if (const ValueDecl *D = Resolve(L.Id.Decl))
      Taken.push_back(HeldLock{LockId{D}, Call.getExprLoc(), &Call, L.Shared,
                               HeldBy::Explicit, L.Try});
  if (!Taken.empty())
    acquire(Taken, nullptr);
  return true;
}

// ---- FunctionLockModel and LockModels --------------------------------------

FunctionLockModel::FunctionLockModel(const FunctionDecl &F, ASTContext &Ctx) {
  if (!F.getBody())
    return;
  LockWalker(*this, Ctx).run(F);
}

llvm::ArrayRef<HeldLock> FunctionLockModel::heldAt(const Stmt *S) const {
  auto It = SnapshotOf.find(S);
  if (It == SnapshotOf.end())
    return {};
  return Snapshots[It->second];
}

llvm::ArrayRef<HeldLock> FunctionLockModel::maybeHeldAt(const Stmt *S) const {
  auto It = SnapshotOf.find(S);
  if (It == SnapshotOf.end())
    return {};
  return MaybeSnapshots[It->second];
}

LockModels &LockModels::of(ASTContext &Ctx) {
  return perContext<LockModels>(Ctx);
}

const FunctionLockModel &LockModels::function(const FunctionDecl &F) {
  if (auto It = Models.find(&F); It != Models.end())
    return *It->second;
  // Wrappers are modelled through their own model: a recursion among them
  // sees an empty model rather than looping.
  static const FunctionLockModel Empty;
  if (!InProgress.insert(&F).second)
    return Empty;
  auto Model = std::make_unique<FunctionLockModel>(F, Ctx);
  InProgress.erase(&F);
  std::unique_ptr<FunctionLockModel> &Slot = Models[&F];
  Slot = std::move(Model);
  return *Slot;
}

const FunctionDecl *LockModels::enclosingFunction(const Stmt &S) {
  // One definition of "the function a statement runs in" for every model:
  // a lambda body is its own function, its captures belong to the outside.
  return model::enclosingFunction(S, Ctx);
}

llvm::ArrayRef<HeldLock> LockModels::heldAt(const Stmt &S) {
  const FunctionDecl *F = enclosingFunction(S);
  if (!F)
    return {};
  return function(*F).heldAt(&S);
}

} // namespace loadcheck::model
