//===--- UnguardedSharedStateCheck.cpp ------------------------------------===//
#include "checks/concurrency/UnguardedSharedStateCheck.h"
#include "checks/model/FactExtractor.h"
#include "checks/model/SharedAccess.h"
#include "checks/model/ThreadEntry.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/UserLocation.h"
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
                                  unless(isImplicit()), unless(isDefaulted()),
                                  utils::inUserCode())
                         .bind(FunctionId),
                     this);
  Finder->addMatcher(lambdaExpr(utils::inUserCode()).bind(LambdaId), this);
}

void UnguardedSharedStateCheck::onStartOfTranslationUnit() {
  Accesses.clear();
  SharedCache.clear();
  Accessors.clear();
  CalledOnceLambdas.clear();
  Collected.clear();
  SeenAccess.clear();
}

bool UnguardedSharedStateCheck::isSharedState(const ValueDecl *D) {
  auto [It, Inserted] = SharedCache.try_emplace(D, false);
  if (!Inserted)
    return It->second;
  bool Shared = model::isSharedState(D, *SM);
  // try_emplace may have rehashed: look the slot up again.
  SharedCache[D] = Shared;
  return Shared;
}

/// A function no thread start of the TU names that another file may start,
/// or that runs as a thread's body through a virtual call: an override, or
/// a free function of external linkage.
static bool mayBeThreadEntry(const FunctionDecl &Function) {
  if (const auto *Method = dyn_cast<CXXMethodDecl>(&Function))
    return !Method->getParent()->isLambda() &&
           Method->size_overridden_methods() > 0;
  return Function.isExternallyVisible();
}

void UnguardedSharedStateCheck::collect(const FunctionDecl &Function,
                                        ASTContext &Ctx) {
  if (!Collected.insert(&Function).second || !Function.getBody())
    return;
  const model::FunctionLockModel &Model =
      model::LockModels::of(Ctx).function(Function);
  // Constructors and destructors run before or after the object is shared;
  // std::call_once synchronises its callable;
  // `fooLocked()` says its caller holds the lock; main's writes happen
  // before it starts threads or after it joined them.
  const bool Exempt =
      isa<CXXConstructorDecl, CXXDestructorDecl>(Function) ||
      CalledOnceLambdas.contains(&Function) || Function.isMain() ||
      (Function.getIdentifier() && LockedSuffix.match(Function.getName()));

  // Writes in a thread entry race with the rest of the program even when no
  // access is locked yet.
  llvm::SmallVector<const model::ThreadEntry *, 2> Entries =
      model::ThreadEntryIndex::get(Ctx).entriesOf(&Function);
  const model::ThreadEntry *Entry = Entries.empty() ? nullptr : Entries[0];
  const bool MaybeEntry = !Entry && !Exempt && mayBeThreadEntry(Function);
  const FunctionDecl *Accessor = &Function;
  if (const FunctionDecl *Pattern = Function.getTemplateInstantiationPattern())
    Accessor = Pattern;

  const auto *Method = dyn_cast<CXXMethodDecl>(&Function);
  const bool IsPrivateMethod = Method && !Method->getParent()->isLambda() &&
                               Method->getAccess() == AS_private;

  llvm::SmallVector<const FunctionDecl *, 2> Lambdas;
  auto Record = [&](const Expr *Target, const Stmt *At, bool Write) {
    model::AccessRoot R = model::accessRoot(Target);
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
    else {
      A.Entry = Entry;
      A.MaybeEntry = MaybeEntry;
    }
    Accesses[R.Decl].push_back(A);
  };
  llvm::SmallVector<const FunctionDecl *, 1> CalledOnce;
  model::forEachAccess(Function.getBody(), Record, Lambdas, &CalledOnce);
  CalledOnceLambdas.insert(CalledOnce.begin(), CalledOnce.end());
  for (const FunctionDecl *Lambda : Lambdas)
    if (Lambda)
      collect(*Lambda, Ctx);
}

