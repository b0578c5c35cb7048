//===--- StringProvenance.h - how a string was built ------------*- C++ -*-===//
//
// Follows a string that reaches a call (a SQL query, a command line) back
// through the enclosing function to the run-time value it was joined from.
// Single-function view, flow-insensitive: every assignment and append to a
// local in the function counts, whatever the order.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_STRINGPROVENANCE_H
#define LOADCHECK_CHECKS_MODEL_STRINGPROVENANCE_H

#include <optional>

namespace clang {
class ASTContext;
class Expr;
class Stmt;
} // namespace clang

namespace loadcheck::model {

/// A run-time value joined into a string, and where it was joined.
struct RuntimePart {
  const clang::Expr *Part;     ///< the run-time value (`id`, `req.body`)
  const clang::Expr *JoinedAt; ///< `a + b`, `q += x`, `snprintf(...)`, `<<`
};

/// The first run-time value that \p Arg was built from in \p Body, or none
/// when \p Arg is made only of literals and compile-time constants, or
/// arrives whole (a parameter, a member, a call result: built elsewhere).
///
/// Building means: `operator+` on strings, `std::format`/`fmt::format`/
/// `absl::StrCat`, a local `std::string` built with `+=`/`append`/`insert`,
/// a local string stream written with `<<` (read with `.str()` or passed
/// itself), a local `char` buffer filled by `snprintf`/`sprintf`/`strcat`.
/// A part is constant when it is a literal, a constant expression, a
/// `const`/`constexpr` variable with a constant initialiser, or a local only
/// ever assigned constants. Values escaped for SQL (`pqxx` `quote`/`esc`/
/// `quote_name`, `PQescapeLiteral`/`PQescapeIdentifier`, a buffer filled by
/// `PQescapeStringConn`/`mysql_real_escape_string`) count as constant.
std::optional<RuntimePart> findRuntimePart(const clang::Expr *Arg,
                                           const clang::Stmt *Body,
                                           clang::ASTContext &Ctx);

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_STRINGPROVENANCE_H
