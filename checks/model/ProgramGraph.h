//===--- ProgramGraph.h - the linked program and its fixpoints --*- C++ -*-===//
//
// DESIGN
// The facts of every TU (ProgramFacts.h) merged into one call graph, and the
// few program-wide facts the checks need, each computed once by a fixpoint:
//
//  (a) concurrent: reachable from a root of concurrency. Roots are thread
//      entries, request handlers, callbacks (a function whose address is
//      taken or that is passed as a callable: it may run on any thread), and
//      functions no one in the program calls that are not `main` (library
//      code and entry points we cannot see, such as virtual overrides: they
//      may run on any thread). A call made by `main`'s code in a loop that
//      also starts threads (the server's main loop: accept, start a thread,
//      reload on SIGHUP) leads into concurrent code too: from the second
//      iteration on, requests are in flight while it runs. A loop that only
//      starts threads is a pool being created, not a serving loop.
//  (b) startup-only: reachable from `main` outside its serving loop, and not
//      concurrent. Straight-line code after a thread start stays startup
//      (the listening socket is set up after the workers): the threads
//      running there are tracked apart, by (f).
//  (f) threads running: for `main`'s code, the thread entries that may
//      already run when it runs (started earlier in a caller, by an earlier
//      call, or in the same loop); for every function, the thread entries
//      whose code reaches it. Two accesses may race when both run on
//      threads, or when one runs in `main`'s code while a thread that reaches
//      the other is running. Code reached only from one thread entry that is
//      started once, outside any loop, runs on that one thread. A thread
//      whose handle lives in a global or a field (RootFact::Handle) runs no
//      more after main's code joins that handle, itself or in a function it
//      called earlier (JoinLink.cpp; source order, and a join in a branch
//      counts as made); a thread started again after its join is not told
//      apart, nor one whose handle is a local.
//  (c) locks held on entry: the locks held at every call site (after the
//      caller's own locks on entry), a greatest fixpoint; a root, `main` and
//      a function without a known caller hold none. A call of `main`'s code
//      before any thread exists clears no lock; one made while threads run
//      clears only the locks those threads take somewhere in their code (a
//      logger thread running during the slab preallocation does not contend
//      for the slab lock). Annotated requires_capability locks are added.
//      A call through a pointer that the link resolved (below) removes no
//      lock: it goes to every function stored for it, while the program's
//      values choose one per call (modules that need the LRU lock are
//      called where it is held, the others where it may be released). A
//      function called directly anywhere has what its direct calls hold;
//      one reached only through pointers has the locks held, or maybe held
//      (CallFact::MaybeHeld), at any of those calls: none when none holds
//      a lock, so a callback no call site protects stays unprotected.
//  (d) lock wrappers: a call of a function whose net effect is "acquires L"
//      makes L held for the rest of the caller's calls and accesses (in
//      source order, not path-sensitive); "releases L" ends that. Wrappers of
//      the same TU are already applied by the lock model; this applies the
//      ones defined in other TUs.
//  (e) the guarding lock of a variable: the lock held at most of its
//      accesses in concurrent code. It counts as evidence only when more than
//      one access shows it, or when it is a sibling of the variable (a mutex
//      field of the same class, or a global mutex declared in the same file
//      within a few lines of it): one incidental locked read is no evidence.
//      And only when it is held at an eighth of the accesses at least.
//  (g) configuration writes: a write by code no thread runs (main's code
//      before any thread starts, or a function reached only because nobody
//      calls it: a setter of a library's API), of a variable the threads'
//      code only reads, cannot race: the object is configured, then handed
//      to the threads (setters called before `listen()`). A write the
//      threads' code makes too (a reset beside a locked increment) keeps
//      the finding, and so does a setter called from a handler. The
//      threads' code is followed through virtual calls too: an override
//      runs where a call of the method it overrides runs (a TLS client's
//      `connect()` override reading the CA store its setter wrote).
//  (h) the hand-off to a thread that waits for work: a thread whose code
//      touches a variable only after it waits (a condition-variable or
//      semaphore wait, or a call of a function that waits, such as a queue's
//      `pop`: `while (queue.pop(item)) { ... fputs(item, log_fp); }`) cannot
//      touch it while nothing has given it work. At an access of main's code,
//      such a thread does not count as running (runningAt) when no wake
//      (signal, broadcast, notify, semaphore post, or a call that makes one,
//      such as a `push`) may have happened since main started, in the
//      caller chain or before the access, and no running thread's code may
//      wake: `Log::init` starts the flush thread, then opens the file the
//      thread writes once a line is queued. Waits and wakes are not matched
//      by condition variable: any wake counts.
//  (i) test fixtures: GoogleTest runs a fixture's `SetUp()` on the test's
//      thread before the test body, like a constructor. Its writes of the
//      fixture's own members before it calls into the program or starts a
//      thread cannot race; a write after `start_server()`, or in the test
//      body while the server thread runs, is judged as any other.
//  (j) may block: a function that makes a blocking call (BlockingApis.h),
//      or calls a function that may block, directly or through a pointer the
//      link resolved to one function only; a least fixpoint, found breadth
//      first so that the witness kept per function is a shortest way down to
//      a blocking call. Waits on a condition variable are no blocking call:
//      they release the lock they wait on; nor are calls that do not wait,
//      buffered stdio writes (a logging helper's `fwrite` to a FILE*, as the
//      check treats `fprintf`), or calls a function makes with its caller's
//      lock dropped (FactExtractor.h). A call of a function that releases
//      every lock its caller holds there (`unlock_and_wait(&mu)`) is no
//      blocking under those locks; the order of release and blocking call
//      inside it is not known. Nor is a call that returns at once with the
//      arguments it is given (CallFact::AtOnce, ZeroWait.h): a helper of
//      the same TU whose blocking calls all return at once with its
//      caller's constants (`select_read(sock, 0, 0)`, whose poll timeout is
//      `sec * 1000 + usec / 1000` two helpers down), or that reads a
//      descriptor a zero-timeout poll or select of the caller found ready
//      before it (`read_socket(sock, buf, 1, MSG_PEEK)` after that probe);
//      the direct read after such a probe is no blocking call either.
//  (k) SQL joined in another function: a query that arrives whole at the
//      call that executes it, as the result of a function of the program or
//      as a member, was built from a run-time value when that function
//      returns a string it joined one into, or when a method of the program
//      joins one into that member (FunctionFacts::Joins).
//  (l) lock order (LockOrderLink.cpp): the locks each function acquires,
//      itself or in its direct callees, a least fixpoint (a lambda's
//      "call" where it is written is left out: it may run elsewhere). An
//      order edge A -> B is an acquisition of B while A is held (its own
//      locks, locks on entry (c), wrappers (d)), or a direct call made while
//      A is held of a function that acquires B. Every elementary cycle of
//      up to four locks is one finding, placed at the last of its places
//      (by file path, then offset) where the check emitted a candidate
//      (ordersLocks); the first place of each other edge is a note. A cycle
//      of n locks deadlocks only with n threads each in one of its orders
//      at once: it is none unless one place per order can be chosen, every
//      two of them able to run together (f), at their places (threads
//      started before, and joined before, count). One thread started once
//      takes its locks one after the other; the orders of a thread the
//      shutdown joined cannot meet the shutdown's. A call of a function that
//      releases a lock its caller holds, and a lock held on entry that the
//      function releases itself, order nothing (where the release is, the
//      facts do not say). A lock taken again while held is recursion, not an
//      order; a member lock is one lock for every object of its class.
//  (m) thread members (LockOrderLink.cpp): a std::thread member (or a
//      container of them) that some function starts (an assignment, an
//      emplace_back, a constructor's initialiser) and no function of the
//      program joins, detaches, swaps or hands to a function (a move, a
//      `join_all(workers_)`), is destroyed joinable.
//  (n) the request path through calls (RequestPathLink.cpp): a function runs
//      per request or per loop iteration when a request handler
//      (RootKind::Handler) calls it, when a call of it sits in a loop of its
//      caller, or when a function that runs per request calls it, transitively.
//      A least fixpoint over the direct calls (calls through pointers resolved
//      by the link are not followed: an event loop dispatching through a table
//      would make every callback per iteration; nor is a recursive call in a
//      loop, which walks a tree rather than serving), breadth first so that the
//      path kept for the notes is a shortest one. One such call site is enough:
//      a helper that creates a client on each call pays the setup per request
//      on that path, even if `main` also calls it once at startup. A function
//      with no caller in the program is not on the request path (silence
//      without evidence); nor is a function reached only from `main`'s
//      straight-line code.
//  (o) thread entries of the program: every function started as a thread
//      (its start may be in another file), and every override of a virtual
//      method a thread entry calls (`Thread::Entry` calls `self->Run()`:
//      each `Run()` override runs as the body of that thread, and its code
//      is reached by that thread for (f)), a fixpoint.
//      A function every caller of which runs as an entry's body (a worker's
//      `run()` its entry calls) runs as that body too, a few levels deep.
//      Overrides are not told apart by class: a `Run()` override of a class
//      never started still counts once `Thread::Run` is called by an entry.
//  (p) may throw: a function that throws outside any try block of its own,
//      or calls outside a try block a function that may throw, and is not
//      noexcept; a least fixpoint. A call inside a try block is taken as
//      caught (handlers are not matched against types).
//  (q) the logging path (LoggingLink.cpp): a function runs on behalf of a
//      request handler (RootKind::Handler) or a thread entry of the program
//      (o) when it is one, or when a function on that path calls it
//      directly, transitively; a least fixpoint, breadth first (shortest
//      path for the notes, whose code (n) shares). Loops play no part: a
//      print in a loop of a command-line tool's `main` is its output. The
//      path does not enter `main`, the program's own logger (a variadic
//      function or one taking a `va_list`, FunctionFacts::Logger) or a
//      logging sink (a callback installed as the logger, even if it is also
//      a handler, RootFact::LoggingSink): the prints there, and in what
//      only they call, are the log. A print in a function with no caller in
//      the program is not on it (silence without evidence).
//
// Callbacks the program registers with itself: a function handed only as an
// argument to functions of the program (`restart_register(..., save_cb)`) is
// called where the program calls a function pointer of its type; a function
// stored into a field of the program's own record (`.eval = expired_eval`
// in an initialiser, `s.f = fn`, `p->f = fn`) is called where the program
// calls through that field of that record (`mod->eval(...)`). Those calls
// become its callers and it is no root. Handed once to a library (libevent,
// pthread, signal), or stored in a field the program never calls through,
// it stays a root: it may run on any thread.
//
// Same id = same function (a function defined in a header and compiled in
// several TUs is merged; the facts of the TU with the most calls are kept: a
// TU that instantiates a template resolves the calls its pattern leaves
// dependent). TU-local ids carry their file, so they never merge.
//
// The graph is also used inside one TU (the plugin): there the TU is the
// whole program, and a function called only from outside it counts as having
// no caller (a root): silence needs evidence inside the TU.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_PROGRAMGRAPH_H
#define LOADCHECK_CHECKS_MODEL_PROGRAMGRAPH_H

