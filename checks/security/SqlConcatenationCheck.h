//===--- SqlConcatenationCheck.h --------------------------------*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_SECURITY_SQLCONCATENATIONCHECK_H
#define LOADCHECK_CHECKS_SECURITY_SQLCONCATENATIONCHECK_H

#include "checks/model/TestCode.h"
#include "clang-tidy/ClangTidyCheck.h"

namespace loadcheck::security {

/// Flags a query-executing call whose SQL text is built at run time from
/// non-literal parts instead of being a parameterised query.
///
/// The SQL argument is followed back through the function: `operator+` on
/// strings, `std::format`/`fmt::format`, a local `std::string` built with
/// `+=`/`append`/`insert`/`assign`, a local `std::ostringstream` read with
/// `.str()`, and a local buffer filled by `snprintf`/`sprintf`/`strcat`. It
/// is reported when a part is a run-time value (parameter, member, call
/// result...) rather than a literal or a compile-time constant. Values passed
/// through an escaping function (`pqxx` `quote`/`esc`, `PQescapeLiteral`,
/// `mysql_real_escape_string`...) are treated as safe parts, and a SQL
/// argument that arrives whole (a parameter, a library's result) is not
/// judged. One that arrives whole from a function of the program (a helper
/// that returns the query) or from a member written in another method is
/// judged by the program model: the driver's link stage, across files; the
/// plugin, within its translation unit.
class SqlConcatenationCheck final : public model::TestCodeAwareCheck {
public:
  SqlConcatenationCheck(llvm::StringRef Name,
                        clang::tidy::ClangTidyContext *Ctx)
      : TestCodeAwareCheck(Name, Ctx) {}
  bool isLanguageVersionSupported(
      const clang::LangOptions &LangOpts) const override {
    return true; // libpq, MySQL and SQLite are C APIs
  }
  void registerMatchers(clang::ast_matchers::MatchFinder *Finder) override;
  void
  check(const clang::ast_matchers::MatchFinder::MatchResult &Result) override;

private:
  /// A query that arrives whole from a function of the program or from a
  /// member: a candidate of the program model (built by a helper that
  /// returns it, or in another method).
  void checkBuiltElsewhere(const clang::CallExpr &Call, const clang::Expr &Sql,
                           const clang::FunctionDecl &InFunction,
                           clang::ASTContext &Ctx);
};

} // namespace loadcheck::security

#endif // LOADCHECK_CHECKS_SECURITY_SQLCONCATENATIONCHECK_H
