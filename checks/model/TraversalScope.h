//===--- TraversalScope.h - the checks walk only the user's code -*- C++
//-*-===//
//
// A translation unit of a service is mostly system headers (the standard
// library, Boost, grpc++...). Matching every node of them costs several times
// the parse and can never produce a finding: clang-tidy drops diagnostics in
// system headers, and every check refuses system-header nodes anyway. So the
// AST traversal of the checks is restricted to the top-level declarations
// outside system headers, through ASTContext::setTraversalScope, which the
// MatchFinder, every RecursiveASTVisitor and the parent map honour.
// Declarations in system headers stay reachable from the user's code (a
// callee, a type, a base class, a template instantiated with a user type);
// only the walk over them is skipped. User headers (-I, not -isystem) stay in
// scope.
//
// The driver restricts the scope in its own AST consumer. Inside a clang-tidy
// that loads the plugin, the consumer belongs to clang-tidy, so every
// loadcheck check is wrapped in UserCodeScopedCheck: the wrapper adds a
// matcher on the TranslationUnitDecl, which the MatchFinder matches before it
// descends into the translation unit (RecursiveASTVisitor reads the scope
// when it traverses the TranslationUnitDecl's children, after the match).
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_TRAVERSALSCOPE_H
#define LOADCHECK_CHECKS_MODEL_TRAVERSALSCOPE_H

#include "clang-tidy/ClangTidyCheck.h"
#include <memory>
#include <vector>

namespace clang {
class ASTContext;
class Decl;
} // namespace clang

namespace loadcheck::model {

/// The top-level declarations of the translation unit whose location (the
/// expansion of a macro counts where it is expanded) is not in a system
/// header.
std::vector<clang::Decl *> userTopLevelDecls(clang::ASTContext &Ctx);

/// Restricts the traversal scope of \p Ctx to userTopLevelDecls(), unless a
/// scope is set already (the driver's consumer, or another loadcheck check of
/// the same run).
void restrictTraversalToUserCode(clang::ASTContext &Ctx);

/// A loadcheck check that first restricts the traversal scope, so it is as
/// fast inside clang-tidy as in the driver, and otherwise behaves as \p Inner.
/// Not a check name of its own: each check carries the restriction, so it
/// applies whichever loadcheck checks are enabled, and never when none is.
/// With clang-tidy's --system-headers (SystemHeaders: true), which asks for
/// findings inside system headers, the scope is left whole.
class UserCodeScopedCheck final : public clang::tidy::ClangTidyCheck {
public:
  UserCodeScopedCheck(std::unique_ptr<clang::tidy::ClangTidyCheck> Inner,
                      llvm::StringRef Name,
                      clang::tidy::ClangTidyContext *Context);

  bool
  isLanguageVersionSupported(const clang::LangOptions &LangOpts) const override;
  void registerPPCallbacks(const clang::SourceManager &SM,
                           clang::Preprocessor *PP,
                           clang::Preprocessor *ModuleExpanderPP) override;
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;

private:
  /// Restricts the scope when the TranslationUnitDecl is matched.
  class ScopeSetter : public clang::ast_matchers::MatchFinder::MatchCallback {
  public:
    explicit ScopeSetter(llvm::StringRef CheckName) : CheckName(CheckName) {}
    void
    run(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
    /// Its (tiny) time counts as the check's in clang-tidy's check profile.
    llvm::StringRef getID() const override { return CheckName; }

  private:
    std::string CheckName;
  };

  std::unique_ptr<clang::tidy::ClangTidyCheck> Inner;
  clang::tidy::ClangTidyContext *Context;
  ScopeSetter Setter;
};

/// A clang-tidy check factory creating \p CheckClass inside a
/// UserCodeScopedCheck.
template <class CheckClass>
std::unique_ptr<clang::tidy::ClangTidyCheck>
createUserCodeScoped(llvm::StringRef Name,
                     clang::tidy::ClangTidyContext *Context) {
  return std::make_unique<UserCodeScopedCheck>(
      std::make_unique<CheckClass>(Name, Context), Name, Context);
}

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_TRAVERSALSCOPE_H
