//===--- SyncFacts.cpp - small facts about synchronisation code -----------===//
#include "checks/utils/SyncFacts.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/FoldingSet.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang;

namespace loadcheck::utils {
namespace {

/// The class a type names once sugar and references are stripped.
const CXXRecordDecl *recordOf(QualType T) {
  if (T.isNull())
    return nullptr;
  return T.getNonReferenceType()->getAsCXXRecordDecl();
}

/// Whether \p D is `<Namespace>::<one of Names>`, where Namespace "std"
/// also accepts libstdc++'s inline namespaces.
bool isNamed(const NamedDecl *D, llvm::StringRef Namespace,
             llvm::ArrayRef<llvm::StringRef> Names) {
  if (!D || !D->getIdentifier() || !llvm::is_contained(Names, D->getName()))
    return false;
  if (Namespace == "std")
    return D->isInStdNamespace();
  const auto *NS =
      dyn_cast<NamespaceDecl>(D->getDeclContext()->getRedeclContext());
  while (NS && NS->isInline())
    NS = dyn_cast<NamespaceDecl>(NS->getDeclContext()->getRedeclContext());
  return NS && NS->getName() == Namespace &&
         NS->getDeclContext()->getRedeclContext()->isTranslationUnit();
}

/// Whether a typedef of one of \p Names appears in the sugar of \p T.
bool hasTypedefNamed(QualType T, llvm::ArrayRef<llvm::StringRef> Names) {
  while (!T.isNull()) {
    if (const auto *TT = T->getAs<TypedefType>()) {
      if (llvm::is_contained(Names, TT->getDecl()->getName()))
        return true;
      T = TT->desugar();
      continue;
    }
    return false;
  }
  return false;
}

const Stmt *parentStmt(const Stmt &S, ASTContext &Ctx) {
  for (const DynTypedNode &P : Ctx.getParents(S))
    if (const auto *PS = P.get<Stmt>())
      return PS;
  return nullptr;
}

llvm::StringRef calleeName(const CallExpr &Call) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  if (!Callee || !Callee->getIdentifier())
    return {};
  return Callee->getName();
}

/// A guard class whose constructor locks its argument.
bool isGuardType(QualType T) {
  const CXXRecordDecl *R = recordOf(T);
  static constexpr llvm::StringRef StdGuards[] = {"lock_guard", "unique_lock",
                                                  "scoped_lock", "shared_lock"};
  static constexpr llvm::StringRef AbslGuards[] = {
      "MutexLock", "ReaderMutexLock", "WriterMutexLock"};
  static constexpr llvm::StringRef BoostGuards[] = {
      "lock_guard", "unique_lock", "scoped_lock", "shared_lock"};
  return isNamed(R, "std", StdGuards) || isNamed(R, "absl", AbslGuards) ||
         isNamed(R, "boost", BoostGuards);
}

/// `m.lock()` on a mutex or `pthread_mutex_lock(&m)`: +1; the unlocks: -1.
int lockEffect(const Stmt *S) {
  const auto *E = dyn_cast_or_null<Expr>(S);
  if (!E)
    return 0;
  const auto *Call = dyn_cast<CallExpr>(E->IgnoreParenImpCasts());
  if (!Call)
    return 0;
  llvm::StringRef Name = calleeName(*Call);
  if (const auto *Member = dyn_cast<CXXMemberCallExpr>(Call)) {
    if (!isMutexType(Member->getImplicitObjectArgument()->getType()))
      return 0;
    if (Name == "lock" || Name == "lock_shared")
      return 1;
    if (Name == "unlock" || Name == "unlock_shared")
      return -1;
    return 0;
  }
  if (Name == "pthread_mutex_lock")
    return 1;
  if (Name == "pthread_mutex_unlock")
    return -1;
  return 0;
}

/// The guard declared by \p S, when it holds a lock from its construction
/// (not `std::unique_lock l(m, std::defer_lock)`).
const Stmt *guardDeclaredBy(const Stmt *S) {
  const auto *DS = dyn_cast_or_null<DeclStmt>(S);
  if (!DS)
    return nullptr;
  for (const Decl *D : DS->decls()) {
    const auto *Var = dyn_cast<VarDecl>(D);
    if (!Var || !isGuardType(Var->getType()))
      continue;
    if (const auto *Construct = dyn_cast_or_null<CXXConstructExpr>(
            Var->getInit() ? Var->getInit()->IgnoreImplicit() : nullptr)) {
      bool Deferred = llvm::any_of(Construct->arguments(), [](const Expr *A) {
        const CXXRecordDecl *R = recordOf(A->getType());
        return isNamed(R, "std", {"defer_lock_t"});
      });
      if (Deferred)
        continue;
    }
    return DS;
  }
  return nullptr;
}

} // namespace

