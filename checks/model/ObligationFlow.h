//===--- ObligationFlow.h - does a local leave its scope owing? -*- C++ -*-===//
//
// Some local objects carry an obligation from the moment they are given a
// value: a running std::thread must be joined or detached before its
// destructor runs (or std::terminate is called), a std::future from
// std::async blocks in its destructor unless someone waited on it. A check
// asks one question — "can this local reach the end of its scope with the
// obligation still open, and where?" — and this helper answers it with a
// forward "may be open" dataflow over the CFG of the enclosing function, so
// early returns, throws, breaks out of loops and both arms of every branch are
// all seen without the check walking statements itself.
//
// The model, deliberately simple and biased towards silence:
// - a variable opens when it is initialised or assigned from anything but a
//   default construction (`T x;`, `T x{}`, `x = T()`, `x = {}`);
// - every use other than a neutral member call closes it: the discharging
//   call (`join()`), a move, a swap, passing it by reference, capturing it,
//   taking its address — we cannot see what happens next, so we assume the
//   obligation was handed over;
// - on the false edge of `if (x.<Query>())` (e.g. `joinable()`) it is closed;
// - it leaves its scope at its implicit destructor (end of block, return,
//   break, continue, goto) or at an explicit `throw` not caught inside its
//   scope. Calls that may throw are not exits (that would flag nearly every
//   function) but do carry the state into the handlers of an enclosing try.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_OBLIGATIONFLOW_H
#define LOADCHECK_CHECKS_MODEL_OBLIGATIONFLOW_H

#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringRef.h"

namespace clang {
class ASTContext;
class Decl;
class VarDecl;
} // namespace clang

namespace loadcheck::model {

/// Which member calls leave an obligation untouched or test it.
struct ObligationPolicy {
  /// Member calls that neither discharge the obligation nor hand the object
  /// over, e.g. `joinable`, `get_id`, `native_handle`.
  llvm::ArrayRef<llvm::StringRef> NeutralMethods;
  /// A member call whose false result proves there is no obligation, e.g.
  /// `joinable`: after `if (t.joinable()) t.join();` nothing is owed.
  llvm::StringRef QueryMethod;
};

/// How a path leaves the variable's scope. Diagnostics `%select` on the
/// order of the first five: keep it.
enum class ExitKind { Return, Throw, Break, Continue, Goto, ScopeEnd };

/// Where a path leaves the scope of a variable whose obligation may be open.
struct OpenExit {
  ExitKind Kind;
  /// The return/throw/break/continue/goto, or the end of the scope (the
  /// closing brace of its block).
  clang::SourceLocation Loc;
};

/// For each variable of \p Vars, all declared directly in the body of
/// \p Function (not in a nested lambda), the first exit in source order
/// where its obligation may still be open; variables that are always settled
/// have no entry. Builds the CFG of \p Function once for all of them; returns
/// an empty map when no CFG can be built.
llvm::DenseMap<const clang::VarDecl *, OpenExit>
findOpenExits(const clang::Decl &Function,
              llvm::ArrayRef<const clang::VarDecl *> Vars,
              const ObligationPolicy &Policy, clang::ASTContext &Ctx);

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_OBLIGATIONFLOW_H
