//===--- ThreadEntry.cpp - which callable runs on a new thread? -----------===//
#include "checks/model/ThreadEntry.h"
#include "checks/model/ContextCache.h"
#include "checks/utils/Matchers.h"
#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/DeclTemplate.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/RecursiveASTVisitor.h"

using namespace clang;

namespace loadcheck::model {

//===-- Names -------------------------------------------------------------===//

/// True when \p D is declared directly in namespace \p Ns (a top-level
/// namespace such as std or boost), inline namespaces such as std::__1 or
/// std::__cxx11 looked through.
static bool isInNamespace(const Decl *D, llvm::StringRef Ns) {
  const DeclContext *DC = D->getDeclContext();
  while (DC && DC->isInlineNamespace())
    DC = DC->getParent();
  const auto *N = dyn_cast_or_null<NamespaceDecl>(DC);
  if (!N || !N->getIdentifier() || N->getName() != Ns)
    return false;
  const DeclContext *Up = N->getParent();
  while (Up && Up->isInlineNamespace())
    Up = Up->getParent();
  return Up && Up->isTranslationUnit();
}

static bool hasName(const NamedDecl *D, llvm::StringRef Name) {
  return D && D->getIdentifier() && D->getName() == Name;
}

/// The thread kind of a class: std::thread, std::jthread, boost::thread.
static std::optional<ThreadStartKind> threadClassKind(const CXXRecordDecl *RD) {
  if (!RD)
    return std::nullopt;
  if (hasName(RD, "thread")) {
    if (isInNamespace(RD, "std"))
      return ThreadStartKind::StdThread;
    if (isInNamespace(RD, "boost"))
      return ThreadStartKind::BoostThread;
  }
  if (hasName(RD, "jthread") && isInNamespace(RD, "std"))
    return ThreadStartKind::JThread;
  return std::nullopt;
}

static std::optional<ThreadStartKind> threadTypeKind(QualType T) {
  if (T.isNull())
    return std::nullopt;
  return threadClassKind(T.getNonReferenceType()->getAsCXXRecordDecl());
}

static bool isGlobalCFunction(const FunctionDecl *FD, llvm::StringRef Name) {
  return hasName(FD, Name) &&
         FD->getDeclContext()->getRedeclContext()->isTranslationUnit();
}

//===-- Classification ----------------------------------------------------===//

llvm::StringRef ThreadStart::apiName() const {
  switch (Kind) {
  case ThreadStartKind::StdThread:
    return "std::thread";
  case ThreadStartKind::JThread:
    return "std::jthread";
  case ThreadStartKind::Async:
    return "std::async";
  case ThreadStartKind::Pthread:
    return "pthread_create";
  case ThreadStartKind::BoostThread:
    return "boost::thread";
  case ThreadStartKind::C11Thread:
    return "thrd_create";
  }
  return "thread";
}

/// Fills Callable and Args from \p Call's arguments starting at \p First.
static std::optional<ThreadStart>
fromArgs(ThreadStart S, llvm::ArrayRef<const Expr *> Args, unsigned First) {
  if (Args.size() <= First || !Args[First])
    return std::nullopt;
  S.Callable = Args[First];
  for (unsigned I = First + 1; I < Args.size(); ++I)
    S.Args.push_back(Args[I]);
  return S;
}

static llvm::SmallVector<const Expr *, 6> argsOf(const CallExpr *Call) {
  llvm::SmallVector<const Expr *, 6> Args;
  for (const Expr *A : Call->arguments())
    if (!isa<CXXDefaultArgExpr>(A))
      Args.push_back(A);
  return Args;
}

/// The launch policy of `std::async(P, ...)`, comparing P's value with the
/// enumerators std::launch::async and std::launch::deferred.
static LaunchPolicy launchPolicy(const Expr *P, ASTContext &Ctx) {
  const auto *ET = P->getType()->getAs<EnumType>();
  if (!ET || P->isValueDependent())
    return LaunchPolicy::Unknown;
  Expr::EvalResult R;
  if (!P->EvaluateAsInt(R, Ctx))
    return LaunchPolicy::Unknown;
  llvm::APSInt V = R.Val.getInt();
  std::optional<llvm::APSInt> AsyncBit, DeferredBit;
  for (const EnumConstantDecl *E : ET->getDecl()->enumerators()) {
    if (hasName(E, "async"))
      AsyncBit = E->getInitVal();
    else if (hasName(E, "deferred"))
      DeferredBit = E->getInitVal();
  }
  if (!AsyncBit || !DeferredBit)
    return LaunchPolicy::Unknown;
  auto Has = [&](const llvm::APSInt &Bit) {
    return (V.getExtValue() & Bit.getExtValue()) != 0;
  };
  bool A = Has(*AsyncBit), D = Has(*DeferredBit);
  if (A && D)
    return LaunchPolicy::Default;
  if (A)
    return LaunchPolicy::Async;
  if (D)
    return LaunchPolicy::Deferred;
  return LaunchPolicy::Unknown;
}

static std::optional<ThreadStart>
classifyConstruct(const CXXConstructExpr *CE) {
  const CXXConstructorDecl *Ctor = CE->getConstructor();
  if (!Ctor || Ctor->isCopyOrMoveConstructor() || CE->getNumArgs() == 0)
    return std::nullopt;
  auto Kind = threadClassKind(Ctor->getParent());
  if (!Kind)
    return std::nullopt;
  llvm::SmallVector<const Expr *, 6> Args;
  for (const Expr *A : CE->arguments())
    if (!isa<CXXDefaultArgExpr>(A))
      Args.push_back(A);
  ThreadStart S;
  S.Start = CE;
  S.Kind = *Kind;
  unsigned First = 0;
  // boost::thread(attributes, f, ...): the callable comes after them.
  if (*Kind == ThreadStartKind::BoostThread && !Args.empty())
    if (const auto *RD = Args[0]->getType()->getAsCXXRecordDecl())
      if (RD->getName().contains("attributes"))
        First = 1;
  return fromArgs(S, Args, First);
}

static std::optional<ThreadStart> classifyCall(const CallExpr *Call,
                                               ASTContext &Ctx) {
  const FunctionDecl *FD = Call->getDirectCallee();
  if (!FD || !FD->getIdentifier())
    return std::nullopt;
  llvm::SmallVector<const Expr *, 6> Args = argsOf(Call);
  ThreadStart S;
  S.Start = Call;
  llvm::StringRef Name = FD->getName();

  // threads.emplace_back(f, args...) on a container of threads.
  if (const auto *MC = dyn_cast<CXXMemberCallExpr>(Call)) {
    const CXXRecordDecl *Owner =
        MC->getMethodDecl() ? MC->getMethodDecl()->getParent() : nullptr;
    if (Name == "create_thread" && hasName(Owner, "thread_group") &&
        isInNamespace(Owner, "boost")) {
      S.Kind = ThreadStartKind::BoostThread;
      return fromArgs(S, Args, 0);
    }
    if (Name != "emplace_back" && Name != "emplace_front" && Name != "emplace")
      return std::nullopt;
    const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(Owner);
    if (!Spec || !isInNamespace(Spec, "std") ||
        Spec->getTemplateArgs().size() == 0 ||
        Spec->getTemplateArgs()[0].getKind() != TemplateArgument::Type)
      return std::nullopt;
    auto Kind = threadTypeKind(Spec->getTemplateArgs()[0].getAsType());
    if (!Kind)
      return std::nullopt;
    S.Kind = *Kind;
    unsigned First = Name == "emplace" ? 1 : 0; // emplace(pos, f, ...)
    // emplace_back(std::move(t)) / emplace_back(std::thread(f)) moves a
    // thread in: the inner construction, if any, is the start.
    if (Args.size() == First + 1 && threadTypeKind(Args[First]->getType()))
      return std::nullopt;
    return fromArgs(S, Args, First);
  }

  if (FD->isCXXClassMember())
    return std::nullopt;

  // std::make_unique<std::thread>(f), std::make_shared<std::jthread>(f).
  if ((Name == "make_unique" || Name == "make_shared") &&
      isInNamespace(FD, "std")) {
    const TemplateArgumentList *TA = FD->getTemplateSpecializationArgs();
    if (!TA || TA->size() == 0 ||
        TA->get(0).getKind() != TemplateArgument::Type)
      return std::nullopt;
    auto Kind = threadTypeKind(TA->get(0).getAsType());
    if (!Kind)
      return std::nullopt;
    S.Kind = *Kind;
    return fromArgs(S, Args, 0);
  }

  if (Name == "async" && isInNamespace(FD, "std")) {
    S.Kind = ThreadStartKind::Async;
    if (Args.empty())
      return std::nullopt;
    if (Args[0]->getType()->isEnumeralType()) {
      S.Policy = launchPolicy(Args[0], Ctx);
      return fromArgs(S, Args, 1);
    }
    S.Policy = LaunchPolicy::Default;
    return fromArgs(S, Args, 0);
  }

  if (isGlobalCFunction(FD, "pthread_create") && Args.size() == 4) {
    S.Kind = ThreadStartKind::Pthread;
    return fromArgs(S, Args, 2);
  }
  if (isGlobalCFunction(FD, "thrd_create") && Args.size() == 3) {
    S.Kind = ThreadStartKind::C11Thread;
    return fromArgs(S, Args, 1);
  }
  return std::nullopt;
}

std::optional<ThreadStart> classifyThreadStart(const Expr *E, ASTContext &Ctx) {
  if (!E || E->isTypeDependent() || E->isValueDependent())
    return std::nullopt;
  if (const auto *CE = dyn_cast<CXXConstructExpr>(E))
    return classifyConstruct(CE);
  if (const auto *Call = dyn_cast<CallExpr>(E))
    return classifyCall(Call, Ctx);
  return std::nullopt;
}

//===-- Resolution --------------------------------------------------------===//

namespace {
struct Callee {
  EntryKind Kind;
  const FunctionDecl *Function = nullptr;
  const LambdaExpr *Lambda = nullptr;
};
} // namespace

/// The only operator() of a (non-lambda) class, if it has exactly one.
static const CXXMethodDecl *onlyCallOperator(const CXXRecordDecl *RD) {
  if (!RD || !RD->hasDefinition())
    return nullptr;
  RD = RD->getDefinition();
  if (RD->isLambda())
    return RD->getLambdaCallOperator();
  const CXXMethodDecl *Found = nullptr;
  for (const CXXMethodDecl *M : RD->methods()) {
    if (M->getOverloadedOperator() != OO_Call)
      continue;
    if (Found)
      return nullptr; // overloaded: which one runs depends on the arguments
    Found = M;
  }
  return Found;
}

static bool isStdFunctionClass(const CXXRecordDecl *RD) {
  return hasName(RD, "function") && isInNamespace(RD, "std");
}

static std::optional<Callee> resolveCallee(const Expr *E, ASTContext &Ctx,
                                           unsigned Depth) {
  if (!E || Depth > 6)
    return std::nullopt;
  // Peel what does not change which code runs.
  for (;;) {
    E = E->IgnoreParenImpCasts();
    if (const auto *M = dyn_cast<MaterializeTemporaryExpr>(E))
      E = M->getSubExpr();
    else if (const auto *B = dyn_cast<CXXBindTemporaryExpr>(E))
      E = B->getSubExpr();
    else if (const auto *C = dyn_cast<ExprWithCleanups>(E))
      E = C->getSubExpr();
    else if (const auto *Cast = dyn_cast<ExplicitCastExpr>(E))
      E = Cast->getSubExpr();
    else if (const auto *CE = dyn_cast<CXXConstructExpr>(E);
             CE && CE->getNumArgs() >= 1 && CE->getConstructor() &&
             (CE->getConstructor()->isCopyOrMoveConstructor() ||
              isStdFunctionClass(CE->getConstructor()->getParent())))
      E = CE->getArg(0);
    else if (const auto *Call = dyn_cast<CallExpr>(E);
             Call && Call->getNumArgs() == 1 && Call->getDirectCallee() &&
             (hasName(Call->getDirectCallee(), "move") ||
              hasName(Call->getDirectCallee(), "forward")) &&
             isInNamespace(Call->getDirectCallee(), "std"))
      E = Call->getArg(0);
    else if (const auto *MC = dyn_cast<CXXMemberCallExpr>(E);
             MC && isa_and_nonnull<CXXConversionDecl>(MC->getMethodDecl()))
      E = MC->getImplicitObjectArgument(); // lambda -> function pointer
    else if (const auto *U = dyn_cast<UnaryOperator>(E);
             U && U->getOpcode() == UO_AddrOf &&
             !isa<DeclRefExpr>(U->getSubExpr()->IgnoreParens()))
      E = U->getSubExpr();
    else
      break;
    if (!E)
      return std::nullopt;
  }

  if (const auto *L = dyn_cast<LambdaExpr>(E))
    return Callee{EntryKind::Lambda, L->getCallOperator(), L};

  // &f, &C::run
  if (const auto *U = dyn_cast<UnaryOperator>(E);
      U && U->getOpcode() == UO_AddrOf)
    E = U->getSubExpr()->IgnoreParens();

  if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
    const ValueDecl *D = Ref->getDecl();
    if (const auto *M = dyn_cast<CXXMethodDecl>(D))
      return Callee{M->isStatic() ? EntryKind::Function
                                  : EntryKind::MemberFunction,
                    M, nullptr};
    if (const auto *F = dyn_cast<FunctionDecl>(D))
      return Callee{EntryKind::Function, F, nullptr};
    if (const auto *V = dyn_cast<VarDecl>(D)) {
      // A local (or constant) whose initialiser names the callable:
      //   auto work = [&] { ... };  std::thread t(work);
      if (!isa<ParmVarDecl>(V) && V->getInit() &&
          (V->hasLocalStorage() || V->getType().isConstQualified() ||
           V->isConstexpr()))
        if (auto C = resolveCallee(V->getInit(), Ctx, Depth + 1))
          return C;
    }
  }