bool isStdAtomic(QualType T) {
  return isNamed(recordOf(T), "std", {"atomic", "atomic_ref"});
}

bool isMutexType(QualType T) {
  if (T.isNull())
    return false;
  static constexpr llvm::StringRef StdMutexes[] = {
      "mutex",           "timed_mutex",
      "recursive_mutex", "recursive_timed_mutex",
      "shared_mutex",    "shared_timed_mutex"};
  static constexpr llvm::StringRef BoostMutexes[] = {"mutex", "shared_mutex",
                                                     "recursive_mutex"};
  QualType Plain = T.getNonReferenceType();
  const CXXRecordDecl *R = recordOf(Plain);
  return isNamed(R, "std", StdMutexes) || isNamed(R, "absl", {"Mutex"}) ||
         isNamed(R, "boost", BoostMutexes) ||
         hasTypedefNamed(Plain, {"pthread_mutex_t"});
}

bool isConditionVariableType(QualType T) {
  if (T.isNull())
    return false;
  static constexpr llvm::StringRef CondVars[] = {"condition_variable",
                                                 "condition_variable_any"};
  QualType Plain = T.getNonReferenceType();
  const CXXRecordDecl *R = recordOf(Plain);
  return isNamed(R, "std", CondVars) || isNamed(R, "boost", CondVars) ||
         isNamed(R, "absl", {"CondVar"}) ||
         hasTypedefNamed(Plain, {"pthread_cond_t"});
}

bool isSleepCall(const CallExpr &Call) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  if (!Callee || !Callee->getIdentifier())
    return false;
  llvm::StringRef Name = Callee->getName();
  const DeclContext *DC = Callee->getDeclContext()->getRedeclContext();
  if (const auto *NS = dyn_cast<NamespaceDecl>(DC);
      NS && NS->getName() == "this_thread")
    return Name == "sleep_for" || Name == "sleep_until";
  return DC->isTranslationUnit() && Callee->isExternC() &&
         (Name == "sleep" || Name == "usleep" || Name == "nanosleep");
}

bool isConditionWaitCall(const CallExpr &Call) {
  llvm::StringRef Name = calleeName(Call);
  if (const auto *Member = dyn_cast<CXXMemberCallExpr>(&Call)) {
    QualType Object = Member->getImplicitObjectArgument()->getType();
    if (isConditionVariableType(Object))
      return Name.starts_with("wait") || Name == "Wait" ||
             Name == "WaitWithTimeout";
    const CXXRecordDecl *R = recordOf(Object);
    return isNamed(R, "std", {"counting_semaphore", "binary_semaphore"}) &&
           Name.contains("acquire");
  }
  return Name == "pthread_cond_wait" || Name == "pthread_cond_timedwait" ||
         Name == "sem_wait" || Name == "sem_timedwait";
}

