//===--- UnjoinedThreadCheck.cpp ------------------------------------------===//
#include "checks/concurrency/UnjoinedThreadCheck.h"
#include "checks/utils/JThreadFix.h"
#include "checks/utils/Matchers.h"
#include "checks/utils/UserLocation.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::concurrency {

static constexpr llvm::StringRef ThreadVar = "thread-var";

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
