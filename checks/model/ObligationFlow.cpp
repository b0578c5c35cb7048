//===--- ObligationFlow.cpp - does a local leave its scope owing? --------===//
#include "checks/model/ObligationFlow.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/StmtCXX.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/STLExtras.h"
#include <deque>
#include <optional>

using namespace clang;

namespace loadcheck::model {
namespace {

/// The nearest ancestor of \p S that is not a parenthesis or an implicit
/// cast, and the child of it on the way up.
std::pair<const Stmt *, const Stmt *> meaningfulParent(const ParentMap &PM,
                                                       const Stmt *S) {
  const Stmt *P = PM.getParent(S);
  while (P && (isa<ParenExpr>(P) || isa<ImplicitCastExpr>(P))) {
    S = P;
    P = PM.getParent(P);
  }
  return {P, S};
}

/// `x = rhs` as a built-in or overloaded assignment (templates keep the
/// dependent form as a BinaryOperator).
std::pair<const Expr *, const Expr *> assignmentOperands(const Stmt *S) {
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(S))
    if (Op->getOperator() == OO_Equal && Op->getNumArgs() == 2)
      return {Op->getArg(0), Op->getArg(1)};
  if (const auto *Op = dyn_cast<BinaryOperator>(S))
    if (Op->getOpcode() == BO_Assign)
      return {Op->getLHS(), Op->getRHS()};
  return {nullptr, nullptr};
}

/// Whether giving a variable the value of \p E opens an obligation: anything
/// but a default construction does (`T()`, `T{}`, `{}`, no initialiser).
bool opens(const Expr *E) {
  while (E) {
    E = E->IgnoreImplicit()->IgnoreParens();
    if (const auto *Construct = dyn_cast<CXXConstructExpr>(E)) {
      if (Construct->getNumArgs() == 0)
        return false;
      // `T x = T();` before C++17 elision: look through the move.
      if (Construct->getNumArgs() == 1 &&
          Construct->getConstructor()->isCopyOrMoveConstructor() &&
          isa<MaterializeTemporaryExpr>(Construct->getArg(0))) {
        E = Construct->getArg(0);
        continue;
      }
      return true;
    }
    if (const auto *Cast = dyn_cast<CXXFunctionalCastExpr>(E)) {
      E = Cast->getSubExpr();
      continue;
    }
    if (const auto *List = dyn_cast<InitListExpr>(E)) {
      if (List->getNumInits() == 0)
        return false;
      if (List->getNumInits() > 1)
        return true;
      E = List->getInit(0);
      continue;
    }
    if (const auto *Parens = dyn_cast<ParenListExpr>(E))
      return Parens->getNumExprs() != 0;
    if (const auto *Unresolved = dyn_cast<CXXUnresolvedConstructExpr>(E))
      return Unresolved->getNumArgs() != 0;
    return !isa<ImplicitValueInitExpr>(E);
  }
  return false;
}

class Flow {
public:
  Flow(const Decl &Function, Stmt &Body, ArrayRef<const VarDecl *> Vars,
       const ObligationPolicy &Policy, ASTContext &Ctx)
      : Policy(Policy), Ctx(Ctx), PM(&Body) {
    for (const VarDecl *V : Vars)
      Index.try_emplace(V, Index.size());
    Tracked.assign(Index.size(), nullptr);
    for (auto [V, I] : Index)
      Tracked[I] = V;
    findScopes(&Body);

    CFG::BuildOptions Options;
    Options.AddImplicitDtors = true;
    Options.setAllAlwaysAdd(); // every sub-expression is its own element
    Cfg = CFG::buildCFG(&Function, &Body, &Ctx, Options);
  }

