//===--- ProgramGraphTest.cpp - the program fixpoints on hand-built facts -===//
//
// Each test writes the facts two or three TUs would produce (no AST), links
// them and asks the graph: concurrency, startup-only, locks on entry, lock
// wrappers, guarding locks and the verdicts built on them. Also the JSON
// codec (round trip, rejection of malformed payloads) and ProgramLink.
//
//===----------------------------------------------------------------------===//
#include "checks/model/ProgramGraph.h"
#include "checks/model/ProgramLink.h"
#include "tests/unit/HandBuiltFacts.h"

#include <gtest/gtest.h>

namespace loadcheck::model {
namespace {

using handbuilt::linked;
using handbuilt::lock;

/// The hand-built TU with the candidates of the linked checks.
struct TU : handbuilt::TU {
  using handbuilt::TU::TU;
  CandidateFact unguarded(const std::string &In, const std::string &Var,
                          FactPos At) {
    CandidateFact C{std::string(UnguardedSharedStateCheckName),
                    At,
                    "c:@F@" + In,
                    "c:@" + Var,
                    Var,
                    ""};
    Facts.Candidates.push_back(C);
    return C;
  }
  CandidateFact termination(const std::string &In) {
    FactPos P = at();
    get(In).Exits.push_back({"exit", P});
    CandidateFact C{
        std::string(AbruptTerminationCheckName), P, "c:@F@" + In, "", "", ""};
    Facts.Candidates.push_back(C);
    return C;
  }
};

std::vector<std::string> names(const std::vector<LockRef> &Locks) {
  std::vector<std::string> Out;
  for (const LockRef &L : Locks)
    Out.push_back(L.Name);
  return Out;
}

// ---- (a), (b): concurrent and startup-only ---------------------------------

TEST(ProgramGraphTest, InitFromMainBeforeThreadsIsStartupOnly) {
  TU Main("main.c"), Config("config.c"), Worker("worker.c");
  Main.fn("main");
  Config.fn("config_init");
  Worker.fn("worker");
  Main.call("main", "config_init");
  Main.startThread("main", "worker");
  ProgramGraph G = linked({&Main, &Config, &Worker});
  EXPECT_TRUE(G.isStartupOnly("c:@F@config_init"));
  EXPECT_FALSE(G.isConcurrent("c:@F@config_init"));
  EXPECT_TRUE(G.isConcurrent("c:@F@worker"));
  EXPECT_FALSE(G.isStartupOnly("c:@F@worker"));
}

TEST(ProgramGraphTest, CallAfterThreadStartIsStartupWithThreadsRunning) {
  TU Main("main.c");
  Main.fn("main");
  Main.fn("start");
  Main.fn("worker");
  Main.fn("set_port");
  Main.fn("listen_on");
  Main.call("main", "set_port"); // before start(): no thread runs
  Main.call("main", "start");
  Main.startThread("start", "worker");
  Main.call("main", "listen_on"); // after start(), straight line
  ProgramGraph G = linked({&Main});
  EXPECT_TRUE(G.isStartupOnly("c:@F@set_port"));
  EXPECT_TRUE(G.threadsRunningAt("c:@F@set_port").empty());
  EXPECT_TRUE(G.isStartupOnly("c:@F@listen_on"));
  EXPECT_EQ(G.threadsRunningAt("c:@F@listen_on"),
            std::vector<std::string>{"c:@F@worker"});
  EXPECT_TRUE(G.mayRunTogether("c:@F@listen_on", "c:@F@worker"));
  EXPECT_FALSE(G.mayRunTogether("c:@F@set_port", "c:@F@worker"));
}

TEST(ProgramGraphTest, CallInTheLoopThatStartsThreadsIsConcurrent) {
  TU Main("main.c");
  Main.fn("main");
  Main.fn("serve");
  Main.fn("child");
  Main.fn("reload");
  Main.fn("spawn");
  Main.fn("create_worker");
  Main.fn("pool_worker");
  Main.call("main", "spawn");
  // A loop that only starts threads creates a pool: still startup.
  Main.callInLoop("spawn", "create_worker", 1);
  Main.startThread("create_worker", "pool_worker");
  Main.call("main", "serve");
  // The serving loop: reload runs before the start in source order, but
  // from the second iteration on a child thread is serving.
  Main.callInLoop("serve", "reload", 7);
  Main.startThread("serve", "child", 7);
  ProgramGraph G = linked({&Main});
  EXPECT_TRUE(G.isStartupOnly("c:@F@create_worker"));
  EXPECT_TRUE(G.isConcurrent("c:@F@reload"));
  auto Why = G.whyConcurrent("c:@F@reload");
  ASSERT_TRUE(Why);
  EXPECT_EQ(Why->What, ConcurrencyReason::Kind::ServingLoop);
  ASSERT_TRUE(Why->ThreadStart);
  auto Running = G.threadsRunningAt("c:@F@reload");
  EXPECT_TRUE(llvm::is_contained(Running, "c:@F@child"));
}

TEST(ProgramGraphTest, CodeOfOneThreadStartedOnceRunsAlone) {
  TU Main("main.c");
  Main.fn("main");
  Main.fn("maintainer");
  Main.fn("maintain_step");
  Main.fn("worker");
  Main.fn("worker_step");
  Main.startThread("main", "maintainer");
  Main.call("maintainer", "maintain_step");
  Main.startThread("main", "worker", 3); // a pool: started in a loop
  Main.call("worker", "worker_step");
  ProgramGraph G = linked({&Main});
  EXPECT_FALSE(G.mayRunTogether("c:@F@maintainer", "c:@F@maintain_step"));
  EXPECT_TRUE(G.mayRunTogether("c:@F@worker", "c:@F@worker_step"));
  EXPECT_TRUE(G.mayRunTogether("c:@F@maintain_step", "c:@F@worker_step"));
}

TEST(ProgramGraphTest, CalleeOfThreadEntryIsConcurrentWithPath) {
  TU A("a.c"), B("b.c");
  A.fn("main");
  A.fn("worker");
  B.fn("do_insert");
  A.startThread("main", "worker");
  A.call("worker", "do_insert");
  A.call("main", "do_insert"); // also from main before... after the start
  ProgramGraph G = linked({&A, &B});
  auto Why = G.whyConcurrent("c:@F@do_insert");
  ASSERT_TRUE(Why);
  EXPECT_EQ(Why->What, ConcurrencyReason::Kind::Root);
  EXPECT_EQ(Why->RootFunction, "c:@F@worker");
  ASSERT_EQ(Why->Path.size(), 1u);
  EXPECT_EQ(Why->Path[0].first, "c:@F@worker");
}

TEST(ProgramGraphTest, CallbackAndUncalledFunctionsAreConcurrent) {
  TU A("a.c");
  A.fn("main");
  A.fn("on_signal");
  A.fn("api_entry");
  A.call("main", "on_signal"); // called from main, but also registered
  A.callback("main", "on_signal");
  ProgramGraph G = linked({&A});
  EXPECT_TRUE(G.isConcurrent("c:@F@on_signal"));
  EXPECT_EQ(G.whyConcurrent("c:@F@api_entry")->What,
            ConcurrencyReason::Kind::NoCaller);
  EXPECT_FALSE(G.isConcurrent("c:@F@main"));
}

TEST(ProgramGraphTest, LocalFunctionsOfTwoTUsStaySeparate) {
  TU A("a.c"), B("b.c");
  A.fn("main");
  FunctionFacts &InitA = A.fn("init");
  InitA.Id = "a.c#c:a.c@F@init";
  InitA.Local = true;
  A.get("main").Calls.push_back({"a.c#c:a.c@F@init", "init", A.at(), {}, 100});
  FunctionFacts &InitB = B.fn("init");
  InitB.Id = "b.c#c:b.c@F@init";
  InitB.Local = true;
  ProgramGraph G = linked({&A, &B});
  EXPECT_TRUE(G.isStartupOnly("a.c#c:a.c@F@init"));
  EXPECT_TRUE(G.isConcurrent("b.c#c:b.c@F@init")); // nobody calls it
  EXPECT_EQ(G.statistics().Functions, 3u);
}

// ---- (c), (d): locks on entry and wrappers ---------------------------------

TEST(ProgramGraphTest, LockHeldAtEveryCallSiteIsHeldOnEntry) {
  TU A("cache.c"), B("items.c");
  A.fn("worker");
  A.fn("other");
  B.fn("do_insert");
  B.fn("do_evict");
  A.call("worker", "do_insert", {lock("cache_mu")});
  A.call("other", "do_insert", {lock("cache_mu"), lock("stats_mu")});
  B.call("do_insert", "do_evict"); // transitively
  A.call("worker", "do_evict", {lock("cache_mu")});
  ProgramGraph G = linked({&A, &B});
  EXPECT_EQ(names(G.locksOnEntry("c:@F@do_insert")),
            std::vector<std::string>{"cache_mu"});
  EXPECT_EQ(names(G.locksOnEntry("c:@F@do_evict")),
            std::vector<std::string>{"cache_mu"});
  EXPECT_TRUE(G.locksOnEntry("c:@F@worker").empty());
}

TEST(ProgramGraphTest, OneCallSiteWithoutTheLockClearsIt) {
  TU A("a.c");
  A.fn("worker");
  A.fn("helper");
  A.call("worker", "helper", {lock("mu")});
  A.call("worker", "helper");
  ProgramGraph G = linked({&A});
  EXPECT_TRUE(G.locksOnEntry("c:@F@helper").empty());
}

TEST(ProgramGraphTest, StartupCallWithoutTheLockKeepsTheLockOnEntry) {
  TU A("slabs.c");
  A.fn("main");
  A.fn("slabs_init");
  A.fn("worker");
  A.fn("do_newslab");
  A.fn("do_grow");
  A.call("main", "slabs_init");
  A.call("slabs_init", "do_newslab"); // preallocation, no thread yet
  A.startThread("main", "worker", 1);
  A.call("worker", "do_newslab", {lock("slabs_lock")});
  A.call("main", "do_grow"); // after the workers started, without the lock
  A.call("worker", "do_grow", {lock("slabs_lock")});
  ProgramGraph G = linked({&A});
  EXPECT_EQ(names(G.locksOnEntry("c:@F@do_newslab")),
            std::vector<std::string>{"slabs_lock"});
  EXPECT_TRUE(G.locksOnEntry("c:@F@do_grow").empty());
}

TEST(ProgramGraphTest, MainsCallWhileOnlyUnrelatedThreadsRunKeepsTheLock) {
  // The logger thread runs while main preallocates slabs without the slab
  // lock; the logger never takes that lock, so the workers' callers decide.
  TU A("slabs.c");
  A.fn("main");
  A.fn("logger");
  A.fn("worker");
  A.fn("slabs_init");
  A.fn("do_newslab");
  A.fn("log_write");
  A.startThread("main", "logger");
  A.call("logger", "log_write", {lock("logger_mu")});
  A.call("main", "slabs_init");
  A.call("slabs_init", "do_newslab");
  A.startThread("main", "worker", 1);
  A.call("worker", "do_newslab", {lock("slabs_lock")});
  ProgramGraph G = linked({&A});
  EXPECT_EQ(G.threadsRunningAt("c:@F@slabs_init"),
            std::vector<std::string>{"c:@F@logger"});
  EXPECT_EQ(names(G.locksOnEntry("c:@F@do_newslab")),
            std::vector<std::string>{"slabs_lock"});
}

TEST(ProgramGraphTest, MainsCallWhileAThreadTakingTheLockRunsClearsIt) {
  // Lookalike: the thread running then takes the slab lock itself.
  TU A("slabs.c");
  A.fn("main");
  A.fn("rebalancer");
  A.fn("worker");
  A.fn("slabs_init");
  A.fn("do_newslab");
  A.fn("slabs_move");
  A.startThread("main", "rebalancer");
  A.call("rebalancer", "slabs_move", {lock("slabs_lock")});
  A.call("main", "slabs_init");
  A.call("slabs_init", "do_newslab");
  A.startThread("main", "worker", 1);
  A.call("worker", "do_newslab", {lock("slabs_lock")});
  ProgramGraph G = linked({&A});
  EXPECT_TRUE(G.locksOnEntry("c:@F@do_newslab").empty());
}

TEST(ProgramGraphTest, RootsHoldNoLockOnEntryEvenWhenCalledLocked) {
  TU A("a.c");
  A.fn("main");
  A.fn("worker");
  A.fn("cb");
  A.startThread("main", "worker");
  A.callback("main", "cb");
  A.call("worker", "cb", {lock("mu")});
  ProgramGraph G = linked({&A});
  EXPECT_TRUE(G.locksOnEntry("c:@F@cb").empty());
}

TEST(ProgramGraphTest, WrapperOfAnotherTUAcquiresForTheRestOfTheCaller) {
  TU Lock("lock.c"), User("stats.c");
  FunctionFacts &Acquire = Lock.fn("counters_lock");
  Acquire.Acquires.push_back(lock("counters_mu"));
  FunctionFacts &Release = Lock.fn("counters_unlock");
  Release.Releases.push_back(lock("counters_mu"));
  User.fn("bump");
  FactPos Before = User.access("bump", "hits", true);
  User.call("bump", "counters_lock");
  FactPos Inside = User.access("bump", "hits", true);
  User.call("bump", "counters_unlock");
  FactPos After = User.access("bump", "hits", true);
  ProgramGraph G = linked({&Lock, &User});
  const FunctionFacts &Bump = *G.function("c:@F@bump");
  auto HeldAt = [&](FactPos P) {
    return names(G.effectiveHeld(Bump, {}, P.Offset));
  };
  EXPECT_TRUE(HeldAt(Before).empty());
  EXPECT_EQ(HeldAt(Inside), std::vector<std::string>{"counters_mu"});
  EXPECT_TRUE(HeldAt(After).empty());
}

// ---- (e): guarding lock ----------------------------------------------------

TEST(ProgramGraphTest, GuardIsTheLockHeldAtMostAccesses) {
  TU A("a.c");
  A.fn("w1");
  A.fn("w2");
  A.fn("w3");
  A.access("w1", "table", true, {lock("table_mu")});
  A.access("w2", "table", false, {lock("table_mu"), lock("log_mu")});
  A.access("w3", "table", false, {lock("log_mu")});
  A.access("w3", "table", true, {lock("table_mu")});
  ProgramGraph G = linked({&A});
  auto Guard = G.guardOf("c:@table");
  ASSERT_TRUE(Guard);
  EXPECT_EQ(Guard->Lock.Name, "table_mu");
  EXPECT_EQ(Guard->Held, 3u);
  EXPECT_EQ(Guard->Accesses, 4u);
  EXPECT_TRUE(Guard->evidence());
}

TEST(ProgramGraphTest, OneIncidentalLockedReadIsNoEvidence) {
  TU A("log.c"), B("cache.c");
  A.fn("set_level");
  B.fn("cache_get");
  A.access("set_level", "log_level", true);
  B.access("cache_get", "log_level", false, {lock("cache_mu")});
  A.Facts.Homes["c:@log_level"] = "log.c";
  B.Facts.Homes["c:@cache_mu"] = "cache.c";
  ProgramGraph G = linked({&A, &B});
  auto Guard = G.guardOf("c:@log_level");
  ASSERT_TRUE(Guard);
  EXPECT_EQ(Guard->Held, 1u);
  EXPECT_FALSE(Guard->Sibling);
  EXPECT_FALSE(Guard->evidence());
}

TEST(ProgramGraphTest, LockAroundAFewOfManyAccessesIsNoEvidence) {
  TU A("main.c");
  A.fn("timeout_thread");
  A.fn("handlers");
  A.access("timeout_thread", "settings", false, {lock("timeout_mu")});
  A.access("timeout_thread", "settings", false, {lock("timeout_mu")});
  for (int I = 0; I < 17; ++I)
    A.access("handlers", "settings", false);
  ProgramGraph G = linked({&A});
  auto Guard = G.guardOf("c:@settings");
  ASSERT_TRUE(Guard);
  EXPECT_EQ(Guard->Held, 2u);
  EXPECT_FALSE(Guard->evidence()); // 2 of 19 accesses
}

TEST(ProgramGraphTest, SiblingLockIsEvidenceWithOneAccess) {
  TU A("stats.c");
  A.fn("get");
  A.access("get", "hits", false, {lock("stats_mu")});
  A.Facts.Homes["c:@hits"] = "stats.c";
  A.Facts.Homes["c:@stats_mu"] = "stats.c";
  ProgramGraph G = linked({&A});
  EXPECT_TRUE(G.guardOf("c:@hits")->evidence());
}

TEST(ProgramGraphTest, StartupAccessesAreNotEvidence) {
  TU A("a.c");
  A.fn("main");
  A.fn("init");
  A.fn("reader");
  A.call("main", "init");
  A.access("init", "cfg", true, {lock("mu")});
  A.access("init", "cfg", true, {lock("mu")});
  A.access("reader", "cfg", false);
  ProgramGraph G = linked({&A});
  EXPECT_FALSE(G.guardOf("c:@cfg"));
}

// ---- verdicts --------------------------------------------------------------

TEST(ProgramGraphTest, UnguardedWriteVerdicts) {
  TU Main("main.c"), Table("table.c");
  Main.fn("main");
  Table.fn("table_init");
  Table.fn("worker");
  Table.fn("table_put");
  Table.fn("table_reset");
  Main.call("main", "table_init");
  Main.startThread("main", "worker", 1); // a pool of workers
  Table.call("worker", "table_put");
  Table.call("worker", "table_reset");
  FactPos Init = Table.access("table_init", "table", true);
  Table.access("worker", "table", false, {lock("table_mu")});
  Table.access("table_put", "table", true, {lock("table_mu")});
  FactPos Reset = Table.access("table_reset", "table", true);
  CandidateFact InitWrite = Table.unguarded("table_init", "table", Init);
  CandidateFact ResetWrite = Table.unguarded("table_reset", "table", Reset);
  ProgramGraph G = linked({&Main, &Table});

  auto Silent = G.judge(InitWrite);
  ASSERT_TRUE(Silent);
  EXPECT_FALSE(Silent->Report); // startup-only

  auto Kept = G.judge(ResetWrite);
  ASSERT_TRUE(Kept);
  EXPECT_TRUE(Kept->Report);
  ASSERT_EQ(Kept->Notes.size(), 2u);
  EXPECT_EQ(Kept->Notes[0].Message, "'worker' runs on the thread started here");
  EXPECT_EQ(Kept->Notes[0].File, "main.c");
  EXPECT_EQ(Kept->Notes[1].Message,
            "'table_reset' is called from 'worker' here");
}

TEST(ProgramGraphTest, HelperCalledUnderTheLockIsNotReported) {
  TU A("cache.c"), B("assoc.c");
  A.fn("worker");
  A.fn("reader");
  B.fn("do_insert");
  A.call("worker", "do_insert", {lock("cache_mu")});
  A.access("reader", "items", false, {lock("cache_mu")});
  A.access("worker", "items", false, {lock("cache_mu")});
  FactPos W = B.access("do_insert", "items", true);
  CandidateFact C = B.unguarded("do_insert", "items", W);
  ProgramGraph G = linked({&A, &B});
  EXPECT_FALSE(G.judge(C)->Report);
}

TEST(ProgramGraphTest, HelperCalledWithoutTheLockOnceIsReported) {
  TU A("cache.c"), B("assoc.c");
  A.fn("worker");
  A.fn("reader");
  B.fn("do_insert");
  A.call("worker", "do_insert", {lock("cache_mu")});
  A.call("reader", "do_insert");
  A.access("reader", "items", false, {lock("cache_mu")});
  A.access("worker", "items", false, {lock("cache_mu")});
  FactPos W = B.access("do_insert", "items", true);
  CandidateFact C = B.unguarded("do_insert", "items", W);
  ProgramGraph G = linked({&A, &B});
  EXPECT_TRUE(G.judge(C)->Report);
}

TEST(ProgramGraphTest, WriteAfterAThreadStartNeedsThatThreadToUseIt) {
  TU Main("main.c"), Slabs("slabs.c");
  Main.fn("main");
  Main.fn("logger_thread");
  Main.fn("worker");
  Slabs.fn("slabs_init");
  Slabs.fn("stats_reset");
  Slabs.fn("slabs_alloc");
  Main.startThread("main", "logger_thread"); // uses no slab state
  Main.call("main", "slabs_init");
  Main.startThread("main", "worker", 2);
  Main.call("main", "stats_reset"); // while workers run
  Main.call("worker", "slabs_alloc");
  FactPos Init = Slabs.access("slabs_init", "mem_limit", true);
  FactPos Reset = Slabs.access("stats_reset", "mem_limit", true);
  Slabs.access("slabs_alloc", "mem_limit", false, {lock("slabs_lock")});
  Slabs.access("slabs_alloc", "mem_limit", true, {lock("slabs_lock")});
  CandidateFact InitWrite = Slabs.unguarded("slabs_init", "mem_limit", Init);
  CandidateFact ResetWrite = Slabs.unguarded("stats_reset", "mem_limit", Reset);
  ProgramGraph G = linked({&Main, &Slabs});
  EXPECT_FALSE(G.judge(InitWrite)->Report);
  auto Kept = G.judge(ResetWrite);
  ASSERT_TRUE(Kept && Kept->Report);
  ASSERT_EQ(Kept->Notes.size(), 2u);
  EXPECT_EQ(Kept->Notes[0].Message,
            "'worker' is started here and may run while 'stats_reset' runs");
  EXPECT_EQ(Kept->Notes[1].Message,
            "'mem_limit' is used by that thread in 'slabs_alloc' here");
}

// ---- (h): the hand-off to a thread that waits for work -------------------

/// A server's logger: log_init (log.c) starts the flush thread and then opens
/// log_fp; the flush thread writes log_fp once queue_pop (queue.c), which
/// waits on a condition variable, gave it a line; the workers, started by
/// main after log_init, queue lines with log_write (queue_push signals).
class ProgramGraphHandOffTest : public ::testing::Test {
protected:
  TU Main{"main.c"}, Log{"log.c"}, Queue{"queue.c"};