#include "checks/model/ProgramFacts.h"
#include "checks/model/ProgramLink.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace loadcheck::model {

/// The check names whose candidates the graph judges.
inline constexpr llvm::StringLiteral UnguardedSharedStateCheckName =
    "loadcheck-unguarded-shared-state";
inline constexpr llvm::StringLiteral AbruptTerminationCheckName =
    "loadcheck-abrupt-termination";
inline constexpr llvm::StringLiteral BlockingUnderLockCheckName =
    "loadcheck-blocking-under-lock";
inline constexpr llvm::StringLiteral SqlConcatenationCheckName =
    "loadcheck-sql-concatenation";
inline constexpr llvm::StringLiteral LockOrderInversionCheckName =
    "loadcheck-lock-order-inversion";
inline constexpr llvm::StringLiteral UnjoinedThreadCheckName =
    "loadcheck-unjoined-thread";

/// The places a lock-order candidate is emitted at, the same in the check
/// and in the link: an acquisition made while another lock is held, and a
/// direct call of a function made while a lock is held.
bool ordersLocks(const AcquisitionFact &A);
bool ordersLocks(const CallFact &C);
/// The names the facts give a lambda (FactExtractor.cpp), as a function and
/// as the callee of its "call" where it is written (it runs elsewhere).
bool isLambdaName(llvm::StringRef Name);
inline constexpr llvm::StringLiteral ClientPerRequestCheckName =
    "loadcheck-client-per-request";