  // A functor object, or a closure reaching the start through a template
  // parameter (`template <class F> void spawn(F f) { std::thread t(f); }`).
  if (const auto *RD = E->getType().getNonReferenceType()->getAsCXXRecordDecl())
    if (!isStdFunctionClass(RD))
      if (const CXXMethodDecl *Op = onlyCallOperator(RD))
        return Callee{RD->isLambda() ? EntryKind::Lambda : EntryKind::Functor,
                      Op, nullptr};
  return std::nullopt;
}

std::optional<ThreadEntry> resolveThreadEntry(const Expr *Start,
                                              ASTContext &Ctx) {
  std::optional<ThreadStart> S = classifyThreadStart(Start, Ctx);
  if (!S)
    return std::nullopt;
  std::optional<Callee> C = resolveCallee(S->Callable, Ctx, 0);
  if (!C || !C->Function || C->Function->isInvalidDecl())
    return std::nullopt;
  // Library code (std::ref, ::sleep, std::function's operator()) is not
  // an entry anyone can fix.
  const SourceManager &SM = Ctx.getSourceManager();
  if (SM.isInSystemHeader(SM.getExpansionLoc(C->Function->getLocation())))
    return std::nullopt;

  ThreadEntry E;
  E.Kind = C->Kind;
  E.Lambda = C->Lambda;
  const FunctionDecl *Def = nullptr;
  if (C->Function->hasBody(Def) && Def) {
    E.Function = Def;
    E.Body = Def->getBody();
  } else {
    E.Function = C->Function->getFirstDecl();
  }
  if (C->Lambda)
    E.Body = C->Lambda->getBody();
  if (E.Kind == EntryKind::MemberFunction && !S->Args.empty())
    E.Object = S->Args.front();
  if (E.Kind == EntryKind::Lambda)
    E.Name = "lambda";
  else
    E.Name = displayName(*E.Function);
  E.Start = std::move(*S);
  return E;
}

