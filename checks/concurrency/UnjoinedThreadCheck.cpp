//===--- UnjoinedThreadCheck.cpp ------------------------------------------===//
#include "checks/concurrency/UnjoinedThreadCheck.h"
#include "checks/model/FactExtractor.h"
#include "checks/model/ProgramGraph.h"
#include "checks/utils/JThreadFix.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/UserLocation.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::concurrency {

static constexpr llvm::StringRef ThreadVar = "thread-var";
static constexpr llvm::StringRef ThreadMember = "thread-member";

/// A std::thread with automatic storage declared in user code:
///   std::thread t(work);   auto t = std::thread(work);   Worker t(work);
/// Not members, parameters, statics, lambda init-captures (they belong to
/// the closure), nor template instantiations (the pattern is analysed once,
/// so each spelling is reported once).
static auto localThread() {
  return varDecl(hasLocalStorage(), unless(parmVarDecl()),
                 unless(isInitCapture()), unless(isImplicit()),
                 hasType(hasUnqualifiedDesugaredType(recordType(
                     hasDeclaration(cxxRecordDecl(hasName("::std::thread")))))),
                 utils::inUserCode(), unless(isInstantiated()));
}

/// std::thread's members that neither settle a thread nor hand it over;
/// `joinable` also proves, when false, that nothing is owed.
static constexpr llvm::StringRef NeutralMethods[] = {"get_id", "native_handle"};
static const model::ObligationPolicy ThreadPolicy{NeutralMethods, "joinable"};

void UnjoinedThreadCheck::registerMatchers(MatchFinder *Finder) {
  Finder->addMatcher(localThread().bind(ThreadVar), this);
  Finder->addMatcher(fieldDecl(utils::inUserCode()).bind(ThreadMember), this);
}

/// Every method the class declares is defined in this TU (or needs no
/// body): the TU sees every place that could join its members.
static bool definedHere(const CXXRecordDecl &Record) {
  return llvm::all_of(Record.methods(), [](const CXXMethodDecl *M) {
    return M->isImplicit() || M->isDeleted() || M->isDefaulted() ||
           M->isPureVirtual() || M->hasBody();
  });
}

/// A std::thread member (or a container of them): the link decides
/// whether any function of the program joins or detaches it.
void UnjoinedThreadCheck::checkMember(const FieldDecl &Member,
                                      ASTContext &Ctx) {
  const auto *Record = dyn_cast<CXXRecordDecl>(Member.getParent());
  // Templates: each instantiation's member is another id; left out.
  if (!Record || Record->isDependentContext() ||
      isa<ClassTemplateSpecializationDecl>(Record) ||
      !model::isThreadMemberType(Member.getType()))
    return;
  model::ProgramFactsIndex &Index = model::ProgramFactsIndex::of(Ctx);
  model::CandidateFact Candidate = Index.addCandidate(
      model::UnjoinedThreadCheckName, Index.posOf(Member.getLocation()), "",
      Index.idOf(&Member), Member.getNameAsString());
  model::LinkVerdict Verdict;
  if (!model::programVerdictsDeferred()) {
    // The plugin: silence unless the whole class is in view.
    if (!definedHere(*Record))
      return;
    std::optional<model::LinkVerdict> Judged = Index.tuGraph().judge(Candidate);
    if (!Judged || !Judged->Report)
      return;
    Verdict = std::move(*Judged);
  }
  diag(Member.getLocation(),
       "thread member %0 is never joined; its destructor calls "
       "std::terminate; join it or use jthread")
      << &Member;
  for (const model::LinkNote &Note : Verdict.Notes)
    if (SourceLocation Loc = Index.locationOf(Note); Loc.isValid())
      diag(Loc, "%0", DiagnosticIDs::Note) << Note.Message;
}

void UnjoinedThreadCheck::onStartOfTranslationUnit() {
  ExitsByFunction.clear();
  Reported.clear();
}

const UnjoinedThreadCheck::Exits &
UnjoinedThreadCheck::exitsOf(const Decl &Function, ASTContext &Ctx) {
  auto [It, Inserted] = ExitsByFunction.try_emplace(&Function);
  if (!Inserted || !Function.getBody())
    return It->second;
  // Every thread of this function, so that one CFG serves them all; those of
  // nested lambdas belong to the lambda's own body.
  llvm::SmallVector<const VarDecl *, 4> Threads;
  for (const BoundNodes &Found :
       match(decl(forEachDescendant(localThread().bind(ThreadVar))), Function,
             Ctx)) {
    const auto *Var = Found.getNodeAs<VarDecl>(ThreadVar);
    if (Decl::castFromDeclContext(Var->getParentFunctionOrMethod()) ==
        &Function)
      Threads.push_back(Var);
  }
  It->second = model::findOpenExits(Function, Threads, ThreadPolicy, Ctx);
  return It->second;
}

void UnjoinedThreadCheck::check(const MatchFinder::MatchResult &Result) {
  if (const auto *Member = Result.Nodes.getNodeAs<FieldDecl>(ThreadMember)) {
    checkMember(*Member, *Result.Context);
    return;
  }
  const auto *Thread = Result.Nodes.getNodeAs<VarDecl>(ThreadVar);
  const DeclContext *Owner = Thread->getParentFunctionOrMethod();
  if (!Owner) // not inside a function body: no paths to follow
    return;
  const Decl &Function = *Decl::castFromDeclContext(Owner);
  const Exits &Open = exitsOf(Function, *Result.Context);
  auto Exit = Open.find(Thread);
  if (Exit == Open.end()) // settled on every path
    return;

  const SourceManager &SM = *Result.SourceManager;
  SourceLocation Loc = SM.getFileLoc(Thread->getLocation());
  if (!Reported.insert(Loc).second)
    return;
  {
    auto Diag =
        diag(Loc, "thread %0 may be destroyed while joinable, which "
                  "calls std::terminate; join it on every path")
        << Thread
        << utils::fileRange(Thread->getSourceRange(), SM, getLangOpts());
    // Fix-its only where jthread exists and the change is provably safe.
    if (getLangOpts().CPlusPlus20)
      if (auto Fixes = utils::jthreadFixIts(*Thread, *Function.getBody(),
                                            *Result.Context))
        for (const FixItHint &Fix : *Fixes)
          Diag << Fix;
  }
  SourceLocation NoteLoc = SM.getFileLoc(Exit->second.Loc);
  if (Exit->second.Kind == model::ExitKind::ScopeEnd)
    diag(NoteLoc, "%0 is still joinable when its scope ends here",
         DiagnosticIDs::Note)
        << Thread;
  else
    diag(NoteLoc,
         "%0 is still joinable when this "
         "%select{return|throw|break|continue|goto}1 leaves its scope",
         DiagnosticIDs::Note)
        << Thread << static_cast<unsigned>(Exit->second.Kind);
}

} // namespace loadcheck::concurrency
