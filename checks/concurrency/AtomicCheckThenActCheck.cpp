//===--- AtomicCheckThenActCheck.cpp --------------------------------------===//
#include "checks/concurrency/AtomicCheckThenActCheck.h"
#include "checks/model/LockModel.h"
#include "checks/model/SyncFacts.h"
#include "checks/model/ThreadEntry.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/NamedEntity.h"
#include "checks/utils/UserLocation.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ExprCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Analysis/Analyses/ExprMutationAnalyzer.h"

#include <optional>

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::concurrency {
namespace {

constexpr llvm::StringRef IfBinding = "if";

/// The atomic object of a member call (`a.load()`, `p->store(1)`), when the
/// call is on a std::atomic.
const Expr *atomicObject(const CXXMemberCallExpr &Call) {
  const Expr *Object = Call.getImplicitObjectArgument();
  if (!Object)
    return nullptr;
  // `n.load()` on std::atomic<int> calls __atomic_base<int>::load through
  // a derived-to-base cast: look at the object as written.
  Object = Object->IgnoreParenImpCasts();
  QualType T = Object->getType();
  if (T->isPointerType())
    T = T->getPointeeType();
  return model::isStdAtomic(T) ? Object : nullptr;
}

/// C11 atomics (<stdatomic.h>): `atomic_load(&flag)` expands to an
/// AtomicExpr on a pointer to the object; an `_Atomic` object read or
/// assigned directly is atomic too.
enum class C11Access { Load, Store, ReadModifyWrite, None };

C11Access c11Access(const AtomicExpr &A) {
  switch (A.getOp()) {
  case AtomicExpr::AO__c11_atomic_load:
  case AtomicExpr::AO__atomic_load:
  case AtomicExpr::AO__atomic_load_n:
    return C11Access::Load;
  case AtomicExpr::AO__c11_atomic_store:
  case AtomicExpr::AO__atomic_store:
  case AtomicExpr::AO__atomic_store_n:
    return C11Access::Store;
  case AtomicExpr::AO__c11_atomic_init:
    return C11Access::None;
  default: // exchange, compare_exchange_*, fetch_*
    return C11Access::ReadModifyWrite;
  }
}

/// The object of `atomic_load(&flag)`: `flag`; of `atomic_load(p)`: `p`.
const Expr *c11Object(const AtomicExpr &A) {
  const Expr *Ptr = A.getPtr()->IgnoreParenImpCasts();
  if (const auto *Addr = dyn_cast<UnaryOperator>(Ptr);
      Addr && Addr->getOpcode() == UO_AddrOf)
    return Addr->getSubExpr()->IgnoreParenImpCasts();
  return Ptr;
}

bool isC11AtomicObject(const Expr *E) {
  return E && E->getType()->isAtomicType();
}

/// `x++`, `x += n` on an `_Atomic` object: one atomic read-modify-write.
const Expr *c11UpdatedObject(const Stmt *S) {
  if (const auto *Op = dyn_cast<UnaryOperator>(S);
      Op && Op->isIncrementDecrementOp() && isC11AtomicObject(Op->getSubExpr()))
    return Op->getSubExpr()->IgnoreParenImpCasts();
  if (const auto *Op = dyn_cast<CompoundAssignOperator>(S);
      Op && isC11AtomicObject(Op->getLHS()))
    return Op->getLHS()->IgnoreParenImpCasts();
  return nullptr;
}

/// Atomic objects read by \p S as a plain load: `a.load()`, or the implicit
/// conversion in `!flag`, `a == x`. An `exchange` or `compare_exchange_*`
/// is not a plain load: testing its result is the correct idiom.
void collectAtomicReads(const Stmt *S,
                        llvm::SmallVectorImpl<const Expr *> &Out) {
  if (!S || isa<LambdaExpr>(S))
    return;
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(S))
    if (const CXXMethodDecl *Method = Call->getMethodDecl())
      if (isa<CXXConversionDecl>(Method) ||
          (Method->getIdentifier() && Method->getName() == "load"))
        if (const Expr *Object = atomicObject(*Call))
          Out.push_back(Object);
  if (const auto *A = dyn_cast<AtomicExpr>(S);
      A && c11Access(*A) == C11Access::Load)
    Out.push_back(c11Object(*A));
  if (const auto *Load = dyn_cast<ImplicitCastExpr>(S);
      Load && Load->getCastKind() == CK_LValueToRValue &&
      isC11AtomicObject(Load->getSubExpr()))
    Out.push_back(Load->getSubExpr()->IgnoreParenImpCasts());
  for (const Stmt *Child : S->children())
    collectAtomicReads(Child, Out);
}

/// Atomic objects \p S reads and writes in one step: `exchange`,
/// `compare_exchange_*`, `fetch_*`, `++`, `--`, compound assignment.
void collectAtomicRMWs(const Stmt *S,
                       llvm::SmallVectorImpl<const Expr *> &Out) {
  if (!S || isa<LambdaExpr>(S))
    return;
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(S)) {
    if (const CXXMethodDecl *Method = Call->getMethodDecl();
        Method && Method->getIdentifier() &&
        (Method->getName() == "exchange" ||
         Method->getName().starts_with("compare_exchange") ||
         Method->getName().starts_with("fetch_")))
      if (const Expr *Object = atomicObject(*Call))
        Out.push_back(Object);
  } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(S)) {
    if ((Op->getOperator() != OO_Equal && Op->isAssignmentOp()) ||
        Op->getOperator() == OO_PlusPlus || Op->getOperator() == OO_MinusMinus)
      if (Op->getNumArgs() >= 1 &&
          model::isStdAtomic(Op->getArg(0)->IgnoreParenImpCasts()->getType()))
        Out.push_back(Op->getArg(0)->IgnoreParenImpCasts());
  } else if (const auto *A = dyn_cast<AtomicExpr>(S);
             A && c11Access(*A) == C11Access::ReadModifyWrite) {
    Out.push_back(c11Object(*A));
  } else if (const Expr *Updated = c11UpdatedObject(S)) {
    Out.push_back(Updated);
  }
  for (const Stmt *Child : S->children())
    collectAtomicRMWs(Child, Out);
}

