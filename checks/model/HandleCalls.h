//===--- HandleCalls.h - calls made on a handle, through helpers -*- C++
//-*-===//
//
// "Was a timeout set on this handle?" is asked by several connection checks:
// `ctx.set_deadline(...)`, `curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, ...)`,
// `cli.set_read_timeout(...)`. Teams often configure handles in a helper
// (`applyDefaults(ctx)`), so a call counts when it is made on the handle in
// the function itself, or in the body (in this translation unit) of a
// function, method or lambda the handle is passed to, a few levels deep.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_HANDLECALLS_H
#define LOADCHECK_CHECKS_MODEL_HANDLECALLS_H

#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace clang {
class CallExpr;
class Expr;
class NamedDecl;
class SourceManager;
class Stmt;
} // namespace clang

namespace loadcheck::model {

/// Decides whether \p Call is the wanted call made on \p Handle.
using HandleCallPredicate = llvm::function_ref<bool(
    const clang::CallExpr &Call, const clang::NamedDecl &Handle)>;

/// True when \p Body contains a call satisfying \p IsWanted on \p Handle, or
/// passes \p Handle to a function whose body (in this translation unit) does,
/// up to three helper levels. With \p Before valid, only calls that start
/// before it (in the translation unit) count at the top level.
bool callsOnHandle(const clang::Stmt *Body, const clang::NamedDecl &Handle,
                   HandleCallPredicate IsWanted, const clang::SourceManager &SM,
                   clang::SourceLocation Before = {});

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_HANDLECALLS_H