namespace {
AST_MATCHER(Stmt, startsThread) {
  const auto *E = dyn_cast<Expr>(&Node);
  return E && classifyThreadStart(E, Finder->getASTContext()).has_value();
}
} // namespace

ast_matchers::internal::BindableMatcher<Stmt> threadStartExpr() {
  using namespace ast_matchers;
  return stmt(anyOf(cxxConstructExpr(), callExpr()), utils::inUserCode(),
              startsThread());
}

std::string displayName(const NamedDecl &D) {
  PrintingPolicy Policy(D.getASTContext().getLangOpts());
  Policy.SuppressUnwrittenScope = true;
  Policy.SuppressInlineNamespace = true;
  std::string Name;
  llvm::raw_string_ostream OS(Name);
  D.printQualifiedName(OS, Policy);
  return Name;
}

//===-- Enclosing function ------------------------------------------------===//

const FunctionDecl *enclosingFunction(const Stmt &S, ASTContext &Ctx) {
  DynTypedNode Node = DynTypedNode::create(S);
  for (unsigned Steps = 0; Steps < 10000; ++Steps) {
    DynTypedNodeList Parents = Ctx.getParents(Node);
    if (Parents.empty())
      return nullptr;
    DynTypedNode Parent = Parents[0];
    if (const auto *L = Parent.get<LambdaExpr>()) {
      // The body runs in the lambda; captures are evaluated outside it.
      if (Node.get<Stmt>() == L->getBody())
        return L->getCallOperator();
    } else if (const auto *F = Parent.get<FunctionDecl>()) {
      return F;
    } else if (Parent.get<TranslationUnitDecl>() ||
               Parent.get<NamespaceDecl>() || Parent.get<FieldDecl>() ||
               Parent.get<CXXRecordDecl>()) {
      return nullptr;
    }
    Node = Parent;
  }
  return nullptr;
}

