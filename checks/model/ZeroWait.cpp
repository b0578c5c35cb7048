//===--- ZeroWait.cpp - blocking calls that return at once ----------------===//
#include "checks/model/ZeroWait.h"
#include "checks/connections/ClientApis.h"
#include "checks/model/BlockingApis.h"
#include "checks/model/SyncFacts.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/MathExtras.h"
#include <cstdint>
#include <functional>
#include <optional>

using namespace clang;

namespace loadcheck::model {

/// Whether \p Arg is a std::chrono::duration built from a constant count
/// (`std::chrono::microseconds{1}`) shorter than a millisecond: a pause to
/// yield (before retrying on EINTR), not a wait.
static bool isSubMillisecondDuration(const Expr *Arg, const ASTContext &Ctx) {
  const auto *Construct =
      dyn_cast_or_null<CXXConstructExpr>(Arg ? Arg->IgnoreImplicit() : nullptr);
  if (const auto *Cast = dyn_cast_or_null<CXXFunctionalCastExpr>(
          Arg ? Arg->IgnoreImplicit() : nullptr))
    Construct =
        dyn_cast<CXXConstructExpr>(Cast->getSubExpr()->IgnoreImplicit());
  const auto *Duration = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      Construct ? Construct->getType()->getAsCXXRecordDecl() : nullptr);
  if (!Duration || !Duration->getIdentifier() ||
      Duration->getName() != "duration" || Construct->getNumArgs() != 1 ||
      Duration->getTemplateArgs().size() != 2 ||
      Duration->getTemplateArgs()[1].getKind() != TemplateArgument::Type)
    return false;
  const auto *Ratio = dyn_cast_or_null<ClassTemplateSpecializationDecl>(
      Duration->getTemplateArgs()[1].getAsType()->getAsCXXRecordDecl());
  if (!Ratio || Ratio->getTemplateArgs().size() != 2 ||
      Ratio->getTemplateArgs()[0].getKind() != TemplateArgument::Integral ||
      Ratio->getTemplateArgs()[1].getKind() != TemplateArgument::Integral)
    return false;
  Expr::EvalResult Count;
  if (!Construct->getArg(0)->EvaluateAsInt(Count, Ctx))
    return false;
  // count * num / den seconds < 1/1000 s
  int64_t N = Count.Val.getInt().getExtValue();
  int64_t Num = Ratio->getTemplateArgs()[0].getAsIntegral().getExtValue();
  int64_t Den = Ratio->getTemplateArgs()[1].getAsIntegral().getExtValue();
  return N >= 0 && Num > 0 && Den > 0 && N < 1000000 && Num < 1000000 &&
         N * Num * 1000 < Den;
}

bool returnsAtOnce(const FunctionDecl &Callee, const Expr &E,
                   const ASTContext &Ctx) {
  const auto *Call = dyn_cast<CallExpr>(&E);
  if (!Call || !Callee.getIdentifier())
    return false;
  llvm::StringRef Name = Callee.getName();
  auto ArgIsZero = [&](unsigned I) {
    Expr::EvalResult R;
    return I < Call->getNumArgs() && Call->getArg(I)->EvaluateAsInt(R, Ctx) &&
           R.Val.getInt() == 0;
  };
  if (Name == "fwrite" || Name == "fflush")
    return true;
  if (Name == "poll")
    return ArgIsZero(2);
  if (Name == "epoll_wait")
    return ArgIsZero(3);
  if (Name == "usleep") {
    Expr::EvalResult R;
    return Call->getNumArgs() == 1 && Call->getArg(0)->EvaluateAsInt(R, Ctx) &&
           R.Val.getInt().getExtValue() < 1000;
  }
  if (Name == "sleep_for" && Call->getNumArgs() == 1)
    return isSubMillisecondDuration(Call->getArg(0), Ctx);
  if (Name == "write" && Call->getNumArgs() == 3) {
    const auto *AddressOf =
        dyn_cast<UnaryOperator>(Call->getArg(1)->IgnoreParenImpCasts());
    return AddressOf && AddressOf->getOpcode() == UO_AddrOf &&
           AddressOf->getSubExpr()->getType()->isIntegerType();
  }
  return false;
}

