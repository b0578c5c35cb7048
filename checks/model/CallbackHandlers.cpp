//===--- CallbackHandlers.cpp - C request handlers registered by address --===//
#include "checks/model/CallbackHandlers.h"
#include "checks/model/ThreadEntry.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/StmtCXX.h"
#include <initializer_list>
#include <memory>
#include <mutex>

using namespace clang;

namespace loadcheck::model {
namespace {

/// A registration function and the positions of its per-request callbacks.
struct RegistrationApi {
  llvm::StringRef Name;
  std::initializer_list<unsigned> Callbacks;
  /// For event_new/event_assign: the position of the `events` mask, whose
  /// EV_READ/EV_WRITE bits make the callback an I/O handler (timers and
  /// signals are not requests).
  int EventsArg = -1;
};

const RegistrationApi Apis[] = {
    {"evhttp_set_cb", {2}},
    {"evhttp_set_gencb", {1}},
    {"event_new", {3}, 2},
    {"event_assign", {4}, 3},
    {"bufferevent_setcb", {1, 2, 3}},
    {"evconnlistener_new", {1}},
    {"evconnlistener_new_bind", {1}},
    {"MHD_start_daemon", {4}},
};

/// libevent's EV_READ, EV_WRITE and EV_SIGNAL (event2/event.h).
constexpr uint64_t EvRead = 0x02, EvWrite = 0x04, EvSignal = 0x08;

const RegistrationApi *registrationApi(const CallExpr &Call) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  if (!Callee || !Callee->getIdentifier() ||
      !Callee->getDeclContext()->getRedeclContext()->isTranslationUnit())
    return nullptr;
  for (const RegistrationApi &Api : Apis)
    if (Callee->getName() == Api.Name)
      return &Api;
  return nullptr;
}

/// The function an argument names: `f`, `&f`, `(cb_t)f`.
const FunctionDecl *namedFunction(const Expr *E) {
  for (unsigned Guard = 0; E && Guard < 8; ++Guard) {
    E = E->IgnoreParenImpCasts();
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E))
      return dyn_cast<FunctionDecl>(Ref->getDecl());
    if (const auto *Op = dyn_cast<UnaryOperator>(E);
        Op && Op->getOpcode() == UO_AddrOf)
      E = Op->getSubExpr();
    else if (const auto *Cast = dyn_cast<ExplicitCastExpr>(E))
      E = Cast->getSubExpr();
    else
      return nullptr;
  }
  return nullptr;
}

bool isIoEvent(const Expr *Events, ASTContext &Ctx) {
  Expr::EvalResult R;
  if (!Events || Events->isValueDependent() || !Events->EvaluateAsInt(R, Ctx))
    return false;
  uint64_t Mask = R.Val.getInt().getZExtValue();
  return (Mask & (EvRead | EvWrite)) && !(Mask & EvSignal);
}

bool isAcceptCall(const CallExpr &Call) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  return Callee && Callee->getIdentifier() &&
         (Callee->getName() == "accept" || Callee->getName() == "accept4") &&
         Callee->getDeclContext()->getRedeclContext()->isTranslationUnit();
}

bool containsAccept(const Stmt *S) {
  if (!S || isa<LambdaExpr>(S))
    return false;
  if (const auto *Call = dyn_cast<CallExpr>(S); Call && isAcceptCall(*Call))
    return true;
  return llvm::any_of(S->children(), containsAccept);
}

/// True when \p Start sits in a loop of its function that accepts
/// connections: one thread per accepted connection.
bool inAcceptLoop(const Expr &Start, ASTContext &Ctx) {
  DynTypedNode Node = DynTypedNode::create(Start);
  for (unsigned Guard = 0; Guard < 256; ++Guard) {
    DynTypedNodeList Parents = Ctx.getParents(Node);
    // `int rc = pthread_create(...)` climbs through the variable; the
    // function (or a lambda's body) ends the search.
    const Decl *D = Parents.empty() ? nullptr : Parents[0].get<Decl>();
    if (Parents.empty() || (D && !isa<VarDecl>(D)) ||
        Parents[0].get<LambdaExpr>())
      return false;
    const Stmt *Parent = Parents[0].get<Stmt>();
    if (isa_and_nonnull<WhileStmt, DoStmt, ForStmt, CXXForRangeStmt>(Parent) &&
        containsAccept(Parent))
      return true;
    Node = Parents[0];
  }
  return false;
}