  llvm::DenseMap<const VarDecl *, OpenExit> run() {
    llvm::DenseMap<const VarDecl *, OpenExit> Exits;
    if (!Cfg)
      return Exits;
    for (const CFGBlock *B : *Cfg)
      if (const auto *Try =
              dyn_cast_or_null<CXXTryStmt>(B->getTerminatorStmt()))
        Dispatch[Try] = B;

    // Forward "may be open" dataflow to a fixpoint. Blocks never reached
    // (handlers of a try whose body cannot throw) keep no state.
    const unsigned N = Cfg->getNumBlockIDs();
    In.assign(N, llvm::BitVector(Index.size()));
    Reached.assign(N, false);
    std::deque<const CFGBlock *> Work;
    auto Merge = [&](const CFGBlock *B, const llvm::BitVector &State) {
      llvm::BitVector &Into = In[B->getBlockID()];
      llvm::BitVector Old = Into;
      Into |= State;
      if (!Reached[B->getBlockID()] || Into != Old) {
        Reached[B->getBlockID()] = true;
        Work.push_back(B);
      }
    };
    Merge(&Cfg->getEntry(), llvm::BitVector(Index.size()));
    while (!Work.empty()) {
      const CFGBlock *B = Work.front();
      Work.pop_front();
      llvm::BitVector State = In[B->getBlockID()];
      transfer(*B, State, nullptr, Merge);
      propagate(*B, State, Merge);
    }

    // One last pass over the stable states records the exits.
    auto NoMerge = [](const CFGBlock *, const llvm::BitVector &) {};
    for (const CFGBlock *B : *Cfg) {
      if (!Reached[B->getBlockID()])
        continue;
      llvm::BitVector State = In[B->getBlockID()];
      transfer(*B, State, &Exits, NoMerge);
    }
    return Exits;
  }

private:
  using Exits = llvm::DenseMap<const VarDecl *, OpenExit>;

  /// Records the block or statement whose end destroys each tracked
  /// variable, to decide whether a throw leaves that scope.
  void findScopes(const Stmt *S) {
    if (const auto *DS = dyn_cast<DeclStmt>(S))
      for (const Decl *D : DS->decls())
        if (const auto *V = dyn_cast<VarDecl>(D); V && Index.count(V))
          Scope[V] = PM.getParent(DS);
    for (const Stmt *Child : S->children())
      if (Child)
        findScopes(Child);
  }