void UnguardedSharedStateCheck::check(const MatchFinder::MatchResult &Result) {
  SM = Result.SourceManager;
  Context = Result.Context;
  if (const auto *Function = Result.Nodes.getNodeAs<FunctionDecl>(FunctionId))
    collect(*Function, *Result.Context);
  else if (const auto *Lambda = Result.Nodes.getNodeAs<LambdaExpr>(LambdaId))
    if (const CXXMethodDecl *Call = Lambda->getCallOperator())
      collect(*Call, *Result.Context);
}

/// Records the finding as a candidate of the program model and decides it:
/// in the driver every candidate is reported and the link stage decides; in
/// the plugin the TU's own facts decide (silence without evidence).
std::optional<model::LinkVerdict>
UnguardedSharedStateCheck::decide(const Access &Write, const ValueDecl *State,
                                  bool InThreadEntry) {
  model::ProgramFactsIndex &Index = model::ProgramFactsIndex::of(*Context);
  model::CandidateFact Candidate = Index.addCandidate(
      model::UnguardedSharedStateCheckName, Write.Loc, *Write.Function, State);
  if (InThreadEntry && Write.MaybeEntry)
    Candidate = Index.markEntryOnly();
  if (model::programVerdictsDeferred())
    return model::LinkVerdict{};
  std::optional<model::LinkVerdict> Verdict = Index.tuGraph().judge(Candidate);
  if (Verdict && !Verdict->Report)
    return std::nullopt;
  return Verdict ? Verdict : model::LinkVerdict{};
}

void UnguardedSharedStateCheck::addNotes(const model::LinkVerdict &Verdict) {
  model::ProgramFactsIndex &Index = model::ProgramFactsIndex::of(*Context);
  for (const model::LinkNote &Note : Verdict.Notes)
    if (SourceLocation Loc = Index.locationOf(Note); Loc.isValid())
      diag(Loc, "%0", DiagnosticIDs::Note) << Note.Message;
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
        if ((!A.Entry && !A.MaybeEntry) || It == Accessors.end() ||
            llvm::none_of(
                It->second,
                [&](const FunctionDecl *F) { return F != A.Accessor; }) ||
            !Reported.insert(SM->getFileLoc(A.Loc)).second)
          continue;
        std::optional<model::LinkVerdict> Verdict =
            decide(A, State, /*InThreadEntry=*/true);
        if (!Verdict)
          continue;
        diag(A.Loc, "%0 is written unlocked in a thread entry while others use "
                    "it; guard it with a mutex or atomic")
            << cast<NamedDecl>(State)
            << utils::fileRange(A.Loc, *SM, getLangOpts());
        if (A.Entry)
          diag(A.Entry->Start.Start->getExprLoc(), "thread started here by %0",
               DiagnosticIDs::Note)
              << A.Entry->Start.apiName();
        addNotes(*Verdict);
        continue;
      }
      if (!Reported.insert(SM->getFileLoc(A.Loc)).second)
        continue;
      std::optional<model::LinkVerdict> Verdict = decide(A, State);
      if (!Verdict)
        continue;
      const auto *Lock = cast<NamedDecl>(Evidence->Lock->Id.Decl);
      diag(A.Loc, "unlocked write of %0 races with its %select{read|"
                  "write}1 under %2 in '%3'; hold %2 here too")
          << cast<NamedDecl>(State) << unsigned(Evidence->Write) << Lock
          << model::functionDisplayName(*Evidence->Function)
          << utils::fileRange(A.Loc, *SM, getLangOpts());
      diag(Evidence->Loc, "%0 %select{read|written}1 under %2 here",
           DiagnosticIDs::Note)
          << cast<NamedDecl>(State) << unsigned(Evidence->Write) << Lock;
      addNotes(*Verdict);
    }
  }
  Accesses.clear();
}

} // namespace loadcheck::concurrency
