//===--- RequestPathLinkTest.cpp - the request path through calls ---------===//
//
// The request-path fixpoint of the program graph on hand-built facts: which
// functions run per request or per loop iteration because of their callers,
// and the verdict and notes on a client-per-request candidate.
//
//===----------------------------------------------------------------------===//
#include "checks/model/ProgramGraph.h"

#include <gtest/gtest.h>

namespace loadcheck::model {
namespace {

/// Functions of one file, each call at a new line.
struct Program {
  TUFacts Facts;
  unsigned Line = 1;
  Program() { Facts.Files.push_back("src/app.c"); }
  FactPos at() {
    ++Line;
    return FactPos{0, Line * 10, Line, 1};
  }
  static std::string id(const std::string &Name) { return "c:@F@" + Name; }
  FunctionFacts &fn(const std::string &Name) {
    for (FunctionFacts &F : Facts.Functions)
      if (F.Name == Name)
        return F;
    FunctionFacts F;
    F.Id = id(Name);
    F.Name = Name;
    F.At = at();
    F.IsMain = Name == "main";
    Facts.Functions.push_back(F);
    return Facts.Functions.back();
  }
  FactPos call(const std::string &From, const std::string &To,
               unsigned Loop = 0) {
    fn(To);
    FactPos P = at();
    CallFact C;
    C.Callee = id(To);
    C.CalleeName = To;
    C.At = P;
    C.Order = P.Offset;
    C.Loop = Loop;
    fn(From).Calls.push_back(C);
    return P;
  }
  void handler(const std::string &Name) {
    fn(Name);
    Facts.Roots.push_back(
        {id(Name), Name, RootKind::Handler, at(), "per request in 'x'"});
  }
  /// Adds a client-per-request candidate in \p In and links \p G.
  CandidateFact link(ProgramGraph &G, const std::string &In) {
    CandidateFact C;
    C.Check = ClientPerRequestCheckName.str();
    C.At = at();
    C.Function = id(In);
    Facts.Candidates.push_back(C);
    G.add(Facts);
    G.link();
    return C;
  }
};

std::vector<std::string> messages(const LinkVerdict &V) {
  std::vector<std::string> Out;
  for (const LinkNote &N : V.Notes)
    Out.push_back(std::to_string(N.Line) + " " + N.Message);
  return Out;
}

TEST(RequestPathLink, HandlerCalleesRunPerRequestTransitively) {
  Program P;
  P.handler("on_user");
  FactPos First = P.call("on_user", "load_user");
  FactPos Second = P.call("load_user", "fetch_json");
  P.call("main", "init");
  ProgramGraph G;
  CandidateFact C = P.link(G, "fetch_json");
  EXPECT_TRUE(G.isPerRequest(Program::id("on_user")));
  EXPECT_TRUE(G.isPerRequest(Program::id("load_user")));
  EXPECT_TRUE(G.isPerRequest(Program::id("fetch_json")));
  EXPECT_FALSE(G.isPerRequest(Program::id("init")));
  EXPECT_FALSE(G.isPerRequest(Program::id("main")));
  std::optional<LinkVerdict> V = G.judge(C);
  ASSERT_TRUE(V);
  EXPECT_TRUE(V->Report);
  EXPECT_EQ(messages(*V),
            (std::vector<std::string>{
                std::to_string(First.Line) +
                    " 'load_user' is called per request here, in handler "
                    "'on_user'",
                std::to_string(Second.Line) +
                    " 'fetch_json' is called from 'load_user' here"}));
}

TEST(RequestPathLink, ACallInALoopMakesItsCalleePerIteration) {
  Program P;
  FactPos InLoop = P.call("main", "refresh", /*Loop=*/1);
  P.call("refresh", "poll");
  ProgramGraph G;
  CandidateFact C = P.link(G, "poll");
  EXPECT_TRUE(G.isPerRequest(Program::id("poll")));
  EXPECT_FALSE(G.isPerRequest(Program::id("main")));
  std::optional<LinkVerdict> V = G.judge(C);
  ASSERT_TRUE(V && V->Report);
  EXPECT_EQ(messages(*V).front(),
            std::to_string(InLoop.Line) +
                " 'refresh' is called per iteration of a loop here");
}

TEST(RequestPathLink, StartupCallersAndNoCallersAreNotPerRequest) {
  Program P;
  P.call("main", "fetch_config");
  P.call("fetch_config", "fetch_json");
  P.fn("exported");
  ProgramGraph G;
  CandidateFact C = P.link(G, "fetch_json");
  EXPECT_FALSE(G.isPerRequest(Program::id("fetch_json")));
  EXPECT_FALSE(G.isPerRequest(Program::id("exported")));
  std::optional<LinkVerdict> V = G.judge(C);
  ASSERT_TRUE(V);
  EXPECT_FALSE(V->Report);
}

TEST(RequestPathLink, RecursionInALoopEndsAndOneLoopCallSuffices) {
  Program P;
  P.call("walk", "walk", /*Loop=*/1); // a recursive call is no seed
  P.call("main", "walk");
  P.handler("on_tree");
  P.call("on_tree", "walk");
  ProgramGraph G;
  CandidateFact C = P.link(G, "walk");
  EXPECT_TRUE(G.isPerRequest(Program::id("walk")));
  std::optional<LinkVerdict> V = G.judge(C);
  ASSERT_TRUE(V && V->Report);
  EXPECT_EQ(V->Notes.size(), 1u);
}

} // namespace
} // namespace loadcheck::model
