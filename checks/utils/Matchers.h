//===--- Matchers.h - small AST matchers every check shares -----*- C++ -*-===//
#ifndef LOADCHECK_CHECKS_UTILS_MATCHERS_H
#define LOADCHECK_CHECKS_UTILS_MATCHERS_H

#include "clang/ASTMatchers/ASTMatchers.h"

namespace loadcheck::utils {

/// Matches a node of the user's code: spelled (expanded) outside system
/// headers. Works on any node a matcher binds (statements, declarations).
inline auto inUserCode() {
  using namespace clang::ast_matchers;
  return unless(isExpansionInSystemHeader());
}

} // namespace loadcheck::utils

#endif // LOADCHECK_CHECKS_UTILS_MATCHERS_H