inline constexpr llvm::StringLiteral HotPathAllocationCheckName =
    "loadcheck-hot-path-allocation";
inline constexpr llvm::StringLiteral MissingCancellationCheckName =
    "loadcheck-missing-cancellation";
inline constexpr llvm::StringLiteral ThreadExceptionEscapeCheckName =
    "loadcheck-thread-exception-escape";
inline constexpr llvm::StringLiteral UnstructuredLoggingCheckName =
    "loadcheck-unstructured-logging";

/// Why a function is concurrent: the root it is reached from and the first
/// call on the way (for notes).
struct ConcurrencyReason {
  enum class Kind { Root, NoCaller, ServingLoop };
  Kind What = Kind::Root;
  const RootFact *Root = nullptr; ///< Kind::Root
  std::string RootFunction;       ///< the root (or the uncalled function)
  /// The calls from the root down to the function, outermost first (at most
  /// a few: the notes stay short).
  std::vector<std::pair<std::string, const CallFact *>> Path;
  /// Kind::ServingLoop: where the loop starts its threads.
  std::optional<FactPos> ThreadStart;
};

/// A thread entry of the program: a function started as a thread.
struct ThreadFunction {
  std::string Function;
  const RootFact *Root = nullptr; ///< one of its starts (for notes)
  unsigned Starts = 0;            ///< start sites seen
  /// A start site may run more than once: in a loop, or in a function
  /// not called exactly once, outside loops, on the way from `main`.
  bool StartedInLoop = false;
  bool once() const { return Starts == 1 && !StartedInLoop; }
  /// The global or field every start keeps its handle in (RootFact::Handle);
  /// empty when a start keeps it in a local, or starts differ.
  std::string Handle;
};