/// Whether the value of \p E is thrown away: a statement of its own.
bool resultUnused(const Expr &E, ASTContext &Ctx) {
  const Stmt *Current = &E;
  while (true) {
    DynTypedNodeList Parents = Ctx.getParents(*Current);
    const Stmt *Parent = Parents.empty() ? nullptr : Parents[0].get<Stmt>();
    if (!Parent)
      return false;
    if (isa<ExprWithCleanups, ParenExpr, ImplicitCastExpr>(Parent)) {
      Current = Parent;
      continue;
    }
    if (const auto *Cast = dyn_cast<ExplicitCastExpr>(Parent))
      return Cast->getType()->isVoidType();
    if (const auto *If = dyn_cast<IfStmt>(Parent))
      return If->getCond() != Current;
    return isa<CompoundStmt>(Parent);
  }
}

struct Act {
  const Expr *Object;
  const Expr *Where;
};

bool readsAny(const Stmt *Cond, llvm::ArrayRef<const Expr *> Objects,
              const ASTContext &Ctx) {
  llvm::SmallVector<const Expr *, 2> Reads;
  collectAtomicReads(Cond, Reads);
  return llvm::any_of(Reads, [&](const Expr *R) {
    return llvm::any_of(
        Objects, [&](const Expr *O) { return model::sameObject(R, O, Ctx); });
  });
}

