//===--- ThroughCallsTest.cpp - may-block and SQL joins on hand-built facts
//===//
//
// The may-block fixpoint (ProgramGraph.h, (j)): the way down to a blocking
// call across TUs, cycles, calls that release the caller's lock; and the
// verdicts on blocking-under-lock and sql-concatenation candidates, with
// the JSON round trip of the facts they use.
//
//===----------------------------------------------------------------------===//
#include "checks/model/ProgramGraph.h"
#include "checks/model/ProgramLink.h"
#include "tests/unit/HandBuiltFacts.h"

#include <gtest/gtest.h>

namespace loadcheck::model {
namespace {

using handbuilt::lock;
using handbuilt::TU;

TEST(MayBlock, WayDownToTheBlockingCallAcrossFiles) {
  TU Net("net.c"), Server("server.c");
  FunctionFacts &SendAll = Net.fn("send_all");
  Net.blocks(SendAll, "poll");
  FunctionFacts &Reply = Net.fn("reply");
  Net.call(Reply, "send_all");
  Net.fn("count_items");
  FunctionFacts &Broadcast = Server.fn("broadcast");
  FactPos Blocking = Server.call(Broadcast, "reply", {lock("mu")});
  FactPos Quiet = Server.call(Broadcast, "count_items", {lock("mu")});
  Server.Facts.Candidates = {
      Server.candidate(BlockingUnderLockCheckName, "broadcast", Blocking),
      Server.candidate(BlockingUnderLockCheckName, "broadcast", Quiet)};
  ProgramGraph G;
  G.add(Net.Facts);
  G.add(Server.Facts);
  G.link();

  std::vector<ProgramGraph::BlockingStep> Path = G.blockingPath("c:@F@reply");
  ASSERT_EQ(Path.size(), 2u);
  EXPECT_EQ(Path[0].Function, "c:@F@reply");
  EXPECT_EQ(Path[0].Callee, "send_all");
  EXPECT_EQ(Path[1].Function, "c:@F@send_all");
  EXPECT_EQ(Path[1].Callee, "poll");
  EXPECT_TRUE(G.blockingPath("c:@F@count_items").empty());
  EXPECT_TRUE(G.blockingPath("c:@F@broadcast").size() == 3);

  // The graph's own candidates: their places in its file table.
  const CandidateFact *Call = G.candidate(
      {std::string(BlockingUnderLockCheckName), "server.c", Blocking.Offset});
  const CandidateFact *QuietCall = G.candidate(
      {std::string(BlockingUnderLockCheckName), "server.c", Quiet.Offset});
  ASSERT_TRUE(Call && QuietCall);
  std::optional<LinkVerdict> Kept = G.judge(*Call);
  ASSERT_TRUE(Kept);
  EXPECT_TRUE(Kept->Report);
  ASSERT_EQ(Kept->Notes.size(), 2u);
  EXPECT_EQ(Kept->Notes[0].File, "net.c");
  EXPECT_EQ(Kept->Notes[0].Message, "'reply' calls 'send_all' here");
  EXPECT_EQ(Kept->Notes[1].Message, "'send_all' calls 'poll' here");
  std::optional<LinkVerdict> Dropped = G.judge(*QuietCall);
  ASSERT_TRUE(Dropped);
  EXPECT_FALSE(Dropped->Report);
}

TEST(MayBlock, CyclesEndAndShortestWayIsKept) {
  TU T("a.c");
  FunctionFacts &Ping = T.fn("ping");
  T.call(Ping, "pong");
  FunctionFacts &Pong = T.fn("pong");
  T.call(Pong, "ping");
  FunctionFacts &Direct = T.fn("direct");
  T.call(Direct, "ping");
  T.call(Direct, "io");
  FunctionFacts &Io = T.fn("io");
  T.blocks(Io, "recv");
  ProgramGraph G;
  G.add(T.Facts);
  G.link();
  EXPECT_TRUE(G.blockingPath("c:@F@ping").empty());
  EXPECT_TRUE(G.blockingPath("c:@F@pong").empty());
  ASSERT_EQ(G.blockingPath("c:@F@direct").size(), 2u);
  EXPECT_EQ(G.blockingPath("c:@F@direct")[0].Callee, "io");
}

TEST(MayBlock, HelperThatReleasesTheCallersLockFirstIsNotReported) {
  TU T("a.c");
  FunctionFacts &Backoff = T.fn("unlock_and_back_off");
  Backoff.Releases = {lock("mu")};
  T.blocks(Backoff, "usleep");
  FunctionFacts &Retry = T.fn("retry");
  FactPos At = T.call(Retry, "unlock_and_back_off", {lock("mu")});
  FunctionFacts &Other = T.fn("other");
  FactPos Held = T.call(Other, "unlock_and_back_off", {lock("mu"), lock("nu")});
  ProgramGraph G;
  G.add(T.Facts);
  G.link();
  EXPECT_FALSE(
      G.judge(T.candidate(BlockingUnderLockCheckName, "retry", At))->Report);
  // `nu` stays held while it sleeps.
  EXPECT_TRUE(
      G.judge(T.candidate(BlockingUnderLockCheckName, "other", Held))->Report);
}

TEST(SqlJoins, HelperResultAndMemberAcrossFiles) {
  TU Queries("queries.cpp"), Users("users.cpp");
  FunctionFacts &Build = Queries.fn("build_query");
  Build.Joins.push_back({"", "name", Queries.at()});
  Queries.fn("constant_query");
  FunctionFacts &Prepare = Queries.fn("Store::prepare");
  Prepare.Joins.push_back({"c:@S@Store@FI@m_sql", "", Queries.at()});
  Users.fn("run");
  auto Candidate = [&](const std::string &Source) {
    CandidateFact C =
        Users.candidate(SqlConcatenationCheckName, "run", Users.at());
    C.Source = Source;
    return C;
  };
  // Through the JSON codec, as the worker ships them.
  std::string Error;
  std::optional<TUFacts> Shipped = fromJSON(toJSON(Queries.Facts), Error);
  ASSERT_TRUE(Shipped) << Error;
  ASSERT_EQ(Shipped->Functions[0].Joins.size(), 1u);
  EXPECT_EQ(Shipped->Functions[0].Joins[0].Part, "name");
  EXPECT_EQ(Shipped->Functions[2].Joins[0].Member, "c:@S@Store@FI@m_sql");
  Users.Facts.Candidates = {Candidate("c:@F@build_query")};
  std::optional<TUFacts> Candidates = fromJSON(toJSON(Users.Facts), Error);
  ASSERT_TRUE(Candidates) << Error;
  EXPECT_EQ(Candidates->Candidates[0].Source, "c:@F@build_query");

  ProgramGraph G;
  G.add(*Shipped);
  G.add(Users.Facts);
  G.link();
  std::optional<LinkVerdict> Helper = G.judge(Candidate("c:@F@build_query"));
  ASSERT_TRUE(Helper);
  EXPECT_TRUE(Helper->Report);
  ASSERT_EQ(Helper->Notes.size(), 1u);
  EXPECT_EQ(Helper->Notes[0].File, "queries.cpp");
  EXPECT_EQ(Helper->Notes[0].Message,
            "'name' is joined into the query in 'build_query' here");
  std::optional<LinkVerdict> Member = G.judge(Candidate("c:@S@Store@FI@m_sql"));
  ASSERT_TRUE(Member);
  EXPECT_TRUE(Member->Report);
  EXPECT_EQ(Member->Notes[0].Message,
            "a run-time value is joined into the query in 'Store::prepare' "
            "here");
  EXPECT_FALSE(G.judge(Candidate("c:@F@constant_query"))->Report);
  EXPECT_FALSE(G.judge(Candidate("c:@S@Store@FI@m_other"))->Report);
  EXPECT_FALSE(G.judge(Candidate("c:@F@elsewhere"))->Report);
}

} // namespace
} // namespace loadcheck::model
