//===--- LoggingSink.h - where a program's log goes -------------*- C++ -*-===//
//
// Printing to stdout or stderr is a hazard on a server's request and worker
// threads, except where the program's log is written:
//  - a logging sink: a callback installed as the logger (a call whose name
//    is made of words including `log`/`logger`/`logging` and
//    `set`/`add`/`register`/`install`: `svr.set_logger(...)`,
//    `setLogHandler`, `event_set_log_callback`; `set_login_handler` is not
//    one), or a function named like a logger (`access_log`) passed as a
//    callback;
//  - the program's own logger: a variadic function (C's `...`, a parameter
//    pack), or one taking a `va_list`, formats a message for its caller
//    (`log_error(fmt, ...)`, `vlog(fmt, ap)`); where it prints is the
//    logger's business, not its callers'.
// unstructured-logging and the program model (FactExtractor.h) share these.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_LOGGINGSINK_H
#define LOADCHECK_CHECKS_MODEL_LOGGINGSINK_H

#include "llvm/ADT/StringRef.h"

namespace clang {
class ASTContext;
class CallExpr;
class Expr;
class FunctionDecl;
} // namespace clang

namespace loadcheck::model {

/// True for a name made of words including `log`, `logger` or `logging`
/// (`access_log`, `setLogHandler`; not `login`).
bool namesLogger(llvm::StringRef Name);

/// True for a call that installs a logging sink (see above).
bool registersLogger(const clang::CallExpr &Call);

/// The call that \p E is passed to as an argument, looking through what
/// carries a callback into a parameter (a std::function made from it, a
/// temporary, `&f`); null when \p E is no argument.
const clang::CallExpr *callTaking(const clang::Expr &E, clang::ASTContext &Ctx);

/// True when passing \p Fn to \p Call installs it as a logging sink: the
/// call registers a logger, or \p Fn is named like one.
bool installsLoggingSink(const clang::FunctionDecl &Fn,
                         const clang::CallExpr &Call);

/// True for the program's own logger: \p F is variadic (C's `...` or a
/// parameter pack) or takes a `va_list`.
bool formatsForCaller(const clang::FunctionDecl &F);

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_LOGGINGSINK_H