/// Writes to the atomic objects \p Checked within \p S: `store`, `=`, `++`,
/// `--`, compound assignment, and `exchange`/`fetch_*` whose result is
/// ignored. An inner `if` that re-checks the same atomic owns the acts in
/// its branches (the double-checked pattern on an atomic).
void collectActs(const Stmt *S, llvm::ArrayRef<const Expr *> Checked,
                 ASTContext &Ctx, llvm::SmallVectorImpl<Act> &Out) {
  if (!S || isa<LambdaExpr>(S))
    return;
  if (const auto *If = dyn_cast<IfStmt>(S))
    if (readsAny(If->getCond(), Checked, Ctx))
      return;
  const Expr *Object = nullptr;
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(S)) {
    const CXXMethodDecl *Method = Call->getMethodDecl();
    if (Method && Method->getIdentifier()) {
      llvm::StringRef Name = Method->getName();
      if (Name == "store" ||
          ((Name == "exchange" || Name.starts_with("fetch_")) &&
           resultUnused(*Call, Ctx)))
        Object = atomicObject(*Call);
    }
  } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(S)) {
    switch (Op->getOperator()) {
    case OO_Equal:
    case OO_PlusPlus:
    case OO_MinusMinus:
    case OO_PlusEqual:
    case OO_MinusEqual:
    case OO_AmpEqual:
    case OO_PipeEqual:
    case OO_CaretEqual:
      if (Op->getNumArgs() >= 1 &&
          model::isStdAtomic(Op->getArg(0)->IgnoreParenImpCasts()->getType()))
        Object = Op->getArg(0)->IgnoreParenImpCasts();
      break;
    default:
      break;
    }
  } else if (const auto *A = dyn_cast<AtomicExpr>(S)) {
    C11Access Access = c11Access(*A);
    if (Access == C11Access::Store ||
        (Access == C11Access::ReadModifyWrite && resultUnused(*A, Ctx)))
      Object = c11Object(*A);
  } else if (const auto *Assign = dyn_cast<BinaryOperator>(S);
             Assign && Assign->getOpcode() == BO_Assign &&
             isC11AtomicObject(Assign->getLHS())) {
    Object = Assign->getLHS()->IgnoreParenImpCasts();
  } else if (const Expr *Updated = c11UpdatedObject(S)) {
    Object = Updated;
  }
  if (Object && llvm::any_of(Checked, [&](const Expr *C) {
        return model::sameObject(C, Object, Ctx);
      }))
    Out.push_back({Object, cast<Expr>(S)});
  for (const Stmt *Child : S->children())
    collectActs(Child, Checked, Ctx, Out);
}

/// The value an operand of a condition requires of the atomic \p Object when
/// the operand is a plain truth test of it: `flag`, `flag.load()` (true) or
/// `!flag` (false).
std::optional<bool> testedValue(const Expr *Operand, const Expr *Object,
                                ASTContext &Ctx) {
  bool Value = true;
  const Expr *Tested = Operand;
  if (const auto *Not = dyn_cast<UnaryOperator>(Operand->IgnoreParenImpCasts());
      Not && Not->getOpcode() == UO_LNot) {
    Value = false;
    Tested = Not->getSubExpr();
  }
  // The reads are collected above the implicit casts: a C11 load is one.
  llvm::SmallVector<const Expr *, 1> Reads;
  collectAtomicReads(Tested, Reads);
  if (Reads.size() != 1 || !model::sameObject(Reads.front(), Object, Ctx))
    return std::nullopt;
  // The read must be the whole operand, not a comparison or a call on it.
  const Expr *Bare = Tested->IgnoreParenImpCasts();
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(Bare);
      Call && atomicObject(*Call) == Reads.front())
    return Value;
  if (const auto *Load = dyn_cast<AtomicExpr>(Bare);
      Load && c11Object(*Load) == Reads.front())
    return Value;
  if (Bare == Reads.front())
    return Value;
  return std::nullopt;
}

