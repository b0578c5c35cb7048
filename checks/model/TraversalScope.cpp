//===--- TraversalScope.cpp - the checks walk only the user's code --------===//
#include "checks/model/TraversalScope.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/ASTMatchers/ASTMatchers.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::model {

std::vector<Decl *> userTopLevelDecls(ASTContext &Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  std::vector<Decl *> UserDecls;
  for (Decl *D : Ctx.getTranslationUnitDecl()->decls())
    if (!SM.isInSystemHeader(D->getLocation()))
      UserDecls.push_back(D);
  return UserDecls;
}

static bool hasWholeScope(const ASTContext &Ctx) {
  std::vector<Decl *> Scope = Ctx.getTraversalScope();
  return Scope.size() == 1 && isa<TranslationUnitDecl>(Scope.front());
}

void restrictTraversalToUserCode(ASTContext &Ctx) {
  if (hasWholeScope(Ctx))
    Ctx.setTraversalScope(userTopLevelDecls(Ctx));
}

UserCodeScopedCheck::UserCodeScopedCheck(
    std::unique_ptr<tidy::ClangTidyCheck> Inner, llvm::StringRef Name,
    tidy::ClangTidyContext *Context)
    : ClangTidyCheck(Name, Context), Inner(std::move(Inner)), Context(Context),
      Setter(Name) {}

bool UserCodeScopedCheck::isLanguageVersionSupported(
    const LangOptions &LangOpts) const {
  return Inner->isLanguageVersionSupported(LangOpts);
}

void UserCodeScopedCheck::registerPPCallbacks(const SourceManager &SM,
                                              Preprocessor *PP,
                                              Preprocessor *ModuleExpanderPP) {
  Inner->registerPPCallbacks(SM, PP, ModuleExpanderPP);
}

void UserCodeScopedCheck::registerMatchers(MatchFinder *Finder) {
  // Before the check's own matchers, so a check matching the
  // TranslationUnitDecl itself already sees the restricted scope.
  if (!Context->getOptions().SystemHeaders.value_or(false))
    Finder->addMatcher(translationUnitDecl(), &Setter);
  Inner->registerMatchers(Finder);
}

void UserCodeScopedCheck::storeOptions(
    tidy::ClangTidyOptions::OptionMap &Opts) {
  Inner->storeOptions(Opts);
}

void UserCodeScopedCheck::ScopeSetter::run(
    const MatchFinder::MatchResult &Result) {
  restrictTraversalToUserCode(*Result.Context);
}

} // namespace loadcheck::model
