//===--- UnstructuredLoggingCheck.h -----------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_OBSERVABILITY_UNSTRUCTUREDLOGGINGCHECK_H
#define LOADCHECK_CHECKS_OBSERVABILITY_UNSTRUCTUREDLOGGINGCHECK_H

#include "checks/model/RequestPath.h"
#include "checks/model/TestCode.h"
#include "clang-tidy/ClangTidyCheck.h"
#include <optional>

namespace loadcheck::observability {

/// Flags printf, puts, fprintf(stdout|stderr, ...), std::cout, std::cerr and
/// std::clog inside request handlers and thread entries, and in the functions
/// they call: use the project's structured logger.
///
/// Where: the body of a request handler (request-path model) or of a thread
/// entry (thread-entry model) with `Scope=handlers` (the default), or any
/// function but `main` with `Scope=all-non-main`. Never in `main`; test code
/// (test-code model) is skipped unless `IncludeTestCode` is set.
///
/// Through calls (`Scope=handlers`): a print in any other function, unless
/// it is the program's own logger (LoggingSink.h), is a candidate of the
/// program model, kept when a handler or a thread entry of the program calls
/// the function (ProgramGraph.h, the logging path).
class UnstructuredLoggingCheck final : public model::TestCodeAwareCheck {
public:
  UnstructuredLoggingCheck(llvm::StringRef Name,
                           clang::tidy::ClangTidyContext *Ctx);
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;

private:
  /// The code a print is in: its kind, as the message's %select (thread
  /// entry, request handler, other function), and its name.
  struct Place {
    /// The first three are the message's %select; ThroughCallers is decided
    /// by the callers (reportThroughCallers).
    enum Kinds : unsigned { Entry, Handler, Other, ThroughCallers };
    unsigned Kind;
    std::string Name;
    const clang::FunctionDecl *Function = nullptr; ///< ThroughCallers
  };
  /// std::nullopt when the code is out of scope.
  std::optional<Place> scopeOf(const clang::Stmt &S, clang::ASTContext &Ctx,
                               const clang::SourceManager &SM) const;

  void reportThroughCallers(const clang::Expr &Print, llvm::StringRef Writer,
                            const clang::FunctionDecl &F,
                            clang::ASTContext &Ctx);

  const std::string Scope;
  const bool AllNonMain;
  const model::RequestPathOptions ReqOpts;
};

} // namespace loadcheck::observability

#endif // LOADCHECK_CHECKS_OBSERVABILITY_UNSTRUCTUREDLOGGINGCHECK_H
