//===--- ConstantString.h - the literal a string expression holds -*- C++
//-*-===//
#ifndef LOADCHECK_CHECKS_UTILS_CONSTANTSTRING_H
#define LOADCHECK_CHECKS_UTILS_CONSTANTSTRING_H

namespace clang {
class Expr;
class StringLiteral;
class VarDecl;
} // namespace clang

namespace loadcheck::utils {

/// The expression under the wrappers a string travels through on its way to
/// a call: parentheses, implicit casts, temporaries, `std::string` and
/// `std::string_view` constructed from one argument, `.c_str()`/`.data()`.
const clang::Expr *ignoreStringWrappers(const clang::Expr *E);

/// The string literal \p E evaluates to: written in place, or the initializer
/// of a `const`/`constexpr` variable it names (one or more hops). \p Via, when
/// given, receives the last variable followed (null for a literal in place).
/// Null when the value is not a compile-time literal.
const clang::StringLiteral *
stringLiteralOf(const clang::Expr *E, const clang::VarDecl **Via = nullptr);

} // namespace loadcheck::utils

#endif // LOADCHECK_CHECKS_UTILS_CONSTANTSTRING_H
