//===--- FunctionIndex.h - the function each finding is in ------*- C++ -*-===//
//
// Baselines, code-scanning alerts and the JSON report name the function a
// finding is in. The worker takes it from the AST while the translation unit
// is alive: the source range of every function declaration and lambda of the
// user's code (the checks' traversal scope), so preprocessor branches,
// unusual return types and headers need no guessing.
//
// Names are qualified and without parameters, as a reader writes them:
//   ns::Server::handle            a function or method (in-class or not)
//   ns::Server::start::(lambda)   a lambda in Server::start
//   ns::Server::start::Local::run a method of a class local to Server::start
//   ns::table::(lambda)           a lambda initialising the variable `table`
// Lambdas are not numbered: a lambda added above another one must not change
// the other's name, or every baselined finding in it would become new.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_RUN_FUNCTIONINDEX_H
#define LOADCHECK_TOOL_RUN_FUNCTIONINDEX_H

#include "llvm/ADT/StringRef.h"
#include <map>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class FunctionDecl;
} // namespace clang

namespace loadcheck {

/// The qualified name of \p Function as described above.
std::string enclosingFunctionName(const clang::FunctionDecl &Function);

class FunctionIndex {
public:
  /// Records the functions and lambdas in the traversal scope of \p Ctx,
  /// their files named by \p NameFile (as the findings name them).
  void collect(clang::ASTContext &Ctx,
               llvm::function_ref<std::string(llvm::StringRef)> NameFile);

  /// The innermost function or lambda whose source range holds \p Offset of
  /// \p File, or "" (namespace or class scope, or an unknown file).
  std::string enclosing(const std::string &File, unsigned Offset) const;

  struct Range {
    unsigned Begin = 0, End = 0; ///< file offsets, End past the last token
    std::string Name;
  };
  void add(const std::string &File, Range R) {
    Ranges[File].push_back(std::move(R));
  }

private:
  std::map<std::string, std::vector<Range>> Ranges;
};

} // namespace loadcheck

#endif // LOADCHECK_TOOL_RUN_FUNCTIONINDEX_H