/// A variable's guarding lock and how much evidence backs it.
struct GuardingLock {
  LockRef Lock;
  unsigned Held = 0;     ///< accesses in concurrent code holding it
  unsigned Accesses = 0; ///< accesses in concurrent code
  bool Sibling = false;  ///< the lock is declared beside the variable
  const AccessFact *Example = nullptr;
  std::string ExampleFunction;
  /// Held at a fair share of the accesses (a struct of settings read
  /// everywhere is not guarded by the lock around two of its reads).
  bool usual() const { return Held * 8 >= Accesses; }
  bool evidence() const { return (Held >= 2 || Sibling) && usual(); }
};

class ProgramGraph {
public:
  /// Adds one TU's facts (locations re-indexed into the graph's file table).
  void add(const TUFacts &TU);
  /// Runs the fixpoints; call after the last add().
  void link();

  const std::vector<std::string> &files() const { return Files; }
  const FunctionFacts *function(llvm::StringRef Id) const;

  bool isConcurrent(llvm::StringRef Id) const;
  bool isStartupOnly(llvm::StringRef Id) const;
  std::optional<ConcurrencyReason> whyConcurrent(llvm::StringRef Id) const;
  /// Locks held on entry of \p Id (callers' locks, transitively).
  std::vector<LockRef> locksOnEntry(llvm::StringRef Id) const;
  /// Locks held at an access or call of \p Function: its own, those on
  /// entry, and those of wrappers from other TUs called before it.
  std::vector<LockRef> effectiveHeld(const FunctionFacts &Function,
                                     const std::vector<LockRef> &Held,
                                     unsigned Order) const;
  std::optional<GuardingLock> guardOf(llvm::StringRef Var) const;
  /// The thread entries that may run while `main`'s code runs \p Id.
  std::vector<std::string> threadsRunningAt(llvm::StringRef Id) const;
  /// Whether the code of \p A and of \p B may run at the same time (on two
  /// threads, or one in `main` while a thread reaching the other runs).
  bool mayRunTogether(llvm::StringRef A, llvm::StringRef B) const;