bool isWaitOrConsumeCall(const CallExpr &Call) {
  if (isConditionWaitCall(Call))
    return true;
  llvm::StringRef Name = calleeName(Call);
  if (Name.empty())
    return false;
  if (const auto *Member = dyn_cast<CXXMemberCallExpr>(&Call)) {
    static constexpr llvm::StringRef Consuming[] = {"pop",
                                                    "pop_front",
                                                    "pop_back",
                                                    "try_pop",
                                                    "try_dequeue",
                                                    "dequeue",
                                                    "take",
                                                    "try_take",
                                                    "receive",
                                                    "recv",
                                                    "read",
                                                    "read_some",
                                                    "accept",
                                                    "join",
                                                    "wait",
                                                    "wait_for",
                                                    "wait_until",
                                                    "get",
                                                    "arrive_and_wait",
                                                    "try_acquire_for",
                                                    "try_acquire_until",
                                                    "getline",
                                                    "poll",
                                                    "run_one",
                                                    "run_for",
                                                    "poll_one"};
    if (!llvm::is_contained(Consuming, Name))
      return false;
    // `get` waits only on futures; smart pointers and optionals also have
    // one that returns at once.
    if (Name == "get")
      return isNamed(recordOf(Member->getImplicitObjectArgument()->getType()),
                     "std", {"future", "shared_future"});
    return true;
  }
  static constexpr llvm::StringRef Blocking[] = {"read",
                                                 "recv",
                                                 "recvfrom",
                                                 "recvmsg",
                                                 "accept",
                                                 "accept4",
                                                 "poll",
                                                 "ppoll",
                                                 "select",
                                                 "pselect",
                                                 "epoll_wait",
                                                 "epoll_pwait",
                                                 "fread",
                                                 "fgets",
                                                 "getline",
                                                 "getchar",
                                                 "scanf",
                                                 "fscanf",
                                                 "msgrcv",
                                                 "mq_receive",
                                                 "sigwait",
                                                 "sigwaitinfo",
                                                 "pthread_join",
                                                 "waitpid",
                                                 "wait",
                                                 "pthread_cond_wait",
                                                 "pthread_cond_timedwait",
                                                 "sem_wait"};
  return llvm::is_contained(Blocking, Name);
}

const Stmt *lockHeldAt(const Stmt &S, ASTContext &Ctx, const Stmt *Stop) {
  const Stmt *Child = &S;
  while (const Stmt *Parent = parentStmt(*Child, Ctx)) {
    if (Parent == Stop || isa<LambdaExpr>(Parent))
      return nullptr;
    if (const auto *Block = dyn_cast<CompoundStmt>(Parent)) {
      // Statements before Child in this block: a guard still alive, or a
      // net positive lock()/unlock() balance.
      int Balance = 0;
      const Stmt *LastLock = nullptr;
      const Stmt *Guard = nullptr;
      for (const Stmt *Sibling : Block->body()) {
        if (Sibling == Child)
          break;
        if (const Stmt *G = guardDeclaredBy(Sibling))
          Guard = G;
        int Effect = lockEffect(Sibling);
        if (Effect > 0)
          LastLock = Sibling;
        Balance += Effect;
      }
      if (Guard)
        return Guard;
      if (Balance > 0)
        return LastLock;
    }
    Child = Parent;
  }
  return nullptr;
}

const ValueDecl *designatedDecl(const Expr *E) {
  if (!E)
    return nullptr;
  E = E->IgnoreParenImpCasts();
  if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
    return dyn_cast<VarDecl>(Ref->getDecl());
  if (const auto *Member = dyn_cast<MemberExpr>(E))
    return dyn_cast<FieldDecl>(Member->getMemberDecl());
  return nullptr;
}

bool sameObject(const Expr *A, const Expr *B, const ASTContext &Ctx) {
  if (!A || !B)
    return false;
  A = A->IgnoreParenImpCasts();
  B = B->IgnoreParenImpCasts();
  const ValueDecl *DA = designatedDecl(A);
  if (!DA || DA != designatedDecl(B))
    return false;
  llvm::FoldingSetNodeID IA, IB;
  A->Profile(IA, Ctx, /*Canonical=*/true);
  B->Profile(IB, Ctx, /*Canonical=*/true);
  return IA == IB;
}

const FunctionDecl *enclosingFunction(const Stmt &S, ASTContext &Ctx,
                                      bool ThroughLambdas) {
  DynTypedNodeList Parents = Ctx.getParents(S);
  while (!Parents.empty()) {
    const DynTypedNode &P = Parents[0];
    // A lambda's body hangs below the LambdaExpr, not its call operator.
    if (const auto *Lambda = P.get<LambdaExpr>(); Lambda && !ThroughLambdas)
      return Lambda->getCallOperator();
    if (const auto *FD = P.get<FunctionDecl>())
      return FD;
    Parents = Ctx.getParents(P);
  }
  return nullptr;
}

} // namespace loadcheck::utils