/// The value a then-branch can count on for \p Object: the value a truth
/// test of it requires, when the test is an operand of the condition's
/// top-level chain of `&&` (it held) or `||` (it held, or the branch was
/// taken for another operand, not for the atomic's value).
std::optional<bool> valueOnEntry(const Expr *Cond, const Expr *Object,
                                 ASTContext &Ctx) {
  const auto *Chain = dyn_cast<BinaryOperator>(Cond->IgnoreParenImpCasts());
  if (!Chain || !Chain->isLogicalOp())
    return testedValue(Cond, Object, Ctx);
  BinaryOperatorKind Kind = Chain->getOpcode();
  llvm::SmallVector<const Expr *, 4> Pending = {Chain};
  while (!Pending.empty()) {
    const Expr *E = Pending.pop_back_val();
    if (const auto *B = dyn_cast<BinaryOperator>(E->IgnoreParenImpCasts());
        B && B->getOpcode() == Kind) {
      Pending.push_back(B->getLHS());
      Pending.push_back(B->getRHS());
    } else if (std::optional<bool> V = testedValue(E, Object, Ctx)) {
      return V;
    }
  }
  return std::nullopt;
}

/// The constant an act stores: `flag = true`, `flag.store(true)`,
/// `atomic_store(&flag, 1)`; nullopt for other acts or values.
std::optional<bool> storedConstant(const Expr &Where, ASTContext &Ctx) {
  const Expr *Value = nullptr;
  if (const auto *Call = dyn_cast<CXXMemberCallExpr>(&Where)) {
    const CXXMethodDecl *Method = Call->getMethodDecl();
    if (Method && Method->getIdentifier() && Method->getName() == "store" &&
        Call->getNumArgs() >= 1)
      Value = Call->getArg(0);
  } else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(&Where)) {
    if (Op->getOperator() == OO_Equal && Op->getNumArgs() == 2)
      Value = Op->getArg(1);
  } else if (const auto *Assign = dyn_cast<BinaryOperator>(&Where)) {
    if (Assign->getOpcode() == BO_Assign)
      Value = Assign->getRHS();
  } else if (const auto *A = dyn_cast<AtomicExpr>(&Where)) {
    if (c11Access(*A) == C11Access::Store)
      Value = A->getVal1();
  }
  bool Result = false;
  if (Value) // `closed = true` on an _Atomic converts the value to atomic
    Value = Value->IgnoreImpCasts();
  if (!Value || Value->isValueDependent() ||
      !Value->EvaluateAsBooleanCondition(Result, Ctx))
    return std::nullopt;
  return Result;
}

/// Plain (non-atomic) shared scalars read by \p S: a variable with static
/// storage or a data member, of pointer, bool, integer, enum or
/// unique_ptr/shared_ptr type.
void collectPlainReads(const Stmt *S,
                       llvm::SmallVectorImpl<const Expr *> &Out) {
  if (!S || isa<LambdaExpr>(S))
    return;
  if (const auto *E = dyn_cast<Expr>(S)) {
    if (const ValueDecl *D = utils::namedObject(E);
        D && (isa<DeclRefExpr>(E) || isa<MemberExpr>(E))) {
      const auto *Var = dyn_cast<VarDecl>(D);
      QualType T = D->getType();
      bool Shared = isa<FieldDecl>(D) || (Var && Var->hasGlobalStorage());
      bool Scalar = T->isPointerType() || T->isIntegralOrEnumerationType();
      if (const CXXRecordDecl *R = T->getAsCXXRecordDecl())
        Scalar = R->isInStdNamespace() && R->getIdentifier() &&
                 (R->getName() == "unique_ptr" || R->getName() == "shared_ptr");
      if (Shared && Scalar && !T.isConstQualified() && !model::isStdAtomic(T)) {
        Out.push_back(E);
        return;
      }
    }
  }
  for (const Stmt *Child : S->children())
    collectPlainReads(Child, Out);
}

