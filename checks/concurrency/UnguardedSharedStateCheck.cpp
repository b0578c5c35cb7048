//===--- UnguardedSharedStateCheck.cpp ------------------------------------===//
#include "checks/concurrency/UnguardedSharedStateCheck.h"
#include "checks/model/ThreadEntry.h"
#include "clang/AST/ExprCXX.h"
#include "clang/AST/StmtCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::concurrency {

static constexpr llvm::StringRef FunctionId = "function";
static constexpr llvm::StringRef LambdaId = "lambda";

UnguardedSharedStateCheck::UnguardedSharedStateCheck(
    llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx)
    : ClangTidyCheck(Name, Ctx),
      LockedSuffixPattern(
          Options.get("LockedSuffixPattern", "(Locked|_locked)$")),
      LockedSuffix(LockedSuffixPattern) {}

void UnguardedSharedStateCheck::storeOptions(
    clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "LockedSuffixPattern", LockedSuffixPattern);
}

void UnguardedSharedStateCheck::registerMatchers(MatchFinder *Finder) {
  // Every function body and lambda of user code; the decision waits for the
  // end of the translation unit.
  Finder->addMatcher(functionDecl(isDefinition(), hasBody(stmt()),
                                  unless(isExpansionInSystemHeader()))
                         .bind(FunctionId),
                     this);
  Finder->addMatcher(
      lambdaExpr(unless(isExpansionInSystemHeader())).bind(LambdaId), this);
}

void UnguardedSharedStateCheck::onStartOfTranslationUnit() {
  Accesses.clear();
  SharedCache.clear();
  Accessors.clear();
  Collected.clear();
  SeenAccess.clear();
}

namespace {

/// The qualified name of the class (template) a type names.
std::string classNameOf(QualType T) {
  if (T.isNull())
    return "";
  if (const CXXRecordDecl *Record = T->getAsCXXRecordDecl())
    return Record->getQualifiedNameAsString();
  if (const auto *Spec = T->getAs<TemplateSpecializationType>())
    if (const TemplateDecl *Template =
            Spec->getTemplateName().getAsTemplateDecl())
      return Template->getQualifiedNameAsString();
  return "";
}

/// Types whose objects synchronise themselves or cannot be written.
bool isSelfSynchronising(QualType T) {
  if (T.isNull() || T.isConstQualified() || T->isReferenceType() ||
      T->isAtomicType())
    return true;
  while (const ArrayType *Array = T->getAsArrayTypeUnsafe())
    T = Array->getElementType();
  if (T.isConstQualified() || model::isLockType(T))
    return true;
  static constexpr llvm::StringRef Names[] = {"std::atomic",
                                              "std::atomic_ref",
                                              "std::atomic_flag",
                                              "boost::atomic",
                                              "std::condition_variable",
                                              "std::condition_variable_any",
                                              "std::once_flag",
                                              "absl::CondVar",
                                              "std::counting_semaphore",
                                              "std::latch",
                                              "std::barrier"};
  return llvm::is_contained(Names, classNameOf(T));
}

/// The shared state an lvalue expression writes to or reads from.
struct Root {
  const ValueDecl *Decl = nullptr;
  const Expr *Naming = nullptr;
  bool ViaThis = false; // a field reached through `this`
};

Root rootOf(const Expr *E) {
  for (unsigned Depth = 0; E && Depth < 16; ++Depth) {
    E = E->IgnoreParenImpCasts();
    if (const auto *Ref = dyn_cast<DeclRefExpr>(E)) {
      if (isa<VarDecl>(Ref->getDecl()))
        return {model::canonicalDecl(Ref->getDecl()), Ref, false};
      return {};
    }
    if (const auto *Member = dyn_cast<MemberExpr>(E)) {
      const ValueDecl *D = Member->getMemberDecl();
      if (isa<VarDecl>(D)) // a static data member
        return {model::canonicalDecl(D), Member, false};
      if (!isa<FieldDecl>(D))
        return {};
      const Expr *Base = Member->getBase()->IgnoreParenImpCasts();
      if (isa<CXXThisExpr>(Base))
        return {model::canonicalDecl(D), Member, true};
      if (Member->isArrow()) // p->x writes the pointee, not p
        return {};
      // a.b: the state is the object `a` it belongs to.
      E = Base;
      continue;
    }
    if (const auto *Subscript = dyn_cast<ArraySubscriptExpr>(E)) {
      const Expr *Base = Subscript->getBase()->IgnoreParenImpCasts();
      if (!Base->getType()->isArrayType()) // p[i] writes the pointee
        return {};
      E = Base;
      continue;
    }
    if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E)) {
      // counts_[key]: an element of the container is the container.
      if (Op->getOperator() != OO_Subscript || Op->getNumArgs() == 0)
        return {};
      E = Op->getArg(0);
      continue;
    }
    if (const auto *Call = dyn_cast<CXXMemberCallExpr>(E)) {
      // items_.back() = x, map_.at(k) = v
      const CXXMethodDecl *Method = Call->getMethodDecl();
      if (!Method || !Method->getIdentifier() ||
          !llvm::is_contained({"at", "front", "back"}, Method->getName()))
        return {};
      E = Call->getImplicitObjectArgument();
      continue;
    }
    return {};
  }
  return {};
}

