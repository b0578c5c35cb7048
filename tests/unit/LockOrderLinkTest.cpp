//===--- LockOrderLinkTest.cpp - lock-order cycles and thread members -----===//
//
// Hand-built facts of two or three TUs, linked: the lock-order cycles
// (orders through calls, several levels down; recursion; one finding per
// cycle at its last candidate place) and the verdict on thread members. Also
// the JSON round trip of their facts.
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

/// The hand-built TU with lock-order candidates and thread members.
struct TU : handbuilt::TU {
  using handbuilt::TU::TU;
  /// A candidate at \p At; its key, for the linked graph's copy.
  CandidateKey candidate(const std::string &In, FactPos At) {
    Facts.Candidates.push_back({std::string(LockOrderInversionCheckName), At,
                                "c:@F@" + In, "", "", ""});
    return {std::string(LockOrderInversionCheckName), Facts.Files[At.File],
            At.Offset};
  }
  void member(const std::string &In, const std::string &Field, bool Settled) {
    get(In).ThreadMembers.push_back(
        {"c:@S@Worker@FI@" + Field, Field, at(), Settled});
  }
};

/// Whether the graph reports the candidate at \p Key.
bool reported(const ProgramGraph &G, const CandidateKey &Key) {
  const CandidateFact *C = G.candidate(Key);
  EXPECT_TRUE(C) << Key.File << ":" << Key.Offset;
  return C && G.judge(*C)->Report;
}

/// The verdict on the candidate at \p Key.
std::optional<LinkVerdict> verdict(const ProgramGraph &G,
                                   const CandidateKey &Key) {
  const CandidateFact *C = G.candidate(Key);
  return C ? G.judge(*C) : std::nullopt;
}

TEST(LockOrderLinkTest, OppositeOrdersInTwoTUsAreOneCycleAtTheLastPlace) {
  TU A("a.c"), B("b.c");
  A.fn("get");
  A.acquire("get", "cache");
  FactPos First = A.acquire("get", "stats", {lock("cache")});
  B.fn("dump");
  B.acquire("dump", "stats");
  FactPos Last = B.acquire("dump", "cache", {lock("stats")});
  CandidateKey Early = A.candidate("get", First);
  CandidateKey Late = B.candidate("dump", Last);
  ProgramGraph G = linked({&A, &B});
  EXPECT_FALSE(reported(G, Early));
  std::optional<LinkVerdict> V = verdict(G, Late);
  ASSERT_TRUE(V && V->Report);
  ASSERT_EQ(V->Notes.size(), 1u);
  EXPECT_EQ(V->Notes[0].File, "a.c");
  EXPECT_EQ(V->Notes[0].Message,
            "'stats' acquired while holding 'cache' in 'get'");
}

TEST(LockOrderLinkTest, OrdersThroughCallsSeveralLevelsDown) {
  // handler holds queue and calls flush -> write_log, which takes log;
  // rotate holds log and takes queue.
  TU A("a.c"), B("b.c"), C("c.c");
  A.fn("handler");
  FactPos Call = A.call("handler", "flush", {lock("queue")});
  B.fn("flush");
  B.fn("write_log");
  B.call("flush", "write_log");
  B.acquire("write_log", "log");
  C.fn("rotate");
  FactPos Taken = C.acquire("rotate", "queue", {lock("log")});
  CandidateKey AtCall = A.candidate("handler", Call);
  CandidateKey AtTaken = C.candidate("rotate", Taken);
  ProgramGraph G = linked({&A, &B, &C});
  EXPECT_FALSE(reported(G, AtCall));
  std::optional<LinkVerdict> V = verdict(G, AtTaken);
  ASSERT_TRUE(V && V->Report);
  std::vector<std::string> Notes;
  for (const LinkNote &N : V->Notes)
    Notes.push_back(N.File + " " + N.Message);
  EXPECT_EQ(Notes, (std::vector<std::string>{
                       "a.c 'handler' calls 'flush' holding 'queue', which "
                       "acquires 'log'",
                       "b.c 'log' acquired here in 'write_log'"}));
}