class RegistrationCollector
    : public RecursiveASTVisitor<RegistrationCollector> {
public:
  RegistrationCollector(ASTContext &Ctx,
                        llvm::DenseMap<const Decl *, CallbackRegistration> &Out)
      : Ctx(Ctx), Out(Out) {}

  bool TraverseDecl(Decl *D) {
    // User code only: a library's own registrations are not the user's.
    if (D && !isa<TranslationUnitDecl>(D) &&
        Ctx.getSourceManager().isInSystemHeader(D->getLocation()))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }

  bool VisitCallExpr(CallExpr *Call) {
    const RegistrationApi *Api = registrationApi(*Call);
    if (!Api)
      return true;
    if (Api->EventsArg >= 0 &&
        (static_cast<unsigned>(Api->EventsArg) >= Call->getNumArgs() ||
         !isIoEvent(Call->getArg(Api->EventsArg), Ctx)))
      return true;
    for (unsigned Index : Api->Callbacks)
      if (Index < Call->getNumArgs())
        if (const FunctionDecl *F = namedFunction(Call->getArg(Index)))
          Out.try_emplace(F->getCanonicalDecl(),
                          CallbackRegistration{Call, false});
    return true;
  }

private:
  ASTContext &Ctx;
  llvm::DenseMap<const Decl *, CallbackRegistration> &Out;
};

} // namespace

CallbackHandlerIndex::CallbackHandlerIndex(ASTContext &Ctx) {
  RegistrationCollector(Ctx, ByDecl).TraverseAST(Ctx);
  for (const ThreadEntry &Entry : ThreadEntryIndex::get(Ctx).entries())
    if (Entry.Function && Entry.Start.mayStartThread() &&
        inAcceptLoop(*Entry.Start.Start, Ctx))
      ByDecl.try_emplace(Entry.Function->getCanonicalDecl(),
                         CallbackRegistration{Entry.Start.Start, true});
}

const CallbackRegistration *
CallbackHandlerIndex::registrationOf(const FunctionDecl &F) const {
  auto It = ByDecl.find(F.getCanonicalDecl());
  return It == ByDecl.end() ? nullptr : &It->second;
}

namespace {
struct IndexCache {
  std::mutex Mutex;
  llvm::DenseMap<const ASTContext *, std::unique_ptr<CallbackHandlerIndex>> Map;
};
IndexCache &indexCache() {
  static IndexCache *Cache = new IndexCache; // never destroyed: no exit race
  return *Cache;
}
void forgetIndex(void *Ctx) {
  IndexCache &C = indexCache();
  std::lock_guard<std::mutex> Lock(C.Mutex);
  C.Map.erase(static_cast<const ASTContext *>(Ctx));
}
} // namespace

const CallbackHandlerIndex &CallbackHandlerIndex::get(ASTContext &Ctx) {
  IndexCache &C = indexCache();
  {
    std::lock_guard<std::mutex> Lock(C.Mutex);
    auto It = C.Map.find(&Ctx);
    if (It != C.Map.end())
      return *It->second;
  }
  // Built outside the lock: only this TU's thread asks for this context.
  auto Index = std::make_unique<CallbackHandlerIndex>(Ctx);
  std::lock_guard<std::mutex> Lock(C.Mutex);
  auto &Slot = C.Map[&Ctx];
  Slot = std::move(Index);
  Ctx.AddDeallocation(forgetIndex, &Ctx);
  return *Slot;
}

} // namespace loadcheck::model