  /// The verdict on a candidate of the graph (its positions in the graph's
  /// file table); std::nullopt for a check the graph does not judge.
  std::optional<LinkVerdict> judge(const CandidateFact &Candidate) const;

  /// Candidates of every TU, keyed by (check, file, offset).
  const CandidateFact *candidate(const CandidateKey &Key) const;

  LinkStatistics statistics() const { return Statistics; }

  // ---- lock order and thread members (LockOrderLink.cpp) ------------------
  /// One place that orders two locks: an acquisition of `To` while `From`
  /// is held, or a call made while `From` is held of a function that
  /// acquires `To` (itself or in a callee).
  struct OrderSite {
    unsigned Node = 0;
    FactPos At;
    std::string Callee; ///< empty for an acquisition
    /// Where `To` is acquired (the call's acquisition, down the callees).
    FactPos AcquiredAt;
    std::string AcquiredIn; ///< the function that acquires `To`
    /// The place in its function (CallFact::Order, Loop), and the call
    /// itself (null for an acquisition): which threads run there.
    unsigned Order = 0;
    unsigned Loop = 0;
    const CallFact *Call = nullptr;
  };
  /// A cycle of the lock-order graph: Locks[i] is held while Locks[i+1]
  /// (and the last while the first) is acquired, at Sites[i].
  struct LockCycle {
    std::vector<LockRef> Locks;
    std::vector<OrderSite> Sites;
  };
  /// The cycles whose representative (the last candidate place among their
  /// sites) is \p At; empty when none.
  const std::vector<LockCycle> *cyclesAt(const FactPos &At) const;
  // --- the request path through calls (n), RequestPathLink.cpp ------------
  /// How a function came to run per request: the handler it is, or the
  /// call that makes it per request (in a loop, or in a function on the
  /// request path).
  struct PerRequestStep {
    bool On = false;      ///< runs per request or per loop iteration
    bool Handler = false; ///< is a request handler itself
    bool InLoop = false;  ///< the call sits in a loop of its caller
    unsigned Caller = 0;  ///< !Handler: the calling node ...
    unsigned Call = 0;    ///< ... and its call (an index of Facts.Calls)
    /// Is a thread entry of the program itself (the logging path (q)).
    bool Entry = false;
  };
  /// Whether \p Id runs per request or per loop iteration (n).
  bool isPerRequest(llvm::StringRef Id) const;
  // ---- thread entries of the program (ThreadEntryLink.cpp) ----------------
  /// Whether \p Id is a thread entry of the program: started as a thread
  /// anywhere, or an override of a virtual method a thread entry calls (o).
  bool isThreadEntry(llvm::StringRef Id) const;
  /// Whether \p Id may throw out of its body (p).
  bool mayThrow(llvm::StringRef Id) const;

private:
  void computePerRequest();
  LinkVerdict judgePerRequest(const CandidateFact &C) const;
  /// Marks node \p Callee per request through \p Step, once.
  bool markPerRequest(unsigned Callee, const PerRequestStep &Step);
  /// The notes of the calls that make node \p N run per request (\p Via:
  /// PerRequestVia) or on the logging path (LoggingVia), from the handler,
  /// loop or thread entry down, at most a few.
  void addStepNotes(const std::vector<PerRequestStep> &Via, unsigned N,
                    LinkVerdict &V) const;
  std::vector<PerRequestStep> PerRequestVia; ///< per node
  // --- end of the request path -------------------------------------------

private:
  void computeLockOrder();
  LinkVerdict judgeLockOrder(const CandidateFact &C) const;
  /// Whether each order of a cycle (\p Sites per edge) may be taken by its
  /// own thread, all at once: one place per edge, every two of them able
  /// to run together (a deadlock of n locks needs n threads).
  bool
  mayDeadlock(const std::vector<const std::vector<OrderSite> *> &Sites) const;
  LinkVerdict judgeThreadMember(const CandidateFact &C) const;
  std::map<std::pair<unsigned, unsigned>, std::vector<LockCycle>> CyclesAt;