/// The uses of \p Object in \p S, outside nested lambdas.
void collectUses(const Stmt *S, const Expr *Object, const ASTContext &Ctx,
                 llvm::SmallVectorImpl<const Expr *> &Out) {
  if (!S || isa<LambdaExpr>(S))
    return;
  if (isa<DeclRefExpr, MemberExpr>(S) &&
      model::sameObject(cast<Expr>(S), Object, Ctx))
    Out.push_back(cast<Expr>(S));
  for (const Stmt *Child : S->children())
    collectUses(Child, Object, Ctx, Out);
}

/// The first statement of \p S that writes \p Object: `p = ...`,
/// `p.reset(...)`, `++n`, passing it by non-const reference (clang's
/// ExprMutationAnalyzer); null when none does.
const Stmt *findWrite(const Stmt *S, const Expr *Object, ASTContext &Ctx) {
  llvm::SmallVector<const Expr *, 4> Uses;
  collectUses(S, Object, Ctx, Uses);
  if (Uses.empty())
    return nullptr;
  ExprMutationAnalyzer Analyzer(*S, Ctx);
  for (const Expr *Use : Uses)
    if (const Stmt *Write = Analyzer.findMutation(Use))
      return Write;
  return nullptr;
}

/// Whether \p S runs while its object is under construction or
/// destruction, so not shared yet (any more). Asked only of candidates: it
/// needs the parent map.
bool notShared(const Stmt &S, ASTContext &Ctx) {
  const FunctionDecl *Function = model::enclosingFunction(S, Ctx);
  return !Function || isa<CXXConstructorDecl, CXXDestructorDecl>(Function);
}

/// Every `if` below \p S, not looking into lambdas.
void collectIfs(const Stmt *S, llvm::SmallVectorImpl<const IfStmt *> &Out) {
  if (!S || isa<LambdaExpr>(S))
    return;
  if (const auto *If = dyn_cast<IfStmt>(S))
    Out.push_back(If);
  for (const Stmt *Child : S->children())
    collectIfs(Child, Out);
}

} // namespace

void AtomicCheckThenActCheck::registerMatchers(MatchFinder *Finder) {
  // if (<check>) <act>; with the check in the condition. Instantiations are
  // matched too (an atomic of dependent type is only resolved there);
  // check() reports each spelling once.
  Finder->addMatcher(
      ifStmt(utils::inUserCode(), unless(isConstexpr())).bind(IfBinding), this);
}

void AtomicCheckThenActCheck::check(const MatchFinder::MatchResult &Result) {
  const auto *If = Result.Nodes.getNodeAs<IfStmt>(IfBinding);
  ASTContext &Ctx = *Result.Context;
  if (!checkThenAct(*If, Ctx))
    doubleCheckedLocking(*If, Ctx);
}

