//===--- ProgramFacts.h - what one TU says about its functions --*- C++ -*-===//
//
// DESIGN
// The program model works in two steps. The extractor (FactExtractor.h)
// walks one translation unit and writes down, per user function, the facts
// below; the program graph (ProgramGraph.h) merges the facts of every TU and
// answers the questions no single function can answer alone (who calls it,
// on which thread, under which locks).
//
// These are plain data with no AST inside, so that they can be cached, sent
// from a worker process to the driver, and built by hand in unit tests. The
// JSON codec at the bottom is the only serialisation: the worker ships it,
// the cache stores it, ProgramLink reads it back.
//
// Identities hold across files: a function, a global or a lock is named by
// its USR (clang's Unified Symbol Resolution), a field by its record's USR
// and its own name (the field's USR). Entities local to a TU (static
// functions and variables, anonymous namespaces) get the TU's main file as a
// prefix, so that two TUs' `static void init()` stay two functions.
//
// Locations are indices into the TU's "files" table plus byte offset, line
// and column: the driver renames the files once, every location follows.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_PROGRAMFACTS_H
#define LOADCHECK_CHECKS_MODEL_PROGRAMFACTS_H

#include "llvm/Support/JSON.h"
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace loadcheck::model {

/// A place in a file of the TU's "files" table.
struct FactPos {
  unsigned File = 0; ///< index into TUFacts::Files
  unsigned Offset = 0;
  unsigned Line = 0;
  unsigned Column = 0;
};

/// A lock as the program knows it.
struct LockRef {
  std::string Id;   ///< USR of the mutex variable or field
  std::string Name; ///< for messages: `mu_`, `counters_mu`
  friend bool operator==(const LockRef &A, const LockRef &B) {
    return A.Id == B.Id;
  }
};

/// One call of a function (by id; the callee may live in another TU).
struct CallFact {
  std::string Callee;
  std::string CalleeName;
  FactPos At;
  /// Locks held at the call, wrappers of the same TU already applied.
  std::vector<LockRef> Held;
  /// Position among the function's calls and accesses, in source order:
  /// wrappers defined in other TUs are applied in this order at link time.
  unsigned Order = 0;
  /// The outermost loop of the function around the call (the Order of the
  /// loop statement plus one; 0: in no loop; a `do ... while (0)` runs once
  /// and is no loop). Two calls in the same loop may run in either order:
  /// the second iteration follows the first.
  unsigned Loop = 0;
  /// Locks held on some paths to the call and not on others (released in
  /// one branch only: `if (!mod->needs_lock) unlock(&m); mod->eval();`).
  std::vector<LockRef> MaybeHeld;
  /// A call through a function pointer stored in a field of the program's
  /// own record (`p->eval(...)`, `s.on_read(...)`): the field's id. The link
  /// resolves it to every function stored in that field (RootFact::Field).
  std::string Field;
  /// The call is inside a try block of the function: a handler may catch
  /// what the callee throws (the may-throw fixpoint does not follow it).
  bool InTry = false;
  /// The call returns at once (ZeroWait.h): a helper of the TU given zero
  /// timeouts, or one that reads a descriptor a zero-timeout probe found
  /// ready. The may-block fixpoint does not follow it.
  bool AtOnce = false;
};

/// One read or write of shared state.
struct AccessFact {
  std::string Var;     ///< USR of the global or field
  std::string VarName; ///< `hits_`, `g_requests`
  FactPos At;
  bool Write = false;
  std::vector<LockRef> Held;
  unsigned Order = 0;
  /// The outermost loop around the access, as CallFact::Loop.
  unsigned Loop = 0;
};

/// A call of exit/abort/terminate/_exit/quick_exit (or of a noreturn sink).
struct ExitFact {
  std::string Callee; ///< `exit`, `abort`, `std::terminate`
  FactPos At;
};

/// A call worth remembering for later analyses (blocking calls, client
/// creations, thread starts, waits and wakes).
struct SiteFact {
  std::string What; ///< the API: `recv`, `curl_easy_init`, `std::thread`
  FactPos At;
  std::vector<LockRef> Held;
  unsigned Order = 0; ///< among the function's calls and accesses
  unsigned Loop = 0;  ///< the outermost loop around it, as CallFact::Loop
};

/// A run-time value joined into text that leaves the function: the string
/// it returns, or a member (string, string stream, buffer) other methods
/// read (a query built here and executed elsewhere).
struct JoinFact {
  std::string Member; ///< the member's id; empty: the returned string
  std::string Part;   ///< the value joined (`name`), empty when unnamed
  FactPos At;         ///< where it is joined
};

/// A lock a function takes itself and may wait for (try-locks left out).
struct AcquisitionFact {
  LockRef Lock;
  FactPos At;
  /// Locks already held there (wrappers of the same TU applied), the
  /// acquired lock itself left out (a recursive acquisition is no order).
  std::vector<LockRef> Held;
  unsigned Order = 0; ///< among the function's calls and accesses
};

/// What a function does with a std::thread data member (or a container of
/// them, `std::vector<std::thread> workers_`).
struct ThreadMemberFact {
  std::string Field; ///< the member's id
  std::string Name;  ///< `worker_`
  FactPos At;
  /// Settled: joined or detached (itself or an element), swapped, or handed
  /// to a function (moved out, `join_all(workers_)`); else started: a
  /// running thread is stored into it.
  bool Settled = false;
};

/// Why a function may run on any thread.
enum class RootKind {
  ThreadEntry, ///< started as a thread (At = where it is started)
  Handler,     ///< a request handler (At = the handler or its registration)
  Callback,    ///< its address is taken / it is passed as a callable
};
llvm::StringRef rootKindName(RootKind K);

/// A function marked as a root of concurrency. Recorded where the evidence
/// is (the thread start may be in another TU than the function).
struct RootFact {
  std::string Function;
  std::string FunctionName;
  RootKind Kind = RootKind::ThreadEntry;
  FactPos At;
  /// `std::thread`, `pthread_create`, `handler 'Get "/users"'`, ...
  std::string Via;
  /// A callback handed as an argument to a function of the program (a
  /// registry of its own, `restart_register(..., save_cb)`): that function's
  /// id; empty when it goes to a library or is stored elsewhere.
  std::string Into;
  /// A callback's function type, as indirectCallee() names it: the program
  /// calls it where it calls a pointer of that type.
  std::string Signature;
  /// A callback stored into a field of the program's own record (an
  /// initialiser `.eval = crawler_expired_eval`, `s.f = fn`, `p->f = fn`):
  /// the field's id. The program calls it where it calls through the field.
  std::string Field;
  /// A thread entry: the global or field the started thread's handle is
  /// kept in (pthread_create's `&maintenance_tid`, `&t->thread_id`, a
  /// std::thread member assigned, initialised or emplaced into): a join of
  /// it ends the thread. Empty: a local handle, or none known.
  std::string Handle;
  /// A callback installed as the program's logging sink (LoggingSink.h:
  /// `svr.set_logger(...)`, a function named like a logger passed on): its
  /// prints, and those of the functions it calls, are where the log goes.
  bool LoggingSink = false;
};

/// The callee id of a call through a pointer to a function of type
/// \p FunctionType (`int (const char *, void *)`): no function has it, the
/// link resolves it to the callbacks the program registers with itself.
std::string indirectCallee(llvm::StringRef FunctionType);

/// Everything one TU knows about one function it defines.
struct FunctionFacts {
  std::string Id;
  std::string Name; ///< for messages: `Stats::hit`, `do_insert`, `lambda`
  FactPos At;
  bool IsMain = false;
  bool Local = false; ///< static or in an anonymous namespace
  /// The function's job is to log and end the process (a fatal-log sink):
  /// it ends in an unconditional exit/abort and writes a message before.
  bool FatalSink = false;
  std::vector<CallFact> Calls;
  /// Net lock effect on return: locks still held that it acquired, locks it
  /// released that it did not acquire.
  std::vector<LockRef> Acquires;
  std::vector<LockRef> Releases;
  /// Locks the function declares it needs (requires_capability).
  std::vector<LockRef> RequiresHeld;
  std::vector<AccessFact> Accesses;
  std::vector<ExitFact> Exits;
  /// Blocking calls that may wait (FactExtractor.h says which are left out).
  std::vector<SiteFact> Blocking;
  std::vector<SiteFact> ClientCreations;
  std::vector<SiteFact> ThreadStarts;
  /// Condition-variable and semaphore waits it makes itself (a wait for
  /// work: what follows runs after another thread woke it).
  std::vector<SiteFact> Waits;
  /// Signals, broadcasts, notifies and semaphore posts it makes itself: they
  /// wake the threads blocked in a wait.
  std::vector<SiteFact> Wakes;
  /// The virtual methods of the program it overrides (directly or through
  /// an intermediate override): a call of one of them may run this one.
  std::vector<std::string> Overrides;
  /// The function is a test fixture's per-test set-up (GoogleTest's
  /// `SetUp()`): the ids of the fixture's class and of its bases in user
  /// code, whose members it initialises before the test body runs.
  std::vector<std::string> FixtureRecords;
  /// Run-time values it joins into the string it returns or into members,
  /// in a function whose literals read like SQL (StringProvenance.h).
  std::vector<JoinFact> Joins;
  /// Locks it acquires itself, with the locks already held: the order
  /// edges of lock-order-inversion (LockOrderLink.cpp).
  std::vector<AcquisitionFact> Acquisitions;
  /// Starts, joins and detaches of std::thread members (unjoined-thread).
  std::vector<ThreadMemberFact> ThreadMembers;
  /// `throw` expressions outside any try block of the function (What: the
  /// thrown type, or `throw` for a rethrow): its exceptions leave it.
  std::vector<SiteFact> Throws;
  /// Declared noexcept: nothing it calls gets out of it.
  bool NoExcept = false;
  /// Joins of a thread whose handle is a global or a field
  /// (`pthread_join(maintenance_tid, NULL)`, `worker_.join()`, each element
  /// of a member container joined in a loop). What: the handle's id, as
  /// RootFact::Handle. The joined thread runs no more after it.
  std::vector<SiteFact> ThreadJoins;
  /// The program's own logger: variadic or takes a `va_list`, it formats a
  /// message for its caller (LoggingSink.h); the prints reached through it
  /// are the log (unstructured-logging's logging path).
  bool Logger = false;
};

/// A finding whose verdict needs the program: which check, where the
/// diagnostic is, and what the verdict needs to know.
struct CandidateFact {
  std::string Check;
  FactPos At;
  std::string Function; ///< the function the finding is in
  std::string Var;      ///< unguarded-shared-state: the variable written
  std::string VarName;
  /// abrupt-termination: the function called just before the exit in the
  /// same block (`fatal("..."); abort();`): if it never returns, the exit
  /// is unreachable.
  std::string After;
  /// sql-concatenation: the function whose result, or the member whose
  /// text, arrives whole as the query.
  std::string Source;
  /// thread-exception-escape: the function called at the candidate, defined
  /// in another file; the finding stands when it may throw.
  std::string Callee;
  /// unguarded-shared-state: the finding says the write is in a thread
  /// entry, and its function is no entry of its own TU: it stands only when
  /// the function is one of the program.
  bool EntryOnly = false;
};

/// The facts of one translation unit.
struct TUFacts {
  std::vector<std::string> Files;
  std::vector<FunctionFacts> Functions;
  std::vector<RootFact> Roots;
  std::vector<CandidateFact> Candidates;
  /// Where each variable and lock of the facts is declared: the record for
  /// a field, the file for a global. A lock with the same home as a
  /// variable is its sibling.
  std::map<std::string, std::string> Homes;
};

/// JSON codec (the version is ProgramFactsVersion of ProgramLink.h).
llvm::json::Value toJSON(const TUFacts &Facts);
/// Reads \p Value back; std::nullopt and \p Error for a malformed payload or
/// another version.
std::optional<TUFacts> fromJSON(const llvm::json::Value &Value,
                                std::string &Error);

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_PROGRAMFACTS_H
