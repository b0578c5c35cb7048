//===--- SyncFacts.cpp - small facts about synchronisation code -----------===//
#include "checks/model/SyncFacts.h"
#include "checks/utils/NamedEntity.h"
#include "checks/utils/TypeNames.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/StmtCXX.h"
#include "llvm/ADT/FoldingSet.h"
#include "llvm/ADT/STLExtras.h"

using namespace clang;

namespace loadcheck::model {
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

llvm::StringRef calleeName(const CallExpr &Call) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  if (!Callee || !Callee->getIdentifier())
    return {};
  return Callee->getName();
}

} // namespace

bool isStdAtomic(QualType T) {
  return isNamed(recordOf(T), "std", {"atomic", "atomic_ref"});
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
         utils::hasTypedefNamed(Plain, {"pthread_cond_t"});
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

namespace {
/// What a member call is made on, for the wait and wake questions.
enum class SyncObject { None, ConditionVariable, Semaphore, Other };

SyncObject syncObjectOf(const CXXMemberCallExpr &Member) {
  const Expr *ObjectExpr = Member.getImplicitObjectArgument();
  if (!ObjectExpr)
    return SyncObject::None;
  QualType Object = ObjectExpr->getType();
  if (isConditionVariableType(Object))
    return SyncObject::ConditionVariable;
  if (isNamed(recordOf(Object), "std",
              {"counting_semaphore", "binary_semaphore"}))
    return SyncObject::Semaphore;
  return SyncObject::Other;
}
} // namespace

bool isConditionWaitCall(const CallExpr &Call) {
  llvm::StringRef Name = calleeName(Call);
  if (const auto *Member = dyn_cast<CXXMemberCallExpr>(&Call)) {
    switch (syncObjectOf(*Member)) {
    case SyncObject::ConditionVariable:
      return Name.starts_with("wait") || Name == "Wait" ||
             Name == "WaitWithTimeout";
    case SyncObject::Semaphore:
      return Name.contains("acquire");
    default:
      return false;
    }
  }
  return Name == "pthread_cond_wait" || Name == "pthread_cond_timedwait" ||
         Name == "sem_wait" || Name == "sem_timedwait";
}

bool isWakeCall(const CallExpr &Call) {
  llvm::StringRef Name = calleeName(Call);
  if (const auto *Member = dyn_cast<CXXMemberCallExpr>(&Call)) {
    switch (syncObjectOf(*Member)) {
    case SyncObject::ConditionVariable:
      return Name.starts_with("notify") || Name == "Signal" ||
             Name == "SignalAll";
    case SyncObject::Semaphore:
      return Name == "release";
    default:
      return false;
    }
  }
  return Name == "pthread_cond_signal" || Name == "pthread_cond_broadcast" ||
         Name == "cnd_signal" || Name == "cnd_broadcast" || Name == "sem_post";
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
      return Member->getImplicitObjectArgument() &&
             isNamed(recordOf(Member->getImplicitObjectArgument()->getType()),
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

bool sameObject(const Expr *A, const Expr *B, const ASTContext &Ctx) {
  if (!A || !B)
    return false;
  A = A->IgnoreParenImpCasts();
  B = B->IgnoreParenImpCasts();
  const ValueDecl *DA = utils::namedObject(A);
  if (!DA || DA != utils::namedObject(B))
    return false;
  llvm::FoldingSetNodeID IA, IB;
  A->Profile(IA, Ctx, /*Canonical=*/true);
  B->Profile(IB, Ctx, /*Canonical=*/true);
  return IA == IB;
}

const FunctionDecl *enclosingNamedFunction(const Stmt &S, ASTContext &Ctx) {
  // A lambda's body hangs below the LambdaExpr, whose parents lead on to the
  // function it is written in.
  DynTypedNodeList Parents = Ctx.getParents(S);
  while (!Parents.empty()) {
    const DynTypedNode &P = Parents[0];
    if (const auto *FD = P.get<FunctionDecl>())
      return FD;
    Parents = Ctx.getParents(P);
  }
  return nullptr;
}

} // namespace loadcheck::model