namespace {

/// How many helpers deep a call is followed.
constexpr unsigned MaxHelperDepth = 4;
/// How many calls one follow may visit before it gives up (as "may wait").
constexpr unsigned MaxVisitedCalls = 400;

bool isBlockingApi(const FunctionDecl &Callee) {
  return Callee.getIdentifier() &&
         isDefaultBlockingFunction("::" +
                                   connections::plainQualifiedName(Callee));
}

bool isReadCall(llvm::StringRef Name) {
  return Name == "read" || Name == "recv" || Name == "recvfrom" ||
         Name == "recvmsg";
}

/// \p E without parentheses, casts and `&`: the object it designates.
const Expr *stripToObject(const Expr *E) {
  while (E) {
    E = E->IgnoreParenImpCasts();
    if (const auto *Cast = dyn_cast<ExplicitCastExpr>(E))
      E = Cast->getSubExpr();
    else if (const auto *Op = dyn_cast<UnaryOperator>(E);
             Op && Op->getOpcode() == UO_AddrOf)
      E = Op->getSubExpr();
    else if (const auto *Default = dyn_cast<CXXDefaultArgExpr>(E))
      E = Default->getExpr();
    else
      return E;
  }
  return nullptr;
}

const VarDecl *referencedVar(const Expr *E) {
  const auto *Ref = dyn_cast_or_null<DeclRefExpr>(E);
  return Ref ? dyn_cast<VarDecl>(Ref->getDecl()) : nullptr;
}

/// Whether \p Body may write \p V after its initialisation: any use of it
/// other than a read of its value (an assignment, `++`, `&v`, a reference
/// bound to it). A capture by reference is no write by itself; what the
/// lambda does with it is in its body, which is part of \p Body.
bool mayBeWritten(const VarDecl &V, const Stmt *Body) {
  bool Written = false;
  std::function<void(const Stmt *)> Walk = [&](const Stmt *S) {
    if (!S || Written)
      return;
    if (const auto *Cast = dyn_cast<ImplicitCastExpr>(S);
        Cast && Cast->getCastKind() == CK_LValueToRValue &&
        referencedVar(Cast->getSubExpr()->IgnoreParens()) == &V)
      return;
    if (const auto *Lambda = dyn_cast<LambdaExpr>(S)) {
      for (const Expr *Init : Lambda->capture_inits())
        if (referencedVar(Init ? Init->IgnoreParens() : nullptr) != &V)
          Walk(Init);
      Walk(Lambda->getBody());
      return;
    }
    if (referencedVar(dyn_cast<Expr>(S)) == &V) {
      Written = true;
      return;
    }
    for (const Stmt *Child : S->children())
      Walk(Child);
  };
  Walk(Body);
  return Written;
}

/// What the field \p Field of the local record \p V holds, as \p Body sets
/// it: its one assignment (`pfd.fd = sock;`), else its initialiser
/// (`pollfd pfd{sock, POLLIN, 0}`); null when set more than once or not
/// known.
const Expr *fieldValue(const VarDecl &V, llvm::StringRef Field,
                       const Stmt *Body) {
  const Expr *Assigned = nullptr;
  unsigned Assignments = 0;
  std::function<void(const Stmt *)> Walk = [&](const Stmt *S) {
    if (!S)
      return;
    if (const auto *Op = dyn_cast<BinaryOperator>(S);
        Op && Op->isAssignmentOp())
      if (const auto *Member =
              dyn_cast<MemberExpr>(Op->getLHS()->IgnoreParenImpCasts());
          Member && Member->getMemberDecl()->getName() == Field &&
          referencedVar(Member->getBase()->IgnoreParenImpCasts()) == &V) {
        ++Assignments;
        Assigned = Op->getOpcode() == BO_Assign ? Op->getRHS() : nullptr;
      }
    for (const Stmt *Child : S->children())
      Walk(Child);
  };
  Walk(Body);
  if (Assignments > 0)
    return Assignments == 1 ? Assigned : nullptr;
  const auto *List = dyn_cast_or_null<InitListExpr>(
      V.getInit() ? V.getInit()->IgnoreImplicit() : nullptr);
  const RecordDecl *Record = V.getType()->getAsRecordDecl();
  if (!List || !Record)
    return nullptr;
  if (List->isSyntacticForm() && List->getSemanticForm())
    List = List->getSemanticForm();
  unsigned Index = 0;
  for (const FieldDecl *F : Record->fields()) {
    if (F->getName() == Field)
      return Index < List->getNumInits() ? List->getInit(Index) : nullptr;
    ++Index;
  }
  return nullptr;
}

/// The lambda whose call operator \p F is: the function it is written in.
const FunctionDecl *lambdaOwner(const FunctionDecl &F) {
  const auto *Method = dyn_cast<CXXMethodDecl>(&F);
  if (!Method || !Method->getParent()->isLambda())
    return nullptr;
  return dyn_cast_or_null<FunctionDecl>(
      Method->getParent()->getDeclContext()->getNonClosureAncestor());
}

/// A call of a helper followed down: its blocking calls with the caller's
/// arguments bound to its parameters, helper by helper (see ZeroWait.h).
class Follow {
public:
  Follow(const FunctionDecl &Top, ASTContext &Ctx,
         llvm::ArrayRef<const Expr *> Ready)
      : Ctx(Ctx), SM(Ctx.getSourceManager()),
        Ready(Ready.begin(), Ready.end()) {
    Frames.push_back({&Top, nullptr});
  }