  struct Node {
    FunctionFacts Facts;
    std::vector<std::pair<unsigned, unsigned>> Callers; ///< (node, call)
    /// Facts.Calls below this index are the function's own; those after
    /// are calls through a pointer resolved by the link (over-approximated:
    /// to every function registered or stored for that call).
    unsigned DirectCalls = 0;
    bool MayStartThreads = false;
    llvm::BitVector Starts;   ///< thread functions it may start
    llvm::BitVector Reached;  ///< thread functions whose code reaches it
    llvm::BitVector Running;  ///< threads running when main's code runs it
    bool OnAnyThread = false; ///< reached from a handler, callback, no caller
    bool MayWait = false;     ///< waits for work, itself or in a callee
    bool MayWake = false;     ///< wakes a waiter, itself or in a callee
    llvm::BitVector Joins;    ///< threads it joins, itself or in a callee
    /// Of Running: threads that may have been woken (given work) when main's
    /// code runs it.
    llvm::BitVector Woken;
    /// main's code may have woken a waiter (queued work) before it runs.
    bool AfterWake = false;
    bool OnProgramThreads = false; ///< see runsOnProgramThreads()
    bool Startup = false;
    bool Concurrent = false;
    ConcurrencyReason Reason;
    std::optional<std::vector<LockRef>> Entry; ///< nullopt: not computed
    /// Wrapper locks (other TUs) in force from each Order on.
    std::vector<std::pair<unsigned, std::vector<LockRef>>> WrapperHeld;
  };