bool isAssignmentOperator(OverloadedOperatorKind Op) {
  switch (Op) {
  case OO_Equal:
  case OO_PlusEqual:
  case OO_MinusEqual:
  case OO_StarEqual:
  case OO_SlashEqual:
  case OO_PercentEqual:
  case OO_CaretEqual:
  case OO_AmpEqual:
  case OO_PipeEqual:
  case OO_LessLessEqual:
  case OO_GreaterGreaterEqual:
  case OO_PlusPlus:
  case OO_MinusMinus:
    return true;
  default:
    return false;
  }
}

/// Library containers' members that modify the container.
bool isMutatingLibraryMethod(const CXXMethodDecl &Method) {
  static constexpr llvm::StringRef Names[] = {
      "push_back",     "push_front",    "pop_back", "pop_front",
      "push",          "pop",           "emplace",  "emplace_back",
      "emplace_front", "emplace_hint",  "insert",   "insert_or_assign",
      "try_emplace",   "erase",         "clear",    "resize",
      "reserve",       "shrink_to_fit", "assign",   "swap",
      "merge",         "extract",       "splice",   "remove",
      "remove_if",     "unique",        "sort",     "append",
      "replace",       "reset"};
  if (!Method.getIdentifier() || Method.isConst() ||
      !llvm::is_contained(Names, Method.getName()))
    return false;
  const DeclContext *Ctx = Method.getParent()->getEnclosingNamespaceContext();
  const auto *NS = dyn_cast<NamespaceDecl>(Ctx);
  while (NS && NS->getParent() && isa<NamespaceDecl>(NS->getParent()))
    NS = cast<NamespaceDecl>(NS->getParent());
  return NS && NS->getIdentifier() &&
         llvm::is_contained({"std", "absl", "boost"}, NS->getName());
}

std::string displayName(const FunctionDecl &F) {
  if (const auto *Method = dyn_cast<CXXMethodDecl>(&F)) {
    const CXXRecordDecl *Record = Method->getParent();
    if (Record->isLambda()) {
      if (const auto *Outer =
              dyn_cast_or_null<FunctionDecl>(Record->getDeclContext()))
        return displayName(*Outer);
      return "a lambda";
    }
    return Record->getNameAsString() + "::" + Method->getNameAsString();
  }
  return F.getNameAsString();
}

/// Walks one body, reporting each read and write of an lvalue to \p Visit.
/// Lambda bodies are not entered; their call operators are collected.
class AccessWalker {
public:
  using Callback =
      llvm::function_ref<void(const Expr *Target, const Stmt *At, bool Write)>;
  AccessWalker(Callback Visit,
               llvm::SmallVectorImpl<const FunctionDecl *> &Lambdas)
      : Visit(Visit), Lambdas(Lambdas) {}