  enum class Api { Waits, AtOnce };
  /// A blocking API called in the innermost frame; a probe that finds its
  /// descriptor ready is added to \p Probed (the top function's words).
  Api blockingApi(const CallExpr &Call, const FunctionDecl &Callee,
                  std::vector<const Expr *> &Probed);

  /// Follows the top function's call \p Call of \p Callee: whether every
  /// blocking call below returns at once, and at least one does.
  bool helperAtOnce(const CallExpr &Call, const FunctionDecl &Callee,
                    std::vector<const Expr *> &Probed);

  std::optional<int64_t> value(const Expr *E, unsigned K, unsigned Steps = 0);
  const Expr *descriptor(const Expr *E, unsigned K);
  bool isReady(const Expr *Descriptor) const {
    return Descriptor && llvm::any_of(Ready, [&](const Expr *R) {
             return sameObject(R, Descriptor, Ctx);
           });
  }

private:
  struct Frame {
    const FunctionDecl *F;
    const Expr *Call; ///< the call of F in the frame below; null for the top
  };
  ASTContext &Ctx;
  const SourceManager &SM;
  std::vector<const Expr *> Ready;
  llvm::SmallVector<Frame, 6> Frames;
  bool Waits = false;
  unsigned Neutral = 0;
  unsigned Visited = 0;

