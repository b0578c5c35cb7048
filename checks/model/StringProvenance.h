//===--- StringProvenance.h - how a string was built ------------*- C++ -*-===//
//
// Follows a string that reaches a call (a SQL query, a command line) back
// through the enclosing function to the run-time value it was joined from.
// Single-function view, flow-insensitive: every assignment and append to a
// local in the function counts, whatever the order. What comes from another
// function (a helper's result, a member written by another method) is named
// (wholeQuerySource), and what a function joins into its members is found
// (findMemberJoin): the program model links the two.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_STRINGPROVENANCE_H
#define LOADCHECK_CHECKS_MODEL_STRINGPROVENANCE_H

#include "llvm/ADT/StringRef.h"
#include <optional>

namespace clang {
class ASTContext;
class Expr;
class FieldDecl;
class NamedDecl;
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

/// Where a query that arrives whole at \p Arg (findRuntimePart found no
/// part) comes from: the function of the program whose result it is
/// (`build_query(n).c_str()`, or a local initialised with it), or the member
/// it is read from (`m_sql.c_str()`, `m_sql.str()`, a member buffer). Null
/// for anything else (a parameter, a library's result).
const clang::NamedDecl *wholeQuerySource(const clang::Expr *Arg,
                                         const clang::Stmt *Body,
                                         clang::ASTContext &Ctx);

/// A run-time value joined into a member that holds text: a string, a
/// string stream or a character buffer (`m_sql << "... " << name`,
/// `m_query += id`, `snprintf(m_buf, n, "... '%s'", name)`).
struct MemberJoin {
  const clang::FieldDecl *Member;
  RuntimePart Part;
};

/// The run-time value that the statement \p S of \p Body joins into a
/// member, or none (another statement, only constants joined, values
/// escaped or numbers formatted as for findRuntimePart).
std::optional<MemberJoin> findMemberJoin(const clang::Stmt &S,
                                         const clang::Stmt *Body,
                                         clang::ASTContext &Ctx);

/// True for a string literal that reads like SQL: it starts a statement
/// (`SELECT`, `INSERT`, `UPDATE`, `DELETE`, `REPLACE`) or has a clause of
/// one (` WHERE `, ` VALUES`).
bool looksLikeSql(llvm::StringRef Text);

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_STRINGPROVENANCE_H