  void walk(const Stmt *S) {
    if (!S)
      return;
    if (const auto *Lambda = dyn_cast<LambdaExpr>(S)) {
      for (const Expr *Init : Lambda->capture_inits())
        walk(Init);
      Lambdas.push_back(Lambda->getCallOperator());
      return;
    }
    if (isa<BlockExpr>(S))
      return;
    const Expr *Target = nullptr;
    if (const auto *Binary = dyn_cast<BinaryOperator>(S);
        Binary && Binary->isAssignmentOp())
      Target = Binary->getLHS();
    else if (const auto *Unary = dyn_cast<UnaryOperator>(S);
             Unary && Unary->isIncrementDecrementOp())
      Target = Unary->getSubExpr();
    else if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(S);
             Op && isAssignmentOperator(Op->getOperator()) &&
             Op->getNumArgs() > 0)
      Target = Op->getArg(0);
    else if (const auto *Call = dyn_cast<CXXMemberCallExpr>(S)) {
      const CXXMethodDecl *Method = Call->getMethodDecl();
      if (Method && isMutatingLibraryMethod(*Method))
        Target = Call->getImplicitObjectArgument();
    } else if (isa<DeclRefExpr, MemberExpr>(S) && !Written.contains(S))
      Visit(cast<Expr>(S), S, false);
    if (Target) {
      Visit(Target, S, true);
      // The written name is not also a read.
      if (const Expr *Naming = rootOf(Target).Naming)
        Written.insert(Naming);
    }
    for (const Stmt *Child : S->children())
      walk(Child);
  }

private:
  Callback Visit;
  llvm::SmallVectorImpl<const FunctionDecl *> &Lambdas;
  llvm::DenseSet<const Stmt *> Written;
};

} // namespace

bool UnguardedSharedStateCheck::isSharedState(const ValueDecl *D) {
  auto [It, Inserted] = SharedCache.try_emplace(D, false);
  if (!Inserted)
    return It->second;
  bool Shared = false;
  if (SM && SM->isInSystemHeader(D->getLocation()))
    Shared = false;
  else if (const auto *Var = dyn_cast<VarDecl>(D))
    Shared = Var->hasGlobalStorage() && !isa<ParmVarDecl>(Var) &&
             Var->getTLSKind() == VarDecl::TLS_None && !Var->isConstexpr() &&
             !isSelfSynchronising(Var->getType());
  else if (const auto *Field = dyn_cast<FieldDecl>(D)) {
    const RecordDecl *Owner = Field->getParent();
    bool OwnsMutex = llvm::any_of(Owner->fields(), [](const FieldDecl *F) {
      return model::isLockType(F->getType());
    });
    Shared = OwnsMutex && !Field->hasAttr<GuardedByAttr>() &&
             !Field->hasAttr<PtGuardedByAttr>() &&
             !isSelfSynchronising(Field->getType());
  }
  // try_emplace may have rehashed: look the slot up again.
  SharedCache[D] = Shared;
  return Shared;
}