  unsigned top() const { return Frames.size() - 1; }
  std::optional<unsigned> frameOf(const VarDecl &V, unsigned K) const;
  const Expr *argumentFor(const ParmVarDecl &P, unsigned J) const;
  const Expr *pollTarget(const Expr *E, unsigned K);
  bool zeroTimeval(const Expr *E, unsigned K);
  void walk(const Stmt *S, std::vector<const Expr *> &Probed);
  void visit(const FunctionDecl *Callee, const Expr &Call,
             std::vector<const Expr *> &Probed);
  void enter(const FunctionDecl &Callee, const Expr &Call,
             std::vector<const Expr *> &Probed);
};

std::optional<unsigned> Follow::frameOf(const VarDecl &V, unsigned K) const {
  const auto *Owner =
      dyn_cast_or_null<FunctionDecl>(V.getParentFunctionOrMethod());
  if (!Owner)
    return std::nullopt;
  for (unsigned J = K + 1; J-- > 0;)
    if (Frames[J].F->getCanonicalDecl() == Owner->getCanonicalDecl())
      return J;
  return std::nullopt;
}

const Expr *Follow::argumentFor(const ParmVarDecl &P, unsigned J) const {
  unsigned I = P.getFunctionScopeIndex();
  const Expr *Call = Frames[J].Call;
  if (const auto *Method = dyn_cast<CXXMethodDecl>(Frames[J].F);
      Method && !Method->isStatic() && isa<CXXOperatorCallExpr>(Call))
    ++I; // the object is the operator call's first argument
  if (const auto *C = dyn_cast<CallExpr>(Call))
    return I < C->getNumArgs() ? C->getArg(I) : nullptr;
  if (const auto *C = dyn_cast<CXXConstructExpr>(Call))
    return I < C->getNumArgs() ? C->getArg(I) : nullptr;
  return nullptr;
}

/// The integer \p E, written in frame \p K, has with the arguments bound.
std::optional<int64_t> Follow::value(const Expr *E, unsigned K,
                                     unsigned Steps) {
  if (!E || Steps > 32)
    return std::nullopt;
  E = E->IgnoreParens();
  if (const auto *Default = dyn_cast<CXXDefaultArgExpr>(E))
    E = Default->getExpr()->IgnoreParens();
  if (!E->getType()->isIntegralOrEnumerationType())
    return std::nullopt;
  if (Expr::EvalResult R; !E->isValueDependent() && E->EvaluateAsInt(R, Ctx) &&
                          R.Val.getInt().getSignificantBits() <= 64)
    return R.Val.getInt().getExtValue();
  if (const auto *Cast = dyn_cast<CastExpr>(E))
    return value(Cast->getSubExpr(), K, Steps + 1);
  if (const auto *Op = dyn_cast<UnaryOperator>(E)) {
    std::optional<int64_t> V = value(Op->getSubExpr(), K, Steps + 1);
    if (V && Op->getOpcode() == UO_Minus)
      return *V == INT64_MIN ? std::nullopt : std::optional<int64_t>(-*V);
    return V && Op->getOpcode() == UO_Plus ? V : std::nullopt;
  }
  if (const auto *Op = dyn_cast<BinaryOperator>(E)) {
    std::optional<int64_t> L = value(Op->getLHS(), K, Steps + 1);
    std::optional<int64_t> R = value(Op->getRHS(), K, Steps + 1);
    if (!L || !R)
      return std::nullopt;
    int64_t Result = 0;
    bool Overflow = true;
    switch (Op->getOpcode()) {
    case BO_Add:
      Overflow = llvm::AddOverflow(*L, *R, Result);
      break;
    case BO_Sub:
      Overflow = llvm::SubOverflow(*L, *R, Result);
      break;
    case BO_Mul:
      Overflow = llvm::MulOverflow(*L, *R, Result);
      break;
    case BO_Div:
      Overflow = *R == 0 || (*R == -1 && *L == INT64_MIN);
      Result = Overflow ? 0 : *L / *R;
      break;
    default:
      break;
    }
    return Overflow ? std::nullopt : std::optional<int64_t>(Result);
  }
  const VarDecl *V = referencedVar(E);
  std::optional<unsigned> J = V ? frameOf(*V, K) : std::nullopt;
  if (!J)
    return std::nullopt;
  if (const auto *P = dyn_cast<ParmVarDecl>(V))
    return *J == 0 ? std::nullopt
                   : value(argumentFor(*P, *J), *J - 1, Steps + 1);
  if (!V->getInit() || mayBeWritten(*V, Frames[*J].F->getBody()))
    return std::nullopt;
  return value(V->getInit(), *J, Steps + 1);
}

/// The descriptor \p E (written in frame \p K) designates, as the top
/// function writes it; null when it comes from elsewhere.
const Expr *Follow::descriptor(const Expr *E, unsigned K) {
  E = stripToObject(E);
  if (!E)
    return nullptr;
  if (K == 0)
    return E;
  const VarDecl *V = referencedVar(E);
  std::optional<unsigned> J = V ? frameOf(*V, K) : std::nullopt;
  if (!J)
    return V && V->hasGlobalStorage() ? E : nullptr;
  if (*J == 0)
    return E;
  if (const auto *P = dyn_cast<ParmVarDecl>(V))
    return descriptor(argumentFor(*P, *J), *J - 1);
  if (!V->getInit() || mayBeWritten(*V, Frames[*J].F->getBody()))
    return nullptr;
  return descriptor(V->getInit(), *J);
}

/// The descriptor in the `pollfd` \p E (written in frame \p K) points to:
/// a local `pollfd` whose `fd` is set once, reached through parameters.
const Expr *Follow::pollTarget(const Expr *E, unsigned K) {
  const VarDecl *V = referencedVar(stripToObject(E));
  std::optional<unsigned> J = V ? frameOf(*V, K) : std::nullopt;
  if (!J)
    return nullptr;
  if (const auto *P = dyn_cast<ParmVarDecl>(V))
    return *J == 0 ? nullptr : pollTarget(argumentFor(*P, *J), *J - 1);
  if (!V->getType()->isRecordType())
    return nullptr;
  const Expr *Fd = fieldValue(*V, "fd", Frames[*J].F->getBody());
  return Fd ? descriptor(Fd, *J) : nullptr;
}

/// Whether the `timeval *` \p E (written in frame \p K) points to a zero
/// timeout: a local timeval whose seconds and microseconds are both zero.
bool Follow::zeroTimeval(const Expr *E, unsigned K) {
  const VarDecl *V = referencedVar(stripToObject(E));
  std::optional<unsigned> J = V ? frameOf(*V, K) : std::nullopt;
  if (!J)
    return false;
  if (const auto *P = dyn_cast<ParmVarDecl>(V))
    return *J != 0 && zeroTimeval(argumentFor(*P, *J), *J - 1);
  if (!V->getType()->isRecordType())
    return false;
  const Stmt *Body = Frames[*J].F->getBody();
  return value(fieldValue(*V, "tv_sec", Body), *J) == 0 &&
         value(fieldValue(*V, "tv_usec", Body), *J) == 0;
}

Follow::Api Follow::blockingApi(const CallExpr &Call,
                                const FunctionDecl &Callee,
                                std::vector<const Expr *> &Probed) {
  llvm::StringRef Name = Callee.getName();
  unsigned K = top();
  auto Arg = [&](unsigned I) {
    return I < Call.getNumArgs() ? Call.getArg(I) : nullptr;
  };
  auto Probe = [&](const Expr *Descriptor) {
    if (Descriptor) {
      Probed.push_back(Descriptor);
      Ready.push_back(Descriptor);
    }
    return Api::AtOnce;
  };
  if (Name == "poll" && value(Arg(2), K) == 0)
    return Probe(pollTarget(Arg(0), K));
  if (Name == "select" && Call.getNumArgs() == 5 && zeroTimeval(Arg(4), K)) {
    // select(fd + 1, &readable, ...): the descriptor is named in nfds.
    const Expr *Nfds = Arg(0)->IgnoreParenImpCasts();
    const auto *Plus = dyn_cast<BinaryOperator>(Nfds);
    return Probe(Plus && Plus->getOpcode() == BO_Add &&
                         value(Plus->getRHS(), K) == 1
                     ? descriptor(Plus->getLHS(), K)
                     : nullptr);
  }
  if (Name == "epoll_wait" && value(Arg(3), K) == 0)
    return Api::AtOnce;
  if (isReadCall(Name) && isReady(descriptor(Arg(0), K)))
    return Api::AtOnce;
  return Api::Waits;
}

bool Follow::helperAtOnce(const CallExpr &Call, const FunctionDecl &Callee,
                          std::vector<const Expr *> &Probed) {
  enter(Callee, Call, Probed);
  return !Waits && Neutral > 0;
}

void Follow::enter(const FunctionDecl &Callee, const Expr &Call,
                   std::vector<const Expr *> &Probed) {
  // A lambda written in a helper being followed was walked where it is
  // written (a template such as `handle_EINTR(fn)` calling it adds nothing);
  // one written in the top function was not.
  if (const FunctionDecl *Owner = lambdaOwner(Callee))
    for (unsigned J = 1; J < Frames.size(); ++J)
      if (Frames[J].F->getCanonicalDecl() == Owner->getCanonicalDecl())
        return;
  const FunctionDecl *Definition = nullptr;
  const auto *Method = dyn_cast<CXXMethodDecl>(&Callee);
  bool Overridable = Method && Method->isVirtual() &&
                     !Method->hasAttr<FinalAttr>() &&
                     !Method->getParent()->hasAttr<FinalAttr>();
  if (Overridable || !Callee.hasBody(Definition) || !Definition ||
      Frames.size() > MaxHelperDepth ||
      llvm::any_of(Frames, [&](const Frame &Fr) {
        return Fr.F->getCanonicalDecl() == Definition->getCanonicalDecl();
      })) {
    Waits = true; // not known, or recursion: it may wait
    return;
  }
  Frames.push_back({Definition, &Call});
  if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(Definition))
    for (const CXXCtorInitializer *Init : Ctor->inits())
      walk(Init->getInit(), Probed);
  walk(Definition->getBody(), Probed);
  Frames.pop_back();
}

