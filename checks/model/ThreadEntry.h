//===--- ThreadEntry.h - which callable runs on a new thread? ---*- C++ -*-===//
//
// The thread-entry model. Several checks ask the same two questions:
//   1. "does this expression start a thread, and how?"  (classifyThreadStart)
//   2. "which code runs on that thread?"                 (resolveThreadEntry)
// and the lock, shared-state and logging checks ask the reverse:
//   3. "is this statement (or function) a thread entry?" (ThreadEntryIndex)
//
// Thread starts recognised (only in user code; system headers are skipped):
//   std::thread t(f, args...);  std::jthread t(f);  std::thread(f)  (any
//     spelling of the construction: variable, temporary, `new std::thread(f)`,
//     member initialiser, `v.push_back(std::thread(f))` — the construction
//     itself is the start)
//   v.emplace_back(f, args...)  / emplace / emplace_front on a container
//     whose value type is a thread class (the library constructs the thread)
//   std::make_unique<std::thread>(f) / std::make_shared<std::jthread>(f)
//   std::async([policy,] f, args...)
//   pthread_create(&tid, attr, f, arg)
//   boost::thread t(f, args...)
//   thrd_create(&thr, f, arg)
//
// Callables resolved (after looking through parentheses, implicit casts,
// temporaries, copies, std::move and the lambda-to-function-pointer
// conversion):
//   - a lambda written inline, or stored first in a local variable whose
//     initialiser is a lambda (also through `std::function` / `auto`
//     locals; a later reassignment of a std::function is not seen);
//   - a free function (`f`, `&f`) or static member function;
//   - a member function pointer `&C::run` (the object is the next argument);
//   - an object of a class with exactly one `operator()` (a functor).
// Anything else (std::bind, function parameters, calls returning callables,
// dependent expressions in templates) is unresolvable and skipped: the model
// stays silent rather than guess.
//
// Scope: single function, single TU. Functions *called* from an entry are not
// entries themselves; a lambda nested inside an entry is its own function and
// is not an entry unless it is itself passed to a thread start.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_THREADENTRY_H
#define LOADCHECK_CHECKS_MODEL_THREADENTRY_H

#include "clang/ASTMatchers/ASTMatchers.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class Decl;
class Expr;
class FunctionDecl;
class LambdaExpr;
class NamedDecl;
class Stmt;
} // namespace clang

namespace loadcheck::model {

/// The API that starts the thread.
enum class ThreadStartKind {
  StdThread,   ///< std::thread construction (also emplace_back, make_unique)
  JThread,     ///< std::jthread construction (likewise)
  Async,       ///< std::async
  Pthread,     ///< pthread_create
  BoostThread, ///< boost::thread construction
  C11Thread,   ///< thrd_create
};

/// The launch policy of a std::async call.
enum class LaunchPolicy {
  NotAsync, ///< the start is not std::async
  Async,    ///< std::launch::async: always a new thread
  Deferred, ///< std::launch::deferred: runs lazily on the waiting thread
  Default,  ///< no policy, or async|deferred: the library may start a thread
  Unknown,  ///< a policy that is not a compile-time constant
};

/// A call or construction that starts a thread.
struct ThreadStart {
  /// The expression that starts the thread: the CXXConstructExpr of the
  /// thread object, the emplace_back/make_unique/std::async/pthread_create/
  /// thrd_create CallExpr.
  const clang::Expr *Start = nullptr;
  ThreadStartKind Kind = ThreadStartKind::StdThread;
  LaunchPolicy Policy = LaunchPolicy::NotAsync;
  /// The argument that names the callable, as written (never null).
  const clang::Expr *Callable = nullptr;
  /// The arguments handed to the callable after it (for a member function
  /// pointer the first one is the object; for pthread_create/thrd_create the
  /// single `void *` argument).
  llvm::SmallVector<const clang::Expr *, 4> Args;