  void SetUp() override {
    Main.fn("main");
    Main.fn("worker");
    Log.fn("log_init");
    Log.fn("flusher");
    Log.fn("log_write");
    Queue.fn("queue_pop");
    Queue.fn("queue_push");
    Queue.wait("queue_pop");
    Queue.wake("queue_push");
    Log.access("log_write", "log_fp", false, {lock("log_mu")});
    Log.call("log_write", "queue_push");
    Main.call("worker", "log_write");
  }
  /// while (queue_pop(&line)) { lock; fputs(line, log_fp); unlock; }
  void flusherWaitsFirst() {
    Log.call("flusher", "queue_pop");
    Log.access("flusher", "log_fp", false, {lock("log_mu")});
  }
  /// main: log_init(); then the pool of workers.
  void mainCallsInitThenStartsWorkers(const std::string &Init = "log_init") {
    Main.call("main", Init);
    Main.startThread("main", "worker", 1);
  }
  /// log_init's write of log_fp (after whatever the test put before it).
  CandidateFact initWrite() {
    FactPos W = Log.access("log_init", "log_fp", true);
    return Log.unguarded("log_init", "log_fp", W);
  }
  /// The candidates are log.c's: its positions come first.
  ProgramGraph link() { return linked({&Log, &Main, &Queue}); }
  std::optional<LinkVerdict> judge(const CandidateFact &C) {
    ProgramGraph G = link();
    return G.judge(C);
  }
  bool reported(const CandidateFact &C) {
    std::optional<LinkVerdict> V = judge(C);
    return V && V->Report;
  }
};

TEST_F(ProgramGraphHandOffTest, WriteBeforeTheWaitingThreadGetsWorkIsSilent) {
  flusherWaitsFirst();
  mainCallsInitThenStartsWorkers();
  Log.startThread("log_init", "flusher");
  CandidateFact C = initWrite();
  ProgramGraph G = link();
  EXPECT_FALSE(G.judge(C)->Report);
  // Once the workers queue lines, the flusher runs beside them.
  EXPECT_TRUE(G.mayRunTogether("c:@F@worker", "c:@F@flusher"));
}

TEST_F(ProgramGraphHandOffTest, ThreadTouchingItBeforeItsWaitIsReported) {
  Log.access("flusher", "log_fp", false, {lock("log_mu")}); // a header line
  flusherWaitsFirst();
  mainCallsInitThenStartsWorkers();
  Log.startThread("log_init", "flusher");
  CandidateFact C = initWrite();
  std::optional<LinkVerdict> V = judge(C);
  ASSERT_TRUE(V && V->Report);
  ASSERT_EQ(V->Notes.size(), 2u);
  EXPECT_EQ(V->Notes[0].Message,
            "'flusher' is started here and may run while 'log_init' runs");
}

TEST_F(ProgramGraphHandOffTest, CalleeTouchingItBeforeTheWaitIsReported) {
  Log.fn("flush_header");
  Log.access("flush_header", "log_fp", false, {lock("log_mu")});
  Log.call("flusher", "flush_header");
  flusherWaitsFirst();
  mainCallsInitThenStartsWorkers();
  Log.startThread("log_init", "flusher");
  EXPECT_TRUE(reported(initWrite()));
}

TEST_F(ProgramGraphHandOffTest, PushBetweenStartAndWriteIsReported) {
  flusherWaitsFirst();
  mainCallsInitThenStartsWorkers();
  Log.startThread("log_init", "flusher");
  Log.call("log_init", "queue_push"); // "log opened" queued at once
  EXPECT_TRUE(reported(initWrite()));
}

TEST_F(ProgramGraphHandOffTest, SignalBetweenStartAndWriteIsReported) {
  flusherWaitsFirst();
  mainCallsInitThenStartsWorkers();
  Log.startThread("log_init", "flusher");
  Log.wake("log_init");
  EXPECT_TRUE(reported(initWrite()));
}

TEST_F(ProgramGraphHandOffTest, PushBeforeTheStartIsReported) {
  // The line queued before the thread exists is found without waiting.
  flusherWaitsFirst();
  mainCallsInitThenStartsWorkers();
  Log.call("log_init", "queue_push");
  Log.startThread("log_init", "flusher");
  EXPECT_TRUE(reported(initWrite()));
}

TEST_F(ProgramGraphHandOffTest, PushByMainBeforeTheInitIsReported) {
  flusherWaitsFirst();
  Main.fn("banner");
  Main.call("banner", "queue_push");
  Main.call("main", "banner");
  mainCallsInitThenStartsWorkers();
  Log.startThread("log_init", "flusher");
  EXPECT_TRUE(reported(initWrite()));
}

TEST_F(ProgramGraphHandOffTest, ThreadStartedEarlierUsingItIsReported) {
  flusherWaitsFirst();
  Main.fn("rotator"); // reopens the log every hour, waits for no work
  Main.access("rotator", "log_fp", false, {lock("log_mu")});
  Main.startThread("main", "rotator");
  mainCallsInitThenStartsWorkers();
  Log.startThread("log_init", "flusher");
  std::optional<LinkVerdict> V = judge(initWrite());
  ASSERT_TRUE(V && V->Report);
  ASSERT_EQ(V->Notes.size(), 2u);
  EXPECT_EQ(V->Notes[0].Message,
            "'rotator' is started here and may run while 'log_init' runs");
}

TEST_F(ProgramGraphHandOffTest, RunningThreadThatMayWakeIsReported) {
  // A thread already running queues lines: the flusher may be at work.
  flusherWaitsFirst();
  Main.fn("stats_thread");
  Main.call("stats_thread", "queue_push");
  Main.startThread("main", "stats_thread");
  mainCallsInitThenStartsWorkers();
  Log.startThread("log_init", "flusher");
  EXPECT_TRUE(reported(initWrite()));
}

TEST_F(ProgramGraphHandOffTest, InitCalledTwiceWithoutAWakeIsSilent) {
  // `if (async) log_init(...); else log_init(...);`: the second call runs
  // while the first call's thread may run, still waiting.
  flusherWaitsFirst();
  Main.fn("log_setup");
  Main.call("log_setup", "log_init");
  Main.call("log_setup", "log_init");
  mainCallsInitThenStartsWorkers("log_setup");
  Log.startThread("log_init", "flusher");
  EXPECT_FALSE(reported(initWrite()));
}

TEST_F(ProgramGraphHandOffTest, InitCalledAgainAfterAPushIsReported) {
  flusherWaitsFirst();
  Main.fn("log_setup");
  Main.call("log_setup", "log_init");
  Main.call("log_setup", "queue_push");
  Main.call("log_setup", "log_init");
  mainCallsInitThenStartsWorkers("log_setup");
  Log.startThread("log_init", "flusher");
  EXPECT_TRUE(reported(initWrite()));
}

TEST_F(ProgramGraphHandOffTest, WakeLaterInTheWritesLoopIsReported) {
  // for (;;) { log_fp = reopen(); queue_push(); }: the next iteration's
  // write follows the push.
  flusherWaitsFirst();
  mainCallsInitThenStartsWorkers();
  Log.startThread("log_init", "flusher");
  CandidateFact C = initWrite();
  Log.get("log_init").Accesses.back().Loop = 7;
  Log.call("log_init", "queue_push", {}, 7);
  EXPECT_TRUE(reported(C));
}

TEST(ProgramGraphTest, LockTakenByTheWriterItselfIsEvidence) {
  TU A("crawler.c");
  A.fn("crawler_start");
  A.fn("set_verbose");
  A.fn("crawler_stats");
  // crawler_start locks around its own read and writes after unlocking.
  A.access("crawler_start", "block_until", false, {lock("crawler_mu")});
  FactPos Own = A.access("crawler_start", "block_until", true);
  // set_verbose's variable is read once under a lock another function took.
  A.access("crawler_stats", "verbose", false, {lock("crawler_mu")});
  FactPos Other = A.access("set_verbose", "verbose", true);
  CandidateFact OwnWrite = A.unguarded("crawler_start", "block_until", Own);
  CandidateFact OtherWrite = A.unguarded("set_verbose", "verbose", Other);
  ProgramGraph G = linked({&A});
  EXPECT_TRUE(G.judge(OwnWrite)->Report);
  EXPECT_FALSE(G.judge(OtherWrite)->Report);
}

// ---- (g): configuration writes ---------------------------------------------

/// A server whose request handler reads `logger_` under `logger_mu`; the
/// setter writes it unlocked and nobody in the program calls it (an API).
struct ConfiguredServer {
  TU Server{"server.h"};
  CandidateFact SetterWrite;
  ConfiguredServer() {
    Server.fn("handle");
    Server.fn("output_log");
    Server.fn("set_logger");
    Server.callback("listen", "handle");
    Server.call("handle", "output_log");
    Server.access("output_log", "logger_", false);
    Server.access("output_log", "logger_", false, {lock("logger_mu")});
    Server.access("output_log", "logger_", false, {lock("logger_mu")});
    FactPos W = Server.access("set_logger", "logger_", true);
    SetterWrite = Server.unguarded("set_logger", "logger_", W);
  }
};

TEST(ProgramGraphTest, SetterNoThreadCallsOfAVariableThreadsOnlyReadIsSilent) {
  ConfiguredServer S;
  ProgramGraph G = linked({&S.Server});
  ASSERT_TRUE(G.guardOf("c:@logger_")->evidence());
  EXPECT_FALSE(G.judge(S.SetterWrite)->Report);
}

TEST(ProgramGraphTest, SetterCalledFromAHandlerIsReported) {
  ConfiguredServer S;
  S.Server.fn("reconfigure");
  S.Server.callback("listen", "reconfigure"); // while the server runs
  S.Server.call("reconfigure", "set_logger");
  ProgramGraph G = linked({&S.Server});
  EXPECT_TRUE(G.judge(S.SetterWrite)->Report);
}

TEST(ProgramGraphTest, SetterOfAVariableThreadsWriteIsReported) {
  ConfiguredServer S;
  S.Server.fn("rotate");
  S.Server.call("handle", "rotate");
  S.Server.access("rotate", "logger_", true, {lock("logger_mu")});
  ProgramGraph G = linked({&S.Server});
  EXPECT_TRUE(G.judge(S.SetterWrite)->Report);
}

TEST(ProgramGraphTest, SetterAfterMainStartedTheReadingThreadIsReported) {
  ConfiguredServer S;
  S.Server.fn("main");
  S.Server.fn("serve");
  S.Server.startThread("main", "serve");
  S.Server.call("serve", "output_log");
  S.Server.call("main", "set_logger"); // the reader may already run
  ProgramGraph G = linked({&S.Server});
  EXPECT_TRUE(G.judge(S.SetterWrite)->Report);
}

/// A TLS client library: a worker thread calls `connect`, a virtual method
/// of the base client; the TLS override's `load_certs` reads `ca_set_`
/// under `ctx_mu`; the API setter `set_ca_store` writes it unlocked and
/// nobody in the program calls it.
struct TlsClient {
  TU Client{"client.h"};
  CandidateFact SetterWrite;
  TlsClient() {
    Client.fn("worker");
    Client.fn("tls_connect");
    Client.fn("load_certs");
    Client.fn("set_ca_store");
    Client.fn("main");
    Client.startThread("main", "worker");
    Client.call("worker", "connect"); // the base's virtual method
    Client.get("tls_connect").Overrides.push_back("c:@F@connect");
    Client.call("tls_connect", "load_certs");
    Client.access("load_certs", "ca_set_", false, {lock("ctx_mu")});
    Client.access("load_certs", "ca_set_", false, {lock("ctx_mu")});
    FactPos W = Client.access("set_ca_store", "ca_set_", true);
    SetterWrite = Client.unguarded("set_ca_store", "ca_set_", W);
  }
};

TEST(ProgramGraphTest, SetterOfAVariableAnOverrideOnThreadsOnlyReadsIsSilent) {
  TlsClient S;
  ProgramGraph G = linked({&S.Client});
  EXPECT_FALSE(G.judge(S.SetterWrite)->Report);
}

TEST(ProgramGraphTest, SetterOfAVariableReadOnlyByUncalledCodeIsReported) {
  // No thread's code reaches the reader: nothing says the threads only read.
  TlsClient S;
  S.Client.get("tls_connect").Overrides.clear();
  ProgramGraph G = linked({&S.Client});
  EXPECT_TRUE(G.judge(S.SetterWrite)->Report);
}

TEST(ProgramGraphTest, SetterOfAVariableAnOverrideOnThreadsWritesIsReported) {
  TlsClient S;
  S.Client.access("tls_connect", "ca_set_", true, {lock("ctx_mu")});
  ProgramGraph G = linked({&S.Client});
  EXPECT_TRUE(G.judge(S.SetterWrite)->Report);
}

TEST(ProgramGraphTest, SetterCalledFromAnOverrideOnThreadsIsReported) {
  TlsClient S;
  // Several workers: the override runs on each of them at once (on one
  // worker started once, the setter and the reads would run in turn).
  S.Client.startThread("main", "worker", /*Loop=*/1);
  S.Client.call("tls_connect", "set_ca_store");
  ProgramGraph G = linked({&S.Client});
  EXPECT_TRUE(G.judge(S.SetterWrite)->Report);
}

// ---- (h): test fixtures ----------------------------------------------------

/// A GoogleTest fixture: `SetUp` clears `events_`, then `start_server`
/// starts the server thread whose code uses `events_` under `events_mu`.
struct ServerFixture {
  TU Test{"server_test.cc"};
  CandidateFact Clear, ClearGlobal;
  ServerFixture() {
    Test.fn("SetUp").FixtureRecords = {"c:@S@Fixture"};
    Test.fn("start_server");
    Test.fn("serve");
    Test.fn("TestBody");
    Test.Facts.Homes["c:@events_"] = "c:@S@Fixture";
    Test.Facts.Homes["c:@g_events"] = "server_test.cc\n3";
    FactPos W = Test.access("SetUp", "events_", true);
    FactPos WG = Test.access("SetUp", "g_events", true);
    Test.call("SetUp", "start_server");
    Test.startThread("start_server", "serve");
    Test.access("serve", "events_", true, {lock("events_mu")});
    Test.access("serve", "events_", false, {lock("events_mu")});
    Test.access("serve", "g_events", true, {lock("events_mu")});
    Test.access("serve", "g_events", false, {lock("events_mu")});
    Clear = Test.unguarded("SetUp", "events_", W);
    ClearGlobal = Test.unguarded("SetUp", "g_events", WG);
  }
};

TEST(ProgramGraphTest, FixtureSetUpBeforeStartingTheServerIsSilent) {
  ServerFixture S;
  ProgramGraph G = linked({&S.Test});
  ASSERT_TRUE(G.guardOf("c:@events_")->evidence());
  EXPECT_FALSE(G.judge(S.Clear)->Report);
}

TEST(ProgramGraphTest, FixtureSetUpAfterStartingTheServerIsReported) {
  ServerFixture S;
  FactPos W = S.Test.access("SetUp", "events_", true);
  CandidateFact Late = S.Test.unguarded("SetUp", "events_", W);
  ProgramGraph G = linked({&S.Test});
  EXPECT_TRUE(G.judge(Late)->Report);
}

TEST(ProgramGraphTest, TestBodyWriteWhileTheServerRunsIsReported) {
  ServerFixture S;
  FactPos W = S.Test.access("TestBody", "events_", true);
  CandidateFact Body = S.Test.unguarded("TestBody", "events_", W);
  ProgramGraph G = linked({&S.Test});
  EXPECT_TRUE(G.judge(Body)->Report);
}

TEST(ProgramGraphTest, FixtureSetUpWriteOfAGlobalIsReported) {
  // Not the fixture's own member: another test's thread may still use it.
  ServerFixture S;
  ProgramGraph G = linked({&S.Test});
  EXPECT_TRUE(G.judge(S.ClearGlobal)->Report);
}

// ---- callbacks the program registers with itself ----------------------------

/// main registers `save_cb` with the program's own registry, starts the
/// workers, and at shutdown the registry calls every saved pointer.
struct SelfRegistry {
  TU Main{"main.c"}, Restart{"restart.c"};
  CandidateFact Exit;
  const std::string Signature = indirectCallee("int (void *)");
  SelfRegistry() {
    Main.fn("main");
    Main.fn("worker");
    Main.fn("save_cb");
    Restart.fn("restart_register");
    Restart.fn("restart_save");
    Restart.fn("set_kv");
    FactPos Registered = Main.at();
    Main.Facts.Roots.push_back({"c:@F@save_cb", "save_cb", RootKind::Callback,
                                Registered, "callback", "c:@F@restart_register",
                                Signature});
    Main.call("main", "restart_register");
    Main.startThread("main", "worker", 1);
    Main.call("main", "restart_save"); // after the serving loop, no loop
    pointerCall(Restart, "restart_save", 7);
    Main.call("save_cb", "set_kv");
    Exit = Restart.termination("set_kv");
  }
  void pointerCall(TU &In, const std::string &From, unsigned Loop = 0) {
    FactPos P = In.at();
    In.get(From).Calls.push_back(
        {Signature, "a function pointer", P, {}, P.Offset, Loop});
  }
};

TEST(ProgramGraphTest, CallbackRegisteredWithTheProgramRunsWhereItIsCalled) {
  SelfRegistry P;
  ProgramGraph G = linked({&P.Main, &P.Restart});
  EXPECT_TRUE(G.isStartupOnly("c:@F@save_cb"));
  EXPECT_TRUE(G.isStartupOnly("c:@F@set_kv"));
  EXPECT_FALSE(G.judge(P.Exit)->Report);
}

TEST(ProgramGraphTest, CallbackCalledThroughAPointerByAWorkerIsConcurrent) {
  SelfRegistry P;
  P.pointerCall(P.Main, "worker");
  ProgramGraph G = linked({&P.Main, &P.Restart});
  EXPECT_TRUE(G.isConcurrent("c:@F@set_kv"));
  auto Kept = G.judge(P.Exit);
  ASSERT_TRUE(Kept && Kept->Report);
  EXPECT_EQ(Kept->Notes[0].Message, "'worker' runs on the thread started here");
  EXPECT_EQ(Kept->Notes[1].Message, "'save_cb' is called from 'worker' here");
}

TEST(ProgramGraphTest, CallbackAlsoHandedToALibraryStaysARoot) {
  SelfRegistry P;
  P.Main.callback("main", "save_cb"); // e.g. event_set(..., save_cb, ...)
  ProgramGraph G = linked({&P.Main, &P.Restart});
  EXPECT_TRUE(G.isConcurrent("c:@F@set_kv"));
  EXPECT_TRUE(G.judge(P.Exit)->Report);
}

TEST(ProgramGraphTest, CallbackTheProgramNeverCallsStaysARoot) {
  SelfRegistry P;
  P.Restart.get("restart_save").Calls.clear(); // no pointer call anywhere
  ProgramGraph G = linked({&P.Main, &P.Restart});
  EXPECT_TRUE(G.isConcurrent("c:@F@save_cb"));
  EXPECT_TRUE(G.judge(P.Exit)->Report);
}

// ---- calls through a field of the program's own struct ----------------------

/// memcached's crawler: modules stored in `.eval` of a module struct, called
/// through `mod->eval(...)` by the crawler thread, with the LRU lock held
/// for the expiry module (maybe held at the call: released just before for
/// the modules that do not need it) and without it in the hash crawl.
struct Crawler {
  TU Main{"memcached.c"}, Crawl{"crawler.c"}, Items{"items.c"};
  const std::string Eval = "c:@S@crawler_module_reg_t@FI@eval";
  CandidateFact Unlink;
  Crawler() {
    Main.fn("main");
    Main.fn("worker");
    Crawl.fn("crawler_thread");
    Crawl.fn("crawl_hash");
    Crawl.fn("expired_eval");
    Crawl.fn("metadump_eval");
    Items.fn("item_unlink");
    Items.fn("do_item_unlink_q");
    Main.startThread("main", "worker", 1);
    Main.startThread("main", "crawler_thread");
    store("expired_eval");
    store("metadump_eval");
    Crawl.call("crawler_thread", "crawl_hash", {lock("crawler_lock")});
    fieldCall("crawl_hash", {}, {});
    fieldCall("crawler_thread", {lock("crawler_lock")}, {lock("lru_locks")});
    Crawl.call("expired_eval", "do_item_unlink_q");
    Main.call("worker", "item_unlink");
    Items.call("item_unlink", "do_item_unlink_q", {lock("lru_locks")});
    Items.access("item_unlink", "sizes", false, {lock("lru_locks")});
    Main.access("worker", "sizes", false, {lock("lru_locks")});
    FactPos W = Items.access("do_item_unlink_q", "sizes", true);
    Unlink = Items.unguarded("do_item_unlink_q", "sizes", W);
  }
  /// `.eval = Fn` in a global's initialiser.
  void store(const std::string &Fn) {
    RootFact R{"c:@F@" + Fn, Fn, RootKind::Callback, Crawl.at(), "callback"};
    R.Field = Eval;
    Crawl.Facts.Roots.push_back(R);
  }
  /// `active_crawler_mod.mod->eval(...)` in \p From.
  void fieldCall(const std::string &From, std::vector<LockRef> Held,
                 std::vector<LockRef> Maybe) {
    FactPos P = Crawl.at();
    CallFact C{indirectCallee("void (crawler_module_t *, item *)"),
               "a function pointer",
               P,
               std::move(Held),
               P.Offset,
               0};
    C.MaybeHeld = std::move(Maybe);
    C.Field = Eval;
    Crawl.get(From).Calls.push_back(std::move(C));
  }
  ProgramGraph link() { return linked({&Main, &Crawl, &Items}); }
};

TEST(ProgramGraphTest, FunctionStoredInAFieldRunsWhereTheFieldIsCalled) {
  Crawler P;
  ProgramGraph G = P.link();
  std::optional<ConcurrencyReason> Why = G.whyConcurrent("c:@F@expired_eval");
  ASSERT_TRUE(Why);
  EXPECT_EQ(Why->What, ConcurrencyReason::Kind::Root);
  EXPECT_EQ(Why->RootFunction, "c:@F@crawler_thread");
  // Every function stored in the field is called at every call through it.
  EXPECT_TRUE(G.whyConcurrent("c:@F@metadump_eval"));
  EXPECT_EQ(G.whyConcurrent("c:@F@metadump_eval")->RootFunction,
            "c:@F@crawler_thread");
}

TEST(ProgramGraphTest, PointerCallsRemoveNoLockHeldAtAnotherOfThem) {
  Crawler P;
  ProgramGraph G = P.link();
  // The hash crawl's call holds no LRU lock; the LRU crawl's call may hold
  // it: the expiry module has it on entry, and so do its direct callees.
  EXPECT_EQ(names(G.locksOnEntry("c:@F@expired_eval")),
            (std::vector<std::string>{"crawler_lock", "lru_locks"}));
  EXPECT_EQ(names(G.locksOnEntry("c:@F@do_item_unlink_q")),
            std::vector<std::string>{"lru_locks"});
  EXPECT_FALSE(G.judge(P.Unlink)->Report);
}

TEST(ProgramGraphTest, FieldCalledWithoutALockAnywhereIsReported) {
  Crawler P;
  for (CallFact &C : P.Crawl.get("crawler_thread").Calls)
    if (!C.Field.empty()) {
      C.Held.clear();
      C.MaybeHeld.clear();
    }
  P.Crawl.get("crawler_thread")
      .Calls.erase(P.Crawl.get("crawler_thread")
                       .Calls.begin()); // no crawler_lock either
  ProgramGraph G = P.link();
  EXPECT_TRUE(G.locksOnEntry("c:@F@expired_eval").empty());
  EXPECT_TRUE(G.judge(P.Unlink)->Report);
}

TEST(ProgramGraphTest, DirectCallWithoutTheLockStillClearsIt) {
  // A direct call keeps the must-hold rule: pointer calls do not add locks
  // to a function someone calls directly without them.
  Crawler P;
  P.Main.call("worker", "expired_eval");
  ProgramGraph G = P.link();
  EXPECT_TRUE(G.locksOnEntry("c:@F@expired_eval").empty());
  EXPECT_TRUE(G.judge(P.Unlink)->Report);
}

TEST(ProgramGraphTest, FieldTheProgramNeverCallsThroughLeavesACallback) {
  Crawler P;
  for (RootFact &R : P.Crawl.Facts.Roots)
    if (R.FunctionName == "expired_eval")
      R.Field = "c:@S@event_ops@FI@on_read"; // handed to a library
  ProgramGraph G = P.link();
  std::optional<ConcurrencyReason> Why = G.whyConcurrent("c:@F@expired_eval");
  ASSERT_TRUE(Why && Why->Root);
  EXPECT_EQ(Why->Root->Kind, RootKind::Callback);
  EXPECT_TRUE(G.locksOnEntry("c:@F@expired_eval").empty());
  EXPECT_TRUE(G.judge(P.Unlink)->Report);
}

TEST(ProgramGraphTest, PointerCallsInACycleSettleFromTheCallsKnown) {
  // memcached's connections: `c->try_read_command(c)` in the event loop
  // goes to the negotiating handler, which picks the protocol's handler and
  // calls through the same field again. The handlers' callees get their
  // locks from every caller, those reached through the cycle included.
  TU A("memcached.c");
  const std::string Field = "c:@S@conn@FI@try_read_command";
  A.fn("main");
  A.fn("worker");
  A.fn("maintainer");
  A.fn("negotiate");
  A.fn("read_ascii");
  A.fn("crawler_start");
  A.startThread("main", "worker", 1);
  A.startThread("main", "maintainer");
  for (const char *Handler : {"negotiate", "read_ascii"}) {
    RootFact R{std::string("c:@F@") + Handler, Handler, RootKind::Callback,
               A.at(), "callback"};
    R.Field = Field;
    A.Facts.Roots.push_back(R);
  }
  auto ThroughField = [&](const std::string &From, std::vector<LockRef> Held) {
    FactPos P = A.at();
    CallFact C{indirectCallee("int (conn *)"),
               "a function pointer",
               P,
               std::move(Held),
               P.Offset,
               0};
    C.Field = Field;
    A.get(From).Calls.push_back(std::move(C));
  };
  ThroughField("worker", {lock("conn_mu")});
  ThroughField("negotiate", {});
  A.call("read_ascii", "crawler_start");
  A.call("maintainer", "crawler_start", {lock("maintainer_lock")});
  ProgramGraph G = linked({&A});
  EXPECT_EQ(names(G.locksOnEntry("c:@F@negotiate")),
            std::vector<std::string>{"conn_mu"});
  EXPECT_EQ(names(G.locksOnEntry("c:@F@read_ascii")),
            std::vector<std::string>{"conn_mu"});
  // Two direct callers with nothing in common: nothing on entry.
  EXPECT_TRUE(G.locksOnEntry("c:@F@crawler_start").empty());
}

TEST(ProgramGraphTest, AbruptTerminationVerdicts) {
  TU A("main.c"), B("util.c");
  A.fn("main");
  A.fn("handler");
  B.fn("load_config");
  B.fn("fatal");
  B.fn("parse");
  B.get("fatal").FatalSink = true;
  A.call("main", "load_config");
  A.callback("main", "handler");
  A.call("handler", "parse");
  CandidateFact Startup = B.termination("load_config");
  CandidateFact Sink = B.termination("fatal");
  CandidateFact Parse = B.termination("parse");
  CandidateFact AfterSink = B.termination("parse");
  AfterSink.After = "c:@F@fatal";
  ProgramGraph G = linked({&A, &B});
  EXPECT_FALSE(G.judge(Startup)->Report);
  EXPECT_FALSE(G.judge(Sink)->Report);
  EXPECT_FALSE(G.judge(AfterSink)->Report);
  auto Kept = G.judge(Parse);
  ASSERT_TRUE(Kept && Kept->Report);
  ASSERT_EQ(Kept->Notes.size(), 2u);
  EXPECT_EQ(Kept->Notes[0].Message,
            "'handler' is passed as a callback here and may run on any thread");
}

TEST(ProgramGraphTest, OtherChecksHaveNoVerdict) {
  TU A("a.c");
  A.fn("f");
  ProgramGraph G = linked({&A});
  CandidateFact C{"loadcheck-sleep-polling", A.at(), "c:@F@f", "", "", ""};
  EXPECT_FALSE(G.judge(C));
}

// ---- (o), (p): thread entries of the program, may throw
// ----------------------

/// A thread class: `Thread::Entry` is started in thread.cpp and calls the
/// virtual `Thread::Run`; `Worker::Run` (worker.cpp) overrides it, and
/// `Spinner::run` overrides `Job::run`, which only main calls.
struct VirtualRun {
  TU Thread{"thread.cpp"}, Worker{"worker.cpp"};
  VirtualRun() {
    Thread.fn("main");
    Thread.fn("Entry");
    Thread.fn("start");
    Thread.call("main", "start");
    Thread.startThread("start", "Entry");
    Thread.call("Entry", "Thread::Run");
    Thread.call("main", "Job::run");
    Worker.fn("Worker::Run").Overrides.push_back("c:@F@Thread::Run");
    Worker.fn("Spinner::run").Overrides.push_back("c:@F@Job::run");
    Worker.fn("helper");
    Worker.call("Worker::Run", "helper");
  }
  CandidateFact loop(const std::string &In) {
    return {std::string(MissingCancellationCheckName), Worker.at(),
            "c:@F@" + In};
  }
};

TEST(ProgramGraphTest, OverrideOfAVirtualAThreadEntryCallsIsAnEntry) {
  VirtualRun S;
  ProgramGraph G = linked({&S.Thread, &S.Worker});
  EXPECT_TRUE(G.isThreadEntry("c:@F@Entry"));
  EXPECT_TRUE(G.isThreadEntry("c:@F@Worker::Run"));
  EXPECT_FALSE(G.isThreadEntry("c:@F@Spinner::run"));
  EXPECT_FALSE(G.isThreadEntry("c:@F@helper"));
  std::optional<LinkVerdict> V = G.judge(S.loop("Worker::Run"));
  ASSERT_TRUE(V && V->Report);
  ASSERT_EQ(V->Notes.size(), 2u);
  EXPECT_EQ(V->Notes[0].Message, "'Entry' runs on the thread started here");
  EXPECT_EQ(V->Notes[1].Message,
            "'Entry' calls virtual 'Thread::Run' here, so its override "
            "'Worker::Run' runs as that thread's body");
  EXPECT_FALSE(G.judge(S.loop("Spinner::run"))->Report);
}

TEST(ProgramGraphTest, FunctionOnlyAnEntryCallsRunsAsItsBody) {
  VirtualRun S;
  ProgramGraph G = linked({&S.Thread, &S.Worker});
  std::optional<LinkVerdict> V = G.judge(S.loop("helper"));
  ASSERT_TRUE(V && V->Report);
  EXPECT_EQ(V->Notes.back().Message,
            "'helper' is called from 'Worker::Run' here, as the thread's body");
  // One call from main's code: it returns there, it is no thread's body.
  S.Thread.call("main", "helper");
  ProgramGraph Again = linked({&S.Thread, &S.Worker});
  EXPECT_FALSE(Again.judge(S.loop("helper"))->Report);
}

TEST(ProgramGraphTest, MayThrowIsALeastFixpointOverCallsOutsideTryBlocks) {
  TU Lib("parse.cpp");
  Lib.fn("parse_line");
  FactPos Throw = Lib.at();
  Lib.get("parse_line")
      .Throws.push_back({"std::runtime_error", Throw, {}, Throw.Offset});
  Lib.fn("checked");
  Lib.call("checked", "parse_line");
  Lib.fn("twice");
  Lib.call("twice", "checked");
  Lib.fn("safe");
  Lib.call("safe", "parse_line");
  Lib.get("safe").Calls.back().InTry = true;
  Lib.fn("nothrow_wrapper").NoExcept = true;
  Lib.call("nothrow_wrapper", "parse_line");
  Lib.fn("loop_a");
  Lib.fn("loop_b");
  Lib.call("loop_a", "loop_b");
  Lib.call("loop_b", "loop_a");
  ProgramGraph G = linked({&Lib});
  EXPECT_TRUE(G.mayThrow("c:@F@parse_line"));
  EXPECT_TRUE(G.mayThrow("c:@F@checked"));
  EXPECT_TRUE(G.mayThrow("c:@F@twice"));
  EXPECT_FALSE(G.mayThrow("c:@F@safe"));
  EXPECT_FALSE(G.mayThrow("c:@F@nothrow_wrapper"));
  // A cycle with no throw in it throws nothing (least fixpoint).
  EXPECT_FALSE(G.mayThrow("c:@F@loop_a"));
}

TEST(ProgramGraphTest, CallOfAThrowingFunctionInAThreadEntry) {
  TU Main("main.cpp"), Lib("parse.cpp");
  Main.fn("main");
  Main.fn("consume");
  Main.startThread("main", "consume");
  Main.fn("load_config");
  Main.call("main", "load_config");
  Lib.fn("parse_line");
  FactPos Throw = Lib.at();
  Lib.get("parse_line")
      .Throws.push_back({"std::runtime_error", Throw, {}, Throw.Offset});
  Lib.fn("parse_safe");
  auto Candidate = [&](const std::string &In, const std::string &Callee) {
    CandidateFact C{std::string(ThreadExceptionEscapeCheckName), Main.at(),
                    "c:@F@" + In};
    C.Callee = "c:@F@" + Callee;
    return C;
  };
  ProgramGraph G = linked({&Main, &Lib});
  std::optional<LinkVerdict> V = G.judge(Candidate("consume", "parse_line"));
  ASSERT_TRUE(V && V->Report);
  EXPECT_EQ(V->Notes.back().Message,
            "'parse_line' throws std::runtime_error here");
  EXPECT_FALSE(G.judge(Candidate("consume", "parse_safe"))->Report);
  EXPECT_FALSE(G.judge(Candidate("load_config", "parse_line"))->Report);
}

TEST(ProgramGraphTest, UnguardedWriteClaimedInAThreadEntryNeedsOne) {
  VirtualRun S;
  FactPos W = S.Worker.access("Spinner::run", "tally", true);
  S.Thread.access("main", "tally", false);
  CandidateFact C = S.Worker.unguarded("Spinner::run", "tally", W);
  C.EntryOnly = true;
  ProgramGraph G = linked({&S.Thread, &S.Worker});
  EXPECT_FALSE(G.judge(C)->Report);
}

// ---- codec and ProgramLink -------------------------------------------------

TEST(ProgramFactsTest, JSONRoundTripKeepsEveryFact) {
  TU A("a.c");
  A.fn("main");
  A.fn("worker");
  A.startThread("main", "worker", 5);
  A.callInLoop("main", "worker", 5);
  A.get("worker").Acquires.push_back(lock("mu"));
  A.get("worker").Blocking.push_back({"recv", A.at(), {lock("mu")}, 3});
  A.wait("worker");
  A.wake("worker", 4);
  FactPos W = A.access("worker", "g", true, {lock("mu")});
  A.get("worker").Accesses.back().Loop = 4;
  A.unguarded("worker", "g", W);
  A.Facts.Homes["c:@g"] = "a.c";
  A.get("worker").Overrides = {"c:@S@Base@F@run#"};
  A.get("main").FixtureRecords = {"c:@S@Fixture", "c:@S@Base"};
  A.Facts.Roots.push_back({"c:@F@cb", "cb", RootKind::Callback, A.at(),
                           "callback", "c:@F@registry_add",
                           indirectCallee("int (void *)")});
  A.Facts.Roots.back().Field = "c:@S@entry@FI@save";
  A.get("worker").Calls.push_back({indirectCallee("int (void *)"),
                                   "a function pointer",
                                   A.at(),
                                   {},
                                   90,
                                   0,
                                   {lock("lru")},
                                   "c:@S@entry@FI@save"});
  std::string Error;
  std::optional<TUFacts> Back = fromJSON(toJSON(A.Facts), Error);
  ASSERT_TRUE(Back) << Error;
  EXPECT_EQ(llvm::json::Value(toJSON(*Back)), toJSON(A.Facts));
  EXPECT_EQ(Back->Functions[1].Accesses[0].Held[0].Name, "mu");
  EXPECT_EQ(Back->Roots[0].Kind, RootKind::ThreadEntry);
  EXPECT_EQ(Back->Functions[0].ThreadStarts[0].Loop, 5u);
  EXPECT_EQ(Back->Functions[0].Calls[0].Loop, 5u);
  EXPECT_EQ(Back->Functions[1].Accesses[0].Loop, 4u);
  EXPECT_EQ(Back->Functions[1].Waits[0].What, "pthread_cond_wait");
  EXPECT_EQ(Back->Functions[1].Wakes[0].Loop, 4u);
  EXPECT_EQ(Back->Roots[1].Into, "c:@F@registry_add");
  EXPECT_EQ(Back->Roots[1].Signature, "(*)int (void *)");
  EXPECT_EQ(Back->Functions[1].Overrides,
            std::vector<std::string>{"c:@S@Base@F@run#"});
  EXPECT_EQ(Back->Functions[0].FixtureRecords.size(), 2u);
  EXPECT_EQ(Back->Roots[1].Field, "c:@S@entry@FI@save");
  EXPECT_EQ(Back->Functions[1].Calls[0].MaybeHeld[0].Name, "lru");
  EXPECT_EQ(Back->Functions[1].Calls[0].Field, "c:@S@entry@FI@save");
}

TEST(ProgramFactsTest, JSONRoundTripKeepsThrowsAndEntryCandidates) {
  TU A("a.cpp");
  A.fn("parse");
  FactPos T = A.at();
  A.get("parse").Throws.push_back({"std::runtime_error", T, {}, T.Offset});
  A.fn("safe").NoExcept = true;
  A.call("safe", "parse");
  A.get("safe").Calls.back().InTry = true;
  FactPos W = A.access("parse", "g", true);
  A.unguarded("parse", "g", W);
  A.Facts.Candidates.back().EntryOnly = true;
  A.Facts.Candidates.push_back(
      {std::string(ThreadExceptionEscapeCheckName), A.at(), "c:@F@safe"});
  A.Facts.Candidates.back().Callee = "c:@F@parse";
  std::string Error;
  std::optional<TUFacts> Back = fromJSON(toJSON(A.Facts), Error);
  ASSERT_TRUE(Back) << Error;
  EXPECT_EQ(llvm::json::Value(toJSON(*Back)), toJSON(A.Facts));
  EXPECT_EQ(Back->Functions[0].Throws[0].What, "std::runtime_error");
  EXPECT_TRUE(Back->Functions[1].NoExcept);
  EXPECT_TRUE(Back->Functions[1].Calls[0].InTry);
  EXPECT_TRUE(Back->Candidates[0].EntryOnly);
  EXPECT_EQ(Back->Candidates[1].Callee, "c:@F@parse");
}

TEST(ProgramFactsTest, MalformedPayloadsAreRejected) {
  std::string Error;
  EXPECT_FALSE(fromJSON(llvm::json::Object{{"version", 1}}, Error));
  llvm::json::Value BadFile = llvm::json::Object{
      {"version", ProgramFactsVersion},
      {"files", llvm::json::Array{"a.c"}},
      {"functions", llvm::json::Array{llvm::json::Object{
                        {"id", "f"},
                        {"name", "f"},
                        {"at", llvm::json::Array{3, 0, 1, 1}}}}}};
  EXPECT_FALSE(fromJSON(BadFile, Error));
  EXPECT_EQ(Error, "malformed program facts");
}

TEST(ProgramLinkTest, VerdictByFileAndOffset) {
  TU Main("/src/main.c"), Config("/src/config.c");
  Main.fn("main");
  Config.fn("config_init");
  Main.call("main", "config_init");
  FactPos W = Config.access("config_init", "cfg", true);
  Config.unguarded("config_init", "cfg", W);
  ProgramLink Link;
  std::string Error;
  ASSERT_TRUE(Link.addTranslationUnit(toJSON(Main.Facts), Error)) << Error;
  ASSERT_TRUE(Link.addTranslationUnit(toJSON(Config.Facts), Error)) << Error;
  EXPECT_FALSE(Link.addTranslationUnit(llvm::json::Object{}, Error));
  Link.link();
  auto V = Link.verdict(
      {std::string(UnguardedSharedStateCheckName), "/src/config.c", W.Offset});
  ASSERT_TRUE(V);
  EXPECT_FALSE(V->Report);
  EXPECT_FALSE(Link.verdict({std::string(UnguardedSharedStateCheckName),
                             "/src/config.c", W.Offset + 1}));
  EXPECT_EQ(Link.statistics().TranslationUnits, 2u);
  EXPECT_EQ(Link.statistics().Candidates, 1u);
}

} // namespace
} // namespace loadcheck::model