void Follow::visit(const FunctionDecl *Callee, const Expr &Call,
                   std::vector<const Expr *> &Probed) {
  if (++Visited > MaxVisitedCalls) {
    Waits = true;
    return;
  }
  if (!Callee) {
    // A call through a pointer: the link may resolve it to anything. (A
    // member pointer call, like the facts, is not followed.)
    Waits = Waits || !isa<CXXMemberCallExpr>(Call);
    return;
  }
  if (Callee->getBuiltinID())
    return;
  if (const auto *C = dyn_cast<CallExpr>(&Call); C && isBlockingApi(*Callee)) {
    if (blockingApi(*C, *Callee, Probed) == Api::AtOnce ||
        returnsAtOnce(*Callee, Call, Ctx))
      ++Neutral;
    else
      Waits = true;
    return;
  }
  if (SM.isInSystemHeader(SM.getFileLoc(Callee->getLocation())) ||
      Callee->isImplicit() || Callee->isDefaulted() || Callee->isTrivial())
    return; // a library's function: not blocking by the list
  enter(*Callee, Call, Probed);
}

void Follow::walk(const Stmt *S, std::vector<const Expr *> &Probed) {
  if (!S || Waits)
    return;
  if (const auto *Lambda = dyn_cast<LambdaExpr>(S)) {
    for (const Expr *Init : Lambda->capture_inits())
      walk(Init, Probed);
    walk(Lambda->getBody(), Probed);
    return;
  }
  if (const auto *Call = dyn_cast<CallExpr>(S))
    visit(Call->getDirectCallee(), *Call, Probed);
  else if (const auto *Construct = dyn_cast<CXXConstructExpr>(S))
    visit(Construct->getConstructor(), *Construct, Probed);
  for (const Stmt *Child : S->children())
    walk(Child, Probed);
}

} // namespace