void UnguardedSharedStateCheck::collect(const FunctionDecl &Function,
                                        ASTContext &Ctx) {
  if (!Collected.insert(&Function).second || !Function.getBody())
    return;
  const model::FunctionLockModel &Model =
      model::LockModels::of(Ctx).function(Function);
  // Constructors and destructors run before or after the object is shared;
  // `fooLocked()` says its caller holds the lock; main's writes happen
  // before it starts threads or after it joined them.
  const bool Exempt =
      isa<CXXConstructorDecl, CXXDestructorDecl>(Function) ||
      Function.isMain() ||
      (Function.getIdentifier() && LockedSuffix.match(Function.getName()));

  // Writes in a thread entry race with the rest of the program even when no
  // access is locked yet.
  llvm::SmallVector<const model::ThreadEntry *, 2> Entries =
      model::ThreadEntryIndex::get(Ctx).entriesOf(&Function);
  const model::ThreadEntry *Entry = Entries.empty() ? nullptr : Entries[0];
  const FunctionDecl *Accessor = &Function;
  if (const FunctionDecl *Pattern = Function.getTemplateInstantiationPattern())
    Accessor = Pattern;

  const auto *Method = dyn_cast<CXXMethodDecl>(&Function);
  const bool IsPrivateMethod = Method && !Method->getParent()->isLambda() &&
                               Method->getAccess() == AS_private;

  llvm::SmallVector<const FunctionDecl *, 2> Lambdas;
  auto Record = [&](const Expr *Target, const Stmt *At, bool Write) {
    Root R = rootOf(Target);
    if (!R.Decl || !isSharedState(R.Decl))
      return;
    auto &Functions = Accessors[R.Decl];
    if (Functions.size() < 4 && !IsPrivateMethod)
      Functions.insert(Accessor);
    // Writes to another object's fields (`other.n_ = 0` on a local copy) are
    // not judged: only `this` object's state is known to be shared.
    if (Write && isa<FieldDecl>(R.Decl) && !R.ViaThis)
      return;
    llvm::ArrayRef<model::HeldLock> Held = Model.heldAt(At);
    if (Held.empty() && (!Write || Exempt))
      return;
    SourceLocation Loc = R.Naming->getExprLoc();
    SourceLocation Key = SM->getFileLoc(Loc);
    if (!SeenAccess.insert({R.Decl, Key.getRawEncoding() * 2 + unsigned(Write)})
             .second)
      return;
    Access A{Loc, &Function, Write, std::nullopt, nullptr, Accessor};
    if (!Held.empty())
      A.Lock = Held.back();
    else
      A.Entry = Entry;
    Accesses[R.Decl].push_back(A);
  };
  AccessWalker(Record, Lambdas).walk(Function.getBody());
  for (const FunctionDecl *Lambda : Lambdas)
    if (Lambda)
      collect(*Lambda, Ctx);
}

void UnguardedSharedStateCheck::check(const MatchFinder::MatchResult &Result) {
  SM = Result.SourceManager;
  if (const auto *Function = Result.Nodes.getNodeAs<FunctionDecl>(FunctionId))
    collect(*Function, *Result.Context);
  else if (const auto *Lambda = Result.Nodes.getNodeAs<LambdaExpr>(LambdaId))
    if (const CXXMethodDecl *Call = Lambda->getCallOperator())
      collect(*Call, *Result.Context);
}

void UnguardedSharedStateCheck::onEndOfTranslationUnit() {
  llvm::DenseSet<SourceLocation> Reported;
  for (const auto &[State, List] : Accesses) {
    // The locked access named in the message: a read if there is one.
    const Access *Evidence = nullptr;
    for (const Access &A : List)
      if (A.Lock && (!Evidence || (Evidence->Write && !A.Write)))
        Evidence = &A;
    for (const Access &A : List) {
      if (!A.Write || A.Lock)
        continue;
      if (!Evidence) {
        // In a thread entry, another function touching the state is enough.
        auto It = Accessors.find(State);
        if (!A.Entry || It == Accessors.end() ||
            llvm::none_of(
                It->second,
                [&](const FunctionDecl *F) { return F != A.Accessor; }) ||
            !Reported.insert(SM->getFileLoc(A.Loc)).second)
          continue;
        diag(A.Loc, "%0 is written without a lock in a thread entry while "
                    "other functions access it; guard it with a mutex or make "
                    "it std::atomic")
            << cast<NamedDecl>(State);
        diag(A.Entry->Start.Start->getExprLoc(), "thread started here by %0",
             DiagnosticIDs::Note)
            << A.Entry->Start.apiName();
        continue;
      }
      if (!Reported.insert(SM->getFileLoc(A.Loc)).second)
        continue;
      const auto *Lock = cast<NamedDecl>(Evidence->Lock->Id.Decl);
      diag(A.Loc, "%0 is written without a lock here but %select{read|"
                  "written}1 under %2 in '%3'")
          << cast<NamedDecl>(State) << unsigned(Evidence->Write) << Lock
          << displayName(*Evidence->Function);
      diag(Evidence->Loc, "%0 %select{read|written}1 under %2 here",
           DiagnosticIDs::Note)
          << cast<NamedDecl>(State) << unsigned(Evidence->Write) << Lock;
    }
  }
  Accesses.clear();
}

} // namespace loadcheck::concurrency