  void resolveProgramCallbacks();
  void computeThreadFunctions();
  void computeMayStartThreads();
  void computeWaits();
  void computeThreadsReaching();
  void computeThreadsRunning();
  // ---- joins (JoinLink.cpp) ---------------------------------------------
  void computeJoins();
  /// Threads N has joined before the place \p Order, itself or in a callee
  /// called earlier, leaving out the call \p Self.
  llvm::BitVector joinedBefore(const Node &N, unsigned Order,
                               const CallFact *Self) const;
  /// Threads that may run at a place (Order, Loop) of main's code N: those
  /// running on entry or started before, less those joined before.
  llvm::BitVector runningAtPlace(const Node &N, unsigned Order, unsigned Loop,
                                 const CallFact *Self) const;
  void computeWrappers();
  void computeStartup();
  void computeConcurrent();
  void computeLocksTaken();
  void computeEntryLocks();
  /// computeEntryLocks' step for a function called directly somewhere: the
  /// locks every direct call holds (nullopt: no caller known yet).
  std::optional<std::vector<LockRef>> heldAtDirectCalls(const Node &N) const;
  /// Its step for a function reached only through pointers: the locks held
  /// or maybe held at any of those calls known so far (nullopt: none).
  std::optional<std::vector<LockRef>> heldAtPointerCalls(const Node &N) const;
  void computeGuards();
  void computeProgramThreads();
  std::optional<FactPos> servingLoopStart(const Node &N,
                                          const CallFact &C) const;
  /// Threads started in \p N before a place of it (Order, Loop), leaving
  /// out the call \p Self itself.
  llvm::BitVector startedBefore(const Node &N, unsigned Order, unsigned Loop,
                                const CallFact *Self) const;
  /// Threads that may run when main's code reaches the access \p A of N
  /// (those still waiting for work that cannot touch its variable left
  /// out, waitingForWork).
  llvm::BitVector runningAt(const Node &N, const AccessFact &A) const;
  /// The hand-off (h): of the threads \p Running at the access \p A of
  /// main's code N, those that cannot touch A's variable yet. Each waits
  /// for work before it touches the variable, and nothing may have given
  /// it work: no wake (signal, notify, post, a push) on the way from main
  /// or in N before A, no running thread that may wake.
  llvm::BitVector waitingForWork(const Node &N, const AccessFact &A,
                                 const llvm::BitVector &Running) const;
  /// Whether N waits (itself or in a callee) before the place \p Order.
  bool waitedBefore(const Node &N, unsigned Order) const;
  /// Whether N may wake a waiter before the place (Order, Loop), leaving
  /// out the call \p Self.
  bool wokeBefore(const Node &N, unsigned Order, unsigned Loop,
                  const CallFact *Self) const;
  /// Of \p Running at a place of main's code N: the threads that may have
  /// been given work there.
  llvm::BitVector wokenAt(const Node &N, unsigned Order, unsigned Loop,
                          const CallFact *Self,
                          const llvm::BitVector &Running) const;
  bool mayRunTogether(const Node &A, const llvm::BitVector &RunA, const Node &B,
                      const llvm::BitVector &RunB) const;
  bool runsWithThreads(const Node &N) const;
  /// Runs on a thread (a thread entry's code, a handler, a callback, code
  /// nobody calls), not only in main's code while threads run.
  bool runsOnThreads(const Node &N) const;
  /// Whether a thread of \p Threads takes \p L somewhere in its code.
  bool takenByAny(const llvm::BitVector &Threads, const LockRef &L) const;
  /// Code of the program's threads: reached from a thread entry, a handler,
  /// a callback or main's serving loop, through calls and through virtual
  /// calls (an override runs where a call of the method it overrides runs).
  /// A function reached only because nobody in the program calls it (a
  /// library's API) is not: it runs where its caller runs.
  bool runsOnProgramThreads(const Node &N) const;
  /// A write of \p Var by code that is no thread's code, with no thread
  /// running (\p Running), while the threads' code only reads \p Var: an
  /// object configured before it is handed to the threads (a setter called
  /// before `listen()`).
  bool isConfigurationWrite(const Node &Writer, const llvm::BitVector &Running,
                            llvm::StringRef Var) const;
  /// A write of the fixture's own member \p Var in a test fixture's
  /// per-test set-up, before it calls into the program or starts a thread:
  /// like a constructor's, it runs before anything of the test exists.
  bool isFixtureInitialisation(const Node &Writer, const AccessFact &Write,
                               llvm::StringRef Var) const;
  bool startedOnce(unsigned Function, unsigned Loop) const;
  void addThreadNotes(const Node &Writer, const llvm::BitVector &Running,
                      const Node &Other, const AccessFact &OtherAccess,
                      LinkVerdict &V) const;
  LinkVerdict judgeUnguarded(const CandidateFact &C) const;
  LinkVerdict judgeTermination(const CandidateFact &C) const;

  // ---- thread entries of the program (ThreadEntryLink.cpp) ----------------
  /// How a node became a thread entry: the thread it is (Threads index) and,
  /// for an override, the call of the virtual it overrides (Caller, Call).
  struct EntryLink {
    unsigned Thread = 0;
    bool Virtual = false;
    unsigned Caller = 0;
    unsigned Call = 0;
  };
  /// How a node may throw: its own throw, or the call that lets a callee's
  /// exception out (Call into Facts.Calls).
  struct ThrowLink {
    const SiteFact *Throw = nullptr;
    unsigned Call = 0;
  };
  void computeProgramEntries();
  void computeMayThrow();
  /// The entry \p N runs as the body of: itself, or the entry every caller
  /// of it runs as the body of (a worker's `run()` its thread entry calls).
  /// \p Path gets the calls from that entry down to N.
  std::optional<unsigned>
  bodyOfEntry(unsigned N, unsigned Depth,
              std::vector<std::pair<unsigned, unsigned>> &Path) const;
  void addEntryNotes(unsigned Entry, LinkVerdict &V) const;
  void addThrowNotes(unsigned Thrower, LinkVerdict &V) const;
  LinkVerdict judgeEndlessLoop(const CandidateFact &C) const;
  LinkVerdict judgeExceptionEscape(const CandidateFact &C) const;
  std::map<unsigned, EntryLink> EntryOf;
  std::map<unsigned, ThrowLink> ThrowerOf;
  void addPathNotes(const std::string &Function, LinkVerdict &V) const;
  LinkNote note(const FactPos &At, std::string Message) const;
  const Node *node(llvm::StringRef Id) const;

