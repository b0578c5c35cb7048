//===--- JThreadFix.h - a local std::thread as a std::jthread ---*- C++ -*-===//
//-*-===//
//
// std::jthread (C++20) joins in its destructor, so changing a local's type
// from std::thread to std::jthread removes every "destroyed while joinable"
// path at once. The change is only safe when nothing else can notice it:
// - the type is spelled `std::thread` (or `thread`) outside macros, in a
//   declaration of that one variable, or `auto` initialised from a spelled
//   `std::thread(...)` temporary (which is rewritten instead);
// - every use is `join`/`detach`/`joinable`/`get_id`/`native_handle`, or an
//   assignment from a spelled `std::thread(...)` temporary (rewritten too):
//   a jthread cannot be moved into a std::thread container, swapped with a
//   std::thread or bound to a `std::thread &`;
// - the callable would not be given a std::stop_token: jthread passes one
//   whenever the callable is invocable with it as an extra first argument,
//   which a generic lambda, a variadic function or a functor with a template
//   or wider operator() may be. Non-generic lambdas and plain functions that
//   accept exactly the given arguments cannot;
// - std::jthread is declared in the translation unit (libstdc++'s <future>
//   and <condition_variable> bring std::thread without it), so the result
//   compiles without inserting an include.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_UTILS_JTHREADFIX_H
#define LOADCHECK_CHECKS_UTILS_JTHREADFIX_H

#include "clang/Basic/Diagnostic.h"
#include "llvm/ADT/SmallVector.h"
#include <optional>

namespace clang {
class ASTContext;
class Stmt;
class VarDecl;
} // namespace clang

namespace loadcheck::utils {

/// The edits that make local \p Thread, declared in \p FunctionBody, a
/// std::jthread, or nothing when that is not provably safe (see above).
/// The caller checks that the language is C++20 or later.
std::optional<llvm::SmallVector<clang::FixItHint, 2>>
jthreadFixIts(const clang::VarDecl &Thread, const clang::Stmt &FunctionBody,
              clang::ASTContext &Ctx);

} // namespace loadcheck::utils

#endif // LOADCHECK_CHECKS_UTILS_JTHREADFIX_H
