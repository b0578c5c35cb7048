//===--- ClientPerRequestCheck.h --------------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_CONNECTIONS_CLIENTPERREQUESTCHECK_H
#define LOADCHECK_CHECKS_CONNECTIONS_CLIENTPERREQUESTCHECK_H

#include "checks/connections/ClientApis.h"
#include "checks/model/RequestPath.h"
#include "checks/model/TestCode.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "llvm/ADT/DenseSet.h"

namespace loadcheck::connections {

/// Flags an expensive client or connection constructed per request or per
/// loop iteration, which pays DNS, TCP and TLS setup every time and defeats
/// connection pooling.
///
/// Constructions of `ClientTypes` (a variable, a temporary, `new`,
/// `std::make_unique`/`std::make_shared`) and calls of `ClientFactories`
/// are asked of the request-path model. Not flagged: function-scope
/// statics, `thread_local`s, members and globals, anything outside loops and
/// handlers (`main`'s setup), and objects handed over to something that
/// outlives the iteration (a pool being filled: `conns_.push_back(...)`).
class ClientPerRequestCheck final : public model::TestCodeAwareCheck {
public:
  ClientPerRequestCheck(llvm::StringRef Name,
                        clang::tidy::ClangTidyContext *Ctx);
  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    return true; // curl, libpq, hiredis, MySQL and SQLite are C APIs
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;
  void onStartOfTranslationUnit() override { Reported.clear(); }

private:
  /// Reports \p Created (\p What names it) when it runs per request.
  void report(const clang::Expr &Created, const clang::VarDecl *Var,
              llvm::StringRef TypeName, const clang::FunctionDecl *Factory,
              clang::ASTContext &Ctx);

  /// Reports \p Created when it is made on every call of its function and
  /// that function runs per request because of its callers (a candidate of
  /// the program model).
  void reportThroughCallers(const clang::Expr &Created,
                            const clang::VarDecl *Var, llvm::StringRef TypeName,
                            const clang::FunctionDecl *Factory,
                            clang::ASTContext &Ctx);

  const std::string ExtraClientTypes;
  const std::string ExtraClientFactories;
  const NameList ClientTypes;
  const NameList ClientFactories;
  const model::RequestPathOptions ReqOpts;
  llvm::DenseSet<clang::SourceLocation> Reported;
};

} // namespace loadcheck::connections

#endif // LOADCHECK_CHECKS_CONNECTIONS_CLIENTPERREQUESTCHECK_H