//===-- Index -------------------------------------------------------------===//

namespace {
class EntryCollector : public RecursiveASTVisitor<EntryCollector> {
public:
  EntryCollector(ASTContext &Ctx, std::vector<ThreadEntry> &Out)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), Out(Out) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitImplicitCode() const { return false; }

  bool TraverseDecl(Decl *D) {
    // Library code starts no thread we report on: skip it whole.
    if (D && !isa<TranslationUnitDecl>(D) && D->getLocation().isValid() &&
        SM.isInSystemHeader(SM.getExpansionLoc(D->getLocation())))
      return true;
    return RecursiveASTVisitor::TraverseDecl(D);
  }
  bool VisitStmt(Stmt *S) {
    if (!isa<CXXConstructExpr>(S) && !isa<CallExpr>(S))
      return true;
    if (auto E = resolveThreadEntry(cast<Expr>(S), Ctx))
      Out.push_back(std::move(*E));
    return true;
  }

private:
  ASTContext &Ctx;
  const SourceManager &SM;
  std::vector<ThreadEntry> &Out;
};
} // namespace

ThreadEntryIndex::ThreadEntryIndex(ASTContext &Ctx) {
  EntryCollector(Ctx, Entries).TraverseAST(Ctx);
  for (unsigned I = 0; I < Entries.size(); ++I) {
    const FunctionDecl *F = Entries[I].Function;
    ByDecl[F->getCanonicalDecl()].push_back(I);
    // Statements of a template pattern map to the entries found in its
    // instantiations.
    if (const FunctionDecl *Pattern = F->getTemplateInstantiationPattern())
      if (Pattern->getCanonicalDecl() != F->getCanonicalDecl())
        ByDecl[Pattern->getCanonicalDecl()].push_back(I);
  }
}

llvm::SmallVector<const ThreadEntry *, 2>
ThreadEntryIndex::entriesOf(const FunctionDecl *Function) const {
  llvm::SmallVector<const ThreadEntry *, 2> Result;
  if (!Function)
    return Result;
  auto It = ByDecl.find(Function->getCanonicalDecl());
  if (It == ByDecl.end())
    if (const FunctionDecl *Pattern =
            Function->getTemplateInstantiationPattern())
      It = ByDecl.find(Pattern->getCanonicalDecl());
  if (It != ByDecl.end())
    for (unsigned I : It->second)
      Result.push_back(&Entries[I]);
  return Result;
}

const ThreadEntry *ThreadEntryIndex::enclosingEntry(const Stmt &S,
                                                    ASTContext &Ctx) const {
  auto Found = entriesOf(enclosingFunction(S, Ctx));
  return Found.empty() ? nullptr : Found.front();
}

const ThreadEntryIndex &ThreadEntryIndex::get(ASTContext &Ctx) {
  return perContext<ThreadEntryIndex>(Ctx);
}

} // namespace loadcheck::model
