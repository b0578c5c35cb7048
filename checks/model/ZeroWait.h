//===--- ZeroWait.h - blocking calls that return at once --------*- C++ -*-===//
//
// DESIGN
// A blocking API (BlockingApis.h) does not always wait. The program model
// leaves out of its blocking facts, and off the may-block fixpoint
// (ProgramGraph.h, (j)), the calls that return at once:
//  - on their own: a buffered `fwrite`, a `poll`/`epoll_wait` with a zero
//    timeout, one integer written to a wakeup fd, a sleep shorter than a
//    millisecond (returnsAtOnce);
//  - through helpers: a call of a function defined in the same TU whose
//    blocking calls all return at once with the caller's arguments: a
//    `select_read(sock, 0, 0)` whose `poll` timeout is computed from those
//    zeros (`sec * 1000 + usec / 1000`), a few helpers down. The timeout is
//    evaluated with each helper's parameters bound to its caller's
//    arguments: integer literals and constants, parameters, locals
//    initialised once and never written, casts, `+ - * /`;
//  - a read of a descriptor that a zero-timeout readiness probe (a `poll`
//    or `select` of it, directly or through such a helper) found ready
//    before it in the same function: `recv(fd, ...)`, `read`, `recvfrom`,
//    `recvmsg` of the same variable, directly or through a helper of the TU
//    whose blocking calls read the descriptor it is given (lambdas written
//    in it included: `handle_EINTR([&] { return recv(sock, ...); })`).
//    Source order, not paths: the probe's result is not checked, and
//    neither are its events (POLLIN) nor a reassignment of the variable.
// Helpers are followed up to four levels down, through lambdas written in
// them and the templates that call those lambdas. A helper that calls a
// function the TU does not define, calls through a pointer, recurses, or
// makes a blocking call that may wait is not "at once".
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_ZEROWAIT_H
#define LOADCHECK_CHECKS_MODEL_ZEROWAIT_H

#include <vector>

namespace clang {
class ASTContext;
class CallExpr;
class Expr;
class FunctionDecl;
} // namespace clang

namespace loadcheck::model {

/// A blocking API called so that it does not wait, judged on the call
/// alone: an `fwrite` into a stdio stream's buffer or that stream's
/// `fflush` (a logging helper's line: reported where it is made under a lock
/// itself, not through every caller of the logger), a poll with a zero
/// timeout (`poll(fds, n, 0)`, `epoll_wait(ep, evs, n, 0)`), a write of one
/// integer's bytes (`write(wake_fd, &u, sizeof u)`: the signal of a wakeup
/// eventfd or pipe), or a sleep shorter than a millisecond
/// (`sleep_for(microseconds{1})`, `usleep(1)` before retrying on EINTR).
bool returnsAtOnce(const clang::FunctionDecl &Callee, const clang::Expr &E,
                   const clang::ASTContext &Ctx);

/// The calls of one function that return at once (see DESIGN). Feed it the
/// function's calls in source order: the readiness probes it sees are
/// remembered for the reads after them.
class ZeroWait {
public:
  ZeroWait(const clang::FunctionDecl &F, clang::ASTContext &Ctx);

  /// Whether \p Call, a call written in the function, returns at once:
  /// returnsAtOnce, or readyAtOnce.
  bool atOnce(const clang::Expr &Call);
  /// Whether \p Call returns at once by the timeouts or the readiness it is
  /// given: a zero-timeout poll or select (through helpers of the TU), a
  /// read of a descriptor a probe before it found ready.
  bool readyAtOnce(const clang::Expr &Call);

private:
  const clang::FunctionDecl &F;
  clang::ASTContext &Ctx;
  /// The descriptors probes found ready so far, as the function names them.
  std::vector<const clang::Expr *> Probes;
};

/// ZeroWait::readyAtOnce for \p Call in \p F, F's calls before it fed in
/// source order: for a check that meets one call outside the facts' walk.
bool readyAtOnceIn(const clang::CallExpr &Call, const clang::FunctionDecl &F,
                   clang::ASTContext &Ctx);

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_ZEROWAIT_H