TEST(LockOrderLinkTest, ThreeLocksInACircleAreOneCycle) {
  TU A("a.c");
  A.fn("x");
  A.fn("y");
  A.fn("z");
  CandidateKey X = A.candidate("x", A.acquire("x", "m2", {lock("m1")}));
  CandidateKey Y = A.candidate("y", A.acquire("y", "m3", {lock("m2")}));
  CandidateKey Z = A.candidate("z", A.acquire("z", "m1", {lock("m3")}));
  ProgramGraph G = linked({&A});
  EXPECT_FALSE(reported(G, X));
  EXPECT_FALSE(reported(G, Y));
  std::optional<LinkVerdict> V = verdict(G, Z);
  ASSERT_TRUE(V && V->Report);
  EXPECT_EQ(V->Notes.size(), 2u);
}

TEST(LockOrderLinkTest, SameOrderAndRecursionMakeNoCycle) {
  TU A("a.c"), B("b.c");
  A.fn("f");
  A.fn("g");
  A.fn("take_outer");
  A.acquire("take_outer", "outer");
  CandidateKey F = A.candidate("f", A.acquire("f", "inner", {lock("outer")}));
  // g holds outer and calls a function that takes outer again.
  CandidateKey G1 =
      A.candidate("g", A.call("g", "take_outer", {lock("outer")}));
  B.fn("h");
  CandidateKey H = B.candidate("h", B.acquire("h", "inner", {lock("outer")}));
  ProgramGraph G = linked({&A, &B});
  EXPECT_FALSE(reported(G, F));
  EXPECT_FALSE(reported(G, G1));
  EXPECT_FALSE(reported(G, H));
}

/// main starts `worker` (in a loop when \p Pool); the worker calls `ab`,
/// which takes a then b, and `ba`, which takes b then a.
bool bothOrdersOnWorkers(bool Pool) {
  TU A("main.c");
  A.fn("main").IsMain = true;
  A.fn("worker");
  A.fn("ab");
  A.fn("ba");
  A.startThread("main", "worker", Pool ? 1 : 0);
  A.call("worker", "ab");
  A.call("worker", "ba");
  A.candidate("ab", A.acquire("ab", "b", {lock("a")}));
  CandidateKey Last = A.candidate("ba", A.acquire("ba", "a", {lock("b")}));
  return reported(linked({&A}), Last);
}

TEST(LockOrderLinkTest, BothOrdersOnOneThreadStartedOnceCannotDeadlock) {
  EXPECT_FALSE(bothOrdersOnWorkers(/*Pool=*/false));
  EXPECT_TRUE(bothOrdersOnWorkers(/*Pool=*/true));
}

/// The maintenance thread pauses everything: it takes `crawler`, then
/// `workers`. main's shutdown takes `workers`, then stops the crawler
/// (`crawler` again): after \p Joined, where the maintenance thread's
/// handle is joined (none, before the shutdown's locks, after them, or
/// another handle's).
enum class Join { None, Before, After, OtherHandle };
bool shutdownReported(Join Joined) {
  TU A("thread.c"), B("assoc.c");
  A.fn("main").IsMain = true;
  B.fn("maintenance");
  B.fn("pause_all");
  B.fn("stop_maintenance");
  A.fn("stop_all");
  A.fn("stop_crawler");
  A.startThread("main", "maintenance", 0, "maint_tid");
  B.call("maintenance", "pause_all");
  B.candidate("pause_all",
              B.acquire("pause_all", "workers", {lock("crawler")}));
  B.join("stop_maintenance",
         Joined == Join::OtherHandle ? "crawler_tid" : "maint_tid");
  A.call("main", "stop_all");
  if (Joined != Join::None && Joined != Join::After)
    A.call("stop_all", "stop_maintenance");
  A.acquire("stop_all", "workers");
  CandidateKey Last = A.candidate(
      "stop_all", A.call("stop_all", "stop_crawler", {lock("workers")}));
  if (Joined == Join::After)
    A.call("stop_all", "stop_maintenance");
  A.acquire("stop_crawler", "crawler");
  return reported(linked({&A, &B}), Last);
}

TEST(LockOrderLinkTest,
     OrdersOfAThreadJoinedBeforeTheOtherOrderCannotDeadlock) {
  EXPECT_FALSE(shutdownReported(Join::Before));
  EXPECT_TRUE(shutdownReported(Join::None));
  EXPECT_TRUE(shutdownReported(Join::After));
  EXPECT_TRUE(shutdownReported(Join::OtherHandle));
}