  std::vector<std::string> Files;
  llvm::StringMap<unsigned> FileIndex;
  std::vector<Node> Nodes;
  llvm::StringMap<unsigned> NodeIndex;
  std::vector<RootFact> Roots;
  std::vector<CandidateFact> Candidates;
  std::map<std::tuple<std::string, unsigned, unsigned>, unsigned>
      CandidateIndex;
  llvm::StringMap<GuardingLock> Guards;
  /// Every access of a variable: (node, access).
  llvm::StringMap<std::vector<std::pair<unsigned, const AccessFact *>>>
      AccessesOf;
  std::vector<ThreadFunction> Threads;
  llvm::StringMap<unsigned> ThreadIndex;
  /// Thread functions started at a place (file, offset) of a start site.
  std::map<std::pair<unsigned, unsigned>, std::vector<unsigned>> StartedAt;
  /// Variables and locks: where they are declared (their sibling key).
  llvm::StringMap<std::string> HomeOf;
  /// Per thread function: the locks its code holds somewhere (its own
  /// acquisitions, not its callers').
  std::vector<llvm::StringSet<>> LocksTaken;
  /// Threads whose code may wake a waiter.
  llvm::BitVector ThreadsThatWake;
  /// Per thread function that waits for work: the variables its code
  /// touches before its first wait.
  std::vector<llvm::StringSet<>> TouchedBeforeWaiting;
  LinkStatistics Statistics;

  // ---- blocking through calls (BlockingLink.cpp) ---------------------------
public:
  /// One step of the way from a function down to a blocking call: a call of
  /// a function that may block, or the blocking call itself.
  struct BlockingStep {
    std::string Function; ///< the function that makes the step
    std::string Callee;   ///< the function called, or the blocking API
    FactPos At;
  };
  /// The way from \p Id down to a blocking call, outermost first; empty when
  /// \p Id does not block (as far as the program shows).
  std::vector<BlockingStep> blockingPath(llvm::StringRef Id) const;

private:
  /// Per node, why it may block: its own blocking call (Own, index into
  /// Facts.Blocking) or a call of one that may (index into Facts.Calls).
  struct BlockingWitness {
    bool Own = false;
    unsigned Index = 0;
  };
  std::vector<std::optional<BlockingWitness>> MayBlock;
  void computeMayBlock();
  LinkVerdict judgeBlockingUnderLock(const CandidateFact &C) const;
  bool ambiguousPointerCall(unsigned Caller, unsigned Call) const;

  // ---- SQL built across functions (SqlLink.cpp) ----------------------------
  LinkVerdict judgeSqlConcatenation(const CandidateFact &C) const;

  // ---- the logging path (q), LoggingLink.cpp --------------------------------
public:
  /// Whether \p Id runs on behalf of a request handler or a thread entry
  /// of the program (q).
  bool isOnLoggingPath(llvm::StringRef Id) const;

private:
  void collectLoggingSinks();
  void computeLoggingPath();
  LinkVerdict judgeLoggingPath(const CandidateFact &C) const;
  /// Functions installed as a logging sink somewhere (RootFact::LoggingSink).
  llvm::StringSet<> LoggingSinks;
  std::vector<PerRequestStep> LoggingVia; ///< per node
};

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_PROGRAMGRAPH_H