bool AtomicCheckThenActCheck::checkThenAct(const IfStmt &If, ASTContext &Ctx) {
  llvm::SmallVector<const Expr *, 2> Reads;
  collectAtomicReads(If.getInit(), Reads);
  collectAtomicReads(If.getCond(), Reads);
  // `if (!busy.load() && !busy.exchange(true))`: the exchange decides, the
  // load only saves a cache-line write (test-and-test-and-set).
  llvm::SmallVector<const Expr *, 2> RMWs;
  collectAtomicRMWs(If.getInit(), RMWs);
  collectAtomicRMWs(If.getCond(), RMWs);
  llvm::erase_if(Reads, [&](const Expr *R) {
    return llvm::any_of(
        RMWs, [&](const Expr *W) { return model::sameObject(R, W, Ctx); });
  });
  if (Reads.empty())
    return false;
  llvm::SmallVector<Act, 2> Acts;
  collectActs(If.getThen(), Reads, Ctx, Acts);
  // `if (closed || failed) closed = true;`: storing the value the check
  // found (or storing it for another reason) loses no update.
  llvm::erase_if(Acts, [&](const Act &A) {
    std::optional<bool> Stored = storedConstant(*A.Where, Ctx);
    return Stored && !If.getInit() &&
           valueOnEntry(If.getCond(), A.Object, Ctx) == Stored;
  });
  collectActs(If.getElse(), Reads, Ctx, Acts);
  if (Acts.empty())
    return false;
  // A check made under a lock: the writers are serialised by it. (Asked
  // last: it builds the function's lock model.)
  if (notShared(If, Ctx) || !model::LockModels::of(Ctx).heldAt(If).empty())
    return true;
  const Act &First = Acts.front();
  const Expr *Check = *llvm::find_if(Reads, [&](const Expr *R) {
    return model::sameObject(R, First.Object, Ctx);
  });
  const SourceManager &SM = Ctx.getSourceManager();
  SourceLocation Loc = SM.getFileLoc(Check->getBeginLoc());
  if (!Reported.insert(Loc).second)
    return true;
  // sameObject() found the check through the declaration both designate.
  const ValueDecl *Atomic = utils::namedObject(First.Object);
  diag(Loc, "check-then-act on atomic %0 lets another thread slip in; "
            "use %select{|atomic_}1compare_exchange_strong")
      << Atomic << !Ctx.getLangOpts().CPlusPlus
      << utils::fileRange(If.getCond()->getSourceRange(), SM,
                          Ctx.getLangOpts());
  diag(SM.getFileLoc(First.Where->getExprLoc()), "%0 written here",
       DiagnosticIDs::Note)
      << Atomic;
  return true;
}

bool AtomicCheckThenActCheck::doubleCheckedLocking(const IfStmt &If,
                                                   ASTContext &Ctx) {
  llvm::SmallVector<const Expr *, 2> Checked;
  collectPlainReads(If.getCond(), Checked);
  if (Checked.empty())
    return false;
  llvm::SmallVector<const IfStmt *, 4> Inner;
  collectIfs(If.getThen(), Inner);
  for (const IfStmt *Recheck : Inner) {
    llvm::SmallVector<const Expr *, 2> Rechecked;
    collectPlainReads(Recheck->getCond(), Rechecked);
    for (const Expr *Object : Checked) {
      if (llvm::none_of(Rechecked, [&](const Expr *R) {
            return model::sameObject(R, Object, Ctx);
          }))
        continue;
      // A lock taken between the two checks: held at the re-check, not at
      // the first check (a function that locks first is not double-checked).
      model::LockModels &Locks = model::LockModels::of(Ctx);
      llvm::ArrayRef<model::HeldLock> Held = Locks.heldAt(*Recheck);
      if (Held.empty() || !Locks.heldAt(If).empty() || notShared(If, Ctx))
        continue;
      const Stmt *Write = findWrite(Recheck->getThen(), Object, Ctx);
      if (!Write)
        continue;
      const SourceManager &SM = Ctx.getSourceManager();
      SourceLocation Loc = SM.getFileLoc(Object->getBeginLoc());
      if (!Reported.insert(Loc).second)
        return true;
      const ValueDecl *Var = utils::namedObject(Object);
      diag(Loc, "double-checked locking on non-atomic %0 races; use "
                "%select{std::call_once|pthread_once}1 or an atomic")
          << Var << !Ctx.getLangOpts().CPlusPlus
          << utils::fileRange(If.getCond()->getSourceRange(), SM,
                              Ctx.getLangOpts());
      diag(SM.getFileLoc(Held.back().AcquiredAt), "%0 acquired here",
           DiagnosticIDs::Note)
          << Held.back().Id.Decl;
      SourceLocation WriteLoc = isa<Expr>(Write)
                                    ? cast<Expr>(Write)->getExprLoc()
                                    : Write->getBeginLoc();
      diag(SM.getFileLoc(WriteLoc), "%0 written here", DiagnosticIDs::Note)
          << Var;
      return true;
    }
  }
  return false;
}

} // namespace loadcheck::concurrency