/// Three locks in a circle: `first` takes m2 holding m1 and `second` m3
/// holding m2, both on thread `one`; thread `two` takes m1 holding m3.
bool circleOverTwoThreads(bool OnePool) {
  TU A("main.c");
  A.fn("main").IsMain = true;
  for (const char *F : {"one", "two", "first", "second", "third"})
    A.fn(F);
  A.startThread("main", "one", OnePool ? 1 : 0);
  A.startThread("main", "two");
  A.call("one", "first");
  A.call("one", "second");
  A.call("two", "third");
  A.candidate("first", A.acquire("first", "m2", {lock("m1")}));
  A.candidate("second", A.acquire("second", "m3", {lock("m2")}));
  CandidateKey Last =
      A.candidate("third", A.acquire("third", "m1", {lock("m3")}));
  return reported(linked({&A}), Last);
}

TEST(LockOrderLinkTest, ACycleOfThreeLocksNeedsThreeThreadsAtOnce) {
  EXPECT_FALSE(circleOverTwoThreads(/*OnePool=*/false));
  EXPECT_TRUE(circleOverTwoThreads(/*OnePool=*/true));
}

/// `destroy` holds queue and calls `unlink`, which takes pool (in
/// `pool_destroy`); `take` takes queue holding pool. \p Releases: unlink
/// unlocks the caller's queue lock first. `create` calls unlink on its
/// error path with no lock held, so queue is no lock held on unlink's entry
/// (a lock every caller holds is passed on to unlink's callees, (c), even
/// when unlink releases it).
bool unlinkReported(bool Releases) {
  TU A("queue.c"), B("pool.c");
  A.fn("destroy");
  A.fn("create");
  A.fn("unlink");
  A.call("create", "unlink");
  B.fn("pool_destroy");
  B.fn("take");
  if (Releases)
    A.get("unlink").Releases.push_back(lock("queue"));
  CandidateKey Call =
      A.candidate("destroy", A.call("destroy", "unlink", {lock("queue")}));
  A.call("unlink", "pool_destroy");
  B.acquire("pool_destroy", "pool");
  CandidateKey Take =
      B.candidate("take", B.acquire("take", "queue", {lock("pool")}));
  ProgramGraph G = linked({&A, &B});
  return reported(G, Call) || reported(G, Take);
}

TEST(LockOrderLinkTest, CalleeThatReleasesTheCallersLockOrdersNothing) {
  EXPECT_FALSE(unlinkReported(/*Releases=*/true));
  EXPECT_TRUE(unlinkReported(/*Releases=*/false));
}

CandidateFact memberCandidate(const std::string &Field) {
  return {std::string(UnjoinedThreadCheckName),
          FactPos{},
          "",
          "c:@S@Worker@FI@" + Field,
          Field,
          ""};
}

TEST(LockOrderLinkTest, ThreadMemberStartedAndNeverSettledIsReported) {
  TU A("worker.cpp"), B("shutdown.cpp");
  A.fn("Worker::start");
  A.member("Worker::start", "thread_", /*Settled=*/false);
  A.member("Worker::start", "joined_", /*Settled=*/false);
  A.fn("Worker::idle");
  B.fn("Worker::stop");
  B.member("Worker::stop", "joined_", /*Settled=*/true);
  ProgramGraph G = linked({&A, &B});
  std::optional<LinkVerdict> V = G.judge(memberCandidate("thread_"));
  ASSERT_TRUE(V && V->Report);
  ASSERT_EQ(V->Notes.size(), 1u);
  EXPECT_EQ(V->Notes[0].File, "worker.cpp");
  EXPECT_FALSE(G.judge(memberCandidate("joined_"))->Report);
  EXPECT_FALSE(G.judge(memberCandidate("never_started_"))->Report);
}

TEST(LockOrderLinkTest, AcquisitionsAndThreadMembersSurviveJSON) {
  TU A("a.c");
  A.fn("f");
  A.acquire("f", "inner", {lock("outer")});
  A.member("f", "thread_", true);
  std::string Error;
  std::optional<TUFacts> Back = fromJSON(toJSON(A.Facts), Error);
  ASSERT_TRUE(Back) << Error;
  EXPECT_EQ(llvm::json::Value(toJSON(*Back)), toJSON(A.Facts));
  ASSERT_EQ(Back->Functions[0].Acquisitions.size(), 1u);
  EXPECT_EQ(Back->Functions[0].Acquisitions[0].Held.front().Name, "outer");
  ASSERT_EQ(Back->Functions[0].ThreadMembers.size(), 1u);
  EXPECT_TRUE(Back->Functions[0].ThreadMembers[0].Settled);
}

} // namespace
} // namespace loadcheck::model