ZeroWait::ZeroWait(const FunctionDecl &F, ASTContext &Ctx) : F(F), Ctx(Ctx) {}

bool ZeroWait::atOnce(const Expr &Call) {
  if (readyAtOnce(Call))
    return true;
  const auto *C = dyn_cast<CallExpr>(&Call);
  const FunctionDecl *Callee = C ? C->getDirectCallee() : nullptr;
  return Callee && isBlockingApi(*Callee) && returnsAtOnce(*Callee, Call, Ctx);
}

bool ZeroWait::readyAtOnce(const Expr &Call) {
  const auto *C = dyn_cast<CallExpr>(&Call);
  const FunctionDecl *Callee = C ? C->getDirectCallee() : nullptr;
  if (!Callee || Callee->getBuiltinID())
    return false;
  std::vector<const Expr *> Probed;
  if (isBlockingApi(*Callee)) {
    Follow Down(F, Ctx, Probes);
    if (Down.blockingApi(*C, *Callee, Probed) != Follow::Api::AtOnce)
      return false;
  } else {
    // A helper of the TU, followed when the call hands it a zero or a
    // descriptor found ready: other calls are the link's to judge.
    const SourceManager &SM = Ctx.getSourceManager();
    if (SM.isInSystemHeader(SM.getFileLoc(Callee->getLocation())) ||
        !Callee->hasBody())
      return false;
    Follow Down(F, Ctx, Probes);
    bool Worth = llvm::any_of(C->arguments(), [&](const Expr *Arg) {
      return Down.value(Arg, 0) == 0 || Down.isReady(Down.descriptor(Arg, 0));
    });
    if (!Worth || !Down.helperAtOnce(*C, *Callee, Probed))
      return false;
  }
  llvm::append_range(Probes, Probed);
  return true;
}

bool readyAtOnceIn(const CallExpr &Call, const FunctionDecl &F,
                   ASTContext &Ctx) {
  const FunctionDecl *Callee = Call.getDirectCallee();
  if (!Callee || !isBlockingApi(*Callee) || !F.getBody())
    return false;
  // The calls of F before Call, in the order of the facts' walk (lambdas
  // are functions of their own).
  ZeroWait Zero(F, Ctx);
  bool Reached = false;
  std::function<void(const Stmt *)> Walk = [&](const Stmt *S) {
    if (!S || Reached || isa<LambdaExpr>(S))
      return;
    if (S == &Call) {
      Reached = true;
      return;
    }
    if (const auto *Before = dyn_cast<CallExpr>(S))
      Zero.readyAtOnce(*Before);
    for (const Stmt *Child : S->children())
      Walk(Child);
  };
  Walk(F.getBody());
  return Reached && Zero.readyAtOnce(Call);
}

} // namespace loadcheck::model