  std::optional<unsigned> trackedIndex(const Expr *E) const {
    if (!E)
      return std::nullopt;
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts()))
      if (const auto *V = dyn_cast<VarDecl>(Ref->getDecl())) {
        auto It = Index.find(V);
        if (It != Index.end())
          return It->second;
      }
    return std::nullopt;
  }

  /// Whether a use of a tracked variable leaves its obligation as it is:
  /// a neutral member call (`t.joinable()`) or the target of an assignment
  /// (handled at the assignment itself). Every other use closes it.
  bool isNeutralUse(const DeclRefExpr *Ref) const {
    auto [Parent, Child] = meaningfulParent(PM, Ref);
    if (!Parent)
      return false;
    if (const auto *Member = dyn_cast<MemberExpr>(Parent)) {
      const auto *Call = dyn_cast_or_null<CXXMemberCallExpr>(
          meaningfulParent(PM, Member).first);
      const IdentifierInfo *Name = Member->getMemberDecl()->getIdentifier();
      return Call && Name &&
             (Name->getName() == Policy.QueryMethod ||
              llvm::is_contained(Policy.NeutralMethods, Name->getName()));
    }
    auto [LHS, RHS] = assignmentOperands(Parent);
    return LHS && LHS->IgnoreParenImpCasts() == Ref;
  }

  /// The tracked variable that a use of another one is moved into, as in
  /// `std::thread b = std::move(a);` or `b = std::move(a);`: b then owes what
  /// a owed (nothing, if a never ran).
  std::optional<unsigned> moveDestination(const DeclRefExpr *Ref) const {
    const Stmt *Child = Ref;
    for (const Stmt *P = PM.getParent(Child); P;
         Child = P, P = PM.getParent(P)) {
      if (isa<ParenExpr, ImplicitCastExpr, MaterializeTemporaryExpr,
              ExprWithCleanups, CXXBindTemporaryExpr, CXXStaticCastExpr>(P))
        continue;
      if (const auto *Call = dyn_cast<CallExpr>(P)) {
        const FunctionDecl *Callee = Call->getDirectCallee();
        if (Callee && Callee->isInStdNamespace() && Callee->getIdentifier() &&
            Callee->getName() == "move" && Call->getNumArgs() == 1)
          continue;
      }
      if (const auto *Construct = dyn_cast<CXXConstructExpr>(P);
          Construct && Construct->getNumArgs() == 1 &&
          Construct->getConstructor()->isMoveConstructor())
        continue;
      if (const auto *DS = dyn_cast<DeclStmt>(P)) {
        for (const Decl *D : DS->decls())
          if (const auto *V = dyn_cast<VarDecl>(D); V && V->getInit() == Child)
            if (auto It = Index.find(V); It != Index.end())
              return It->second;
        return std::nullopt;
      }
      if (auto [LHS, RHS] = assignmentOperands(P); RHS == Child)
        return trackedIndex(LHS);
      return std::nullopt;
    }
    return std::nullopt;
  }

  /// The try statement whose body (not a handler) encloses \p S, if any.
  const CXXTryStmt *enclosingTry(const Stmt *S) const {
    for (const Stmt *P = PM.getParent(S); P; S = P, P = PM.getParent(P))
      if (const auto *Try = dyn_cast<CXXTryStmt>(P);
          Try && Try->getTryBlock() == S)
        return Try;
    return nullptr;
  }

  /// Whether \p Throw, inside the scope of \p V, is not caught inside it: no
  /// try body of that scope encloses the throw. Any handler counts as
  /// catching (we do not match exception types): stays silent when unsure.
  bool throwLeavesScope(const CXXThrowExpr *Throw, const VarDecl *V) const {
    const Stmt *VarScope = Scope.lookup(V);
    const Stmt *S = Throw;
    for (const Stmt *P = PM.getParent(S); P; S = P, P = PM.getParent(P)) {
      if (P == VarScope)
        return true;
      if (const auto *Try = dyn_cast<CXXTryStmt>(P);
          Try && Try->getTryBlock() == S)
        return false;
    }
    return false; // the throw is not inside the variable's scope
  }

  void record(Exits *Out, unsigned I, ExitKind Kind, SourceLocation Loc) {
    if (!Out || Loc.isInvalid())
      return;
    auto [It, Inserted] = Out->try_emplace(Tracked[I], OpenExit{Kind, Loc});
    if (!Inserted &&
        Ctx.getSourceManager().isBeforeInTranslationUnit(Loc, It->second.Loc))
      It->second = OpenExit{Kind, Loc};
  }

  static std::pair<ExitKind, SourceLocation> describeTrigger(const Stmt *S) {
    if (!S)
      return {ExitKind::ScopeEnd, SourceLocation()};
    if (isa<ReturnStmt>(S))
      return {ExitKind::Return, S->getBeginLoc()};
    if (isa<BreakStmt>(S))
      return {ExitKind::Break, S->getBeginLoc()};
    if (isa<ContinueStmt>(S))
      return {ExitKind::Continue, S->getBeginLoc()};
    if (isa<GotoStmt>(S) || isa<IndirectGotoStmt>(S))
      return {ExitKind::Goto, S->getBeginLoc()};
    if (const auto *Block = dyn_cast<CompoundStmt>(S))
      return {ExitKind::ScopeEnd, Block->getRBracLoc()};
    return {ExitKind::ScopeEnd, S->getEndLoc()};
  }

  /// A lambda that uses a tracked variable captures it, like the capture
  /// initialisers of a non-dependent lambda: `ScopeExit g([&] { t.join(); })`.
  /// Inside a template, the captures of `[&]` are only computed at
  /// instantiation, so the body's references stand for them.
  void closeCapturedInBody(const Stmt *S, llvm::BitVector &State) const {
    if (!S)
      return;
    if (const auto *Ref = dyn_cast<DeclRefExpr>(S))
      if (auto I = trackedIndex(Ref);
          I && Ref->refersToEnclosingVariableOrCapture())
        State.reset(*I);
    for (const Stmt *Child : S->children())
      closeCapturedInBody(Child, State);
  }

  template <typename MergeFn>
  void transfer(const CFGBlock &B, llvm::BitVector &State, Exits *Out,
                MergeFn &&Merge) {
    // Moves seen in this block whose destination is not given its value yet.
    llvm::SmallDenseMap<unsigned, bool, 2> MovedState;
    for (const CFGElement &E : B) {
      if (auto Dtor = E.getAs<CFGAutomaticObjDtor>()) {
        auto It = Index.find(Dtor->getVarDecl());
        if (It == Index.end() || !State.test(It->second))
          continue;
        auto [Kind, Loc] = describeTrigger(Dtor->getTriggerStmt());
        record(Out, It->second, Kind, Loc);
        State.reset(It->second);
        continue;
      }
      auto Element = E.getAs<CFGStmt>();
      if (!Element)
        continue;
      const Stmt *S = Element->getStmt();

      if (const auto *Lambda = dyn_cast<LambdaExpr>(S)) {
        closeCapturedInBody(Lambda->getBody(), State);
        continue;
      }
      if (const auto *Ref = dyn_cast<DeclRefExpr>(S)) {
        if (auto I = trackedIndex(Ref); I && !isNeutralUse(Ref)) {
          if (auto Into = moveDestination(Ref))
            MovedState[*Into] = State.test(*I);
          State.reset(*I);
        }
        continue;
      }
      // The value a tracked variable receives: what a moved-from tracked
      // variable owed, or an obligation unless default-constructed.
      auto Receive = [&](unsigned I, const Expr *Value) {
        auto Moved = MovedState.find(I);
        State[I] = Moved != MovedState.end() ? Moved->second : opens(Value);
        if (Moved != MovedState.end())
          MovedState.erase(Moved);
      };
      if (const auto *DS = dyn_cast<DeclStmt>(S)) {
        if (const auto *V = dyn_cast_or_null<VarDecl>(
                DS->isSingleDecl() ? DS->getSingleDecl() : nullptr))
          if (auto It = Index.find(V); It != Index.end())
            Receive(It->second, V->getInit());
        continue;
      }
      if (auto [LHS, RHS] = assignmentOperands(S); LHS) {
        if (auto I = trackedIndex(LHS))
          Receive(*I, RHS);
        continue;
      }
      if (const auto *Throw = dyn_cast<CXXThrowExpr>(S)) {
        for (unsigned I : State.set_bits())
          if (throwLeavesScope(Throw, Tracked[I])) {
            record(Out, I, ExitKind::Throw, Throw->getThrowLoc());
            State.reset(I);
          }
        continue;
      }
      // A call that may throw carries the state into the handlers of the
      // enclosing try, whose CFG edges only come from explicit throws.
      if (!Dispatch.empty() && State.any() &&
          (isa<CallExpr>(S) || isa<CXXConstructExpr>(S)))
        if (const CXXTryStmt *Try = enclosingTry(S))
          if (const CFGBlock *Handlers = Dispatch.lookup(Try))
            Merge(Handlers, State);
    }
  }

  /// Passes the state at the end of \p B to its successors; on the false
  /// edge of `if (x.joinable())` (or the true edge of `!x.joinable()`),
  /// x is known to owe nothing.
  template <typename MergeFn>
  void propagate(const CFGBlock &B, const llvm::BitVector &State,
                 MergeFn &&Merge) {
    std::optional<unsigned> Queried;
    bool Negated = false;
    if (const auto *Cond = dyn_cast_or_null<Expr>(B.getTerminatorCondition())) {
      const Expr *C = Cond->IgnoreParenImpCasts();
      while (const auto *Not = dyn_cast<UnaryOperator>(C)) {
        if (Not->getOpcode() != UO_LNot)
          break;
        Negated = !Negated;
        C = Not->getSubExpr()->IgnoreParenImpCasts();
      }
      if (const auto *Call = dyn_cast<CXXMemberCallExpr>(C))
        if (const auto *Method = Call->getMethodDecl();
            Method && Method->getIdentifier() &&
            Method->getName() == Policy.QueryMethod)
          Queried = trackedIndex(Call->getImplicitObjectArgument());
    }
    unsigned SuccIndex = 0;
    for (const CFGBlock *Succ : B.succs()) {
      unsigned Edge = SuccIndex++;
      if (!Succ)
        continue;
      if (Queried && B.succ_size() == 2 && Edge == (Negated ? 0u : 1u)) {
        llvm::BitVector Settled = State;
        Settled.reset(*Queried);
        Merge(Succ, Settled);
        continue;
      }
      Merge(Succ, State);
    }
  }

  const ObligationPolicy &Policy;
  ASTContext &Ctx;
  ParentMap PM;
  llvm::DenseMap<const VarDecl *, unsigned> Index;
  std::vector<const VarDecl *> Tracked;
  llvm::DenseMap<const VarDecl *, const Stmt *> Scope;
  llvm::DenseMap<const CXXTryStmt *, const CFGBlock *> Dispatch;
  std::unique_ptr<CFG> Cfg;
  std::vector<llvm::BitVector> In;
  std::vector<bool> Reached;
};

} // namespace

llvm::DenseMap<const VarDecl *, OpenExit>
findOpenExits(const Decl &Function, ArrayRef<const VarDecl *> Vars,
              const ObligationPolicy &Policy, ASTContext &Ctx) {
  Stmt *Body = Function.getBody();
  if (!Body || Vars.empty())
    return llvm::DenseMap<const VarDecl *, OpenExit>();
  return Flow(Function, *Body, Vars, Policy, Ctx).run();
}

} // namespace loadcheck::model