  /// True when this start may run the callable on a new thread (everything
  /// but std::async with std::launch::deferred).
  bool mayStartThread() const { return Policy != LaunchPolicy::Deferred; }
  /// "std::thread", "std::jthread", "std::async", "pthread_create",
  /// "boost::thread", "thrd_create": for diagnostics.
  llvm::StringRef apiName() const;
};

/// Classifies \p E as a thread start; std::nullopt when it is not one.
/// Cheap: a few name comparisons on the callee. Works on instantiated
/// template code; dependent expressions are never thread starts.
std::optional<ThreadStart> classifyThreadStart(const clang::Expr *E,
                                               clang::ASTContext &Ctx);

/// How the entry's callable was written.
enum class EntryKind {
  Lambda,         ///< a lambda (inline or stored in a local first)
  Function,       ///< a free or static member function
  MemberFunction, ///< `&C::run` with an object argument
  Functor,        ///< an object whose class has operator()
};

/// The code that runs on a new thread.
struct ThreadEntry {
  ThreadStart Start;
  EntryKind Kind = EntryKind::Function;
  /// The function that runs: the lambda's call operator, the free function,
  /// the member function or the functor's operator(). Its definition when
  /// the TU has one (then Body is its body), else its first declaration and
  /// Body is null (defined in another TU).
  const clang::FunctionDecl *Function = nullptr;
  /// The lambda, for Kind == Lambda (inline or the local's initialiser).
  const clang::LambdaExpr *Lambda = nullptr;
  /// The entry's body, null when the definition is not in this TU.
  const clang::Stmt *Body = nullptr;
  /// For MemberFunction: the object argument (`this`, `&worker`), else null.
  const clang::Expr *Object = nullptr;
  /// For display, unquoted: "lambda", "worker", "JobRunner::run",
  /// "Flusher::operator()". Diagnostics quote it themselves.
  std::string Name;
};

/// The entry of the thread started by \p Start (any expression accepted by
/// classifyThreadStart); std::nullopt when \p Start is not a thread start or
/// its callable cannot be resolved.
std::optional<ThreadEntry> resolveThreadEntry(const clang::Expr *Start,
                                              clang::ASTContext &Ctx);

/// Matches an expression that starts a thread (see classifyThreadStart), in
/// user code (not in system headers). Includes template instantiations; bind
/// it and dedupe on the spelling location to report once per spelling:
///   Finder->addMatcher(model::threadStartExpr().bind("start"), this);
clang::ast_matchers::internal::BindableMatcher<clang::Stmt> threadStartExpr();

/// Every thread entry of a translation unit, computed once per TU (on first
/// use) and shared by all checks. Thread-safe to obtain from several TUs
/// analysed in parallel; the index of one TU is used by one thread.
///
///   const auto &Index = model::ThreadEntryIndex::get(*Result.Context);
///   if (const ThreadEntry *E = Index.enclosingEntry(Stmt, Ctx)) ...
class ThreadEntryIndex {
public:
  /// The index of the TU of \p Ctx, built on first request (one AST walk of
  /// the user-code declarations, template instantiations included) and freed
  /// with the ASTContext.
  static const ThreadEntryIndex &get(clang::ASTContext &Ctx);

  /// Builds an index without caching it (for tests).
  explicit ThreadEntryIndex(clang::ASTContext &Ctx);

  /// Every resolved entry, in source order of the starts (instantiations of
  /// one template start appear once per instantiation).
  llvm::ArrayRef<ThreadEntry> entries() const { return Entries; }

  /// The entries that run \p Function (any redeclaration of it, a lambda's
  /// call operator, or a template instantiation whose pattern is an entry);
  /// empty when it is not a thread entry.
  llvm::SmallVector<const ThreadEntry *, 2>
  entriesOf(const clang::FunctionDecl *Function) const;
  bool isThreadEntry(const clang::FunctionDecl *Function) const {
    return !entriesOf(Function).empty();
  }

  /// The entry whose body directly contains \p S: the innermost enclosing
  /// function or lambda of \p S, if it is a thread entry; null otherwise.
  /// A statement in a lambda nested in an entry is not inside that entry
  /// (the nested lambda is its own function), nor is a function called from
  /// an entry.
  const ThreadEntry *enclosingEntry(const clang::Stmt &S,
                                    clang::ASTContext &Ctx) const;

private:
  std::vector<ThreadEntry> Entries;
  /// Canonical FunctionDecl -> indices into Entries.
  llvm::DenseMap<const clang::Decl *, llvm::SmallVector<unsigned, 1>> ByDecl;
};

/// The innermost function whose body contains \p S: a FunctionDecl, or the
/// call operator of the innermost enclosing lambda. Null at namespace scope
/// (e.g. a global's initialiser). Shared with the request-path model.
const clang::FunctionDecl *enclosingFunction(const clang::Stmt &S,
                                             clang::ASTContext &Ctx);

/// The qualified name of \p D for diagnostics, without the scopes nobody
/// writes (anonymous and inline namespaces): `Session::run`, `bad::parse`.
std::string displayName(const clang::NamedDecl &D);

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_THREADENTRY_H
