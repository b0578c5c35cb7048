//===--- LoggingLinkTest.cpp - the logging path of the program graph ------===//
//
// The logging-path fixpoint on hand-built facts: which functions run on
// behalf of a request handler or a thread entry, where the path stops (main,
// the program's own logger, a logging sink), and the verdict and notes on an
// unstructured-logging candidate; a template's facts taken from the TU that
// instantiates it.
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
  RootFact &root(const std::string &Name, RootKind Kind) {
    fn(Name);
    RootFact R;
    R.Function = id(Name);
    R.FunctionName = Name;
    R.Kind = Kind;
    R.At = at();
    Facts.Roots.push_back(R);
    return Facts.Roots.back();
  }
  CandidateFact candidate(const std::string &In) {
    CandidateFact C;
    C.Check = UnstructuredLoggingCheckName.str();
    C.At = at();
    C.Function = id(In);
    Facts.Candidates.push_back(C);
    return C;
  }
};

std::vector<std::string> messages(const LinkVerdict &V) {
  std::vector<std::string> Out;
  for (const LinkNote &N : V.Notes)
    Out.push_back(std::to_string(N.Line) + " " + N.Message);
  return Out;
}

TEST(LoggingLink, HandlerAndThreadEntryCalleesAreOnThePath) {
  Program P;
  P.root("on_user", RootKind::Handler);
  FactPos First = P.call("on_user", "load_user");
  FactPos Second = P.call("load_user", "dump_user");
  FactPos Started = P.root("worker", RootKind::ThreadEntry).At;
  FactPos FromWorker = P.call("worker", "report", /*Loop=*/1);
  CandidateFact InHelper = P.candidate("dump_user");
  CandidateFact InWorkerHelper = P.candidate("report");
  ProgramGraph G;
  G.add(P.Facts);
  G.link();
  EXPECT_TRUE(G.isOnLoggingPath(Program::id("on_user")));
  EXPECT_TRUE(G.isOnLoggingPath(Program::id("dump_user")));
  EXPECT_TRUE(G.isOnLoggingPath(Program::id("worker")));
  EXPECT_TRUE(G.isOnLoggingPath(Program::id("report")));
  std::optional<LinkVerdict> V = G.judge(InHelper);
  ASSERT_TRUE(V && V->Report);
  EXPECT_EQ(messages(*V),
            (std::vector<std::string>{
                std::to_string(First.Line) +
                    " 'load_user' is called per request here, in handler "
                    "'on_user'",
                std::to_string(Second.Line) +
                    " 'dump_user' is called from 'load_user' here"}));
  V = G.judge(InWorkerHelper);
  ASSERT_TRUE(V && V->Report);
  EXPECT_EQ(messages(*V), (std::vector<std::string>{
                              std::to_string(Started.Line) +
                                  " 'worker' runs on the thread started here",
                              std::to_string(FromWorker.Line) +
                                  " 'report' is called from 'worker' here"}));
}

TEST(LoggingLink, MainItsLoopsAndUncalledFunctionsAreNot) {
  Program P;
  P.call("main", "print_usage");
  P.call("main", "print_row", /*Loop=*/1);
  P.call("print_row", "print_cell");
  P.fn("exported");
  CandidateFact InLoop = P.candidate("print_cell");
  ProgramGraph G;
  G.add(P.Facts);
  G.link();
  for (const char *Name :
       {"main", "print_usage", "print_row", "print_cell", "exported"})
    EXPECT_FALSE(G.isOnLoggingPath(Program::id(Name))) << Name;
  std::optional<LinkVerdict> V = G.judge(InLoop);
  ASSERT_TRUE(V);
  EXPECT_FALSE(V->Report);
}

TEST(LoggingLink, ThePathStopsAtTheLoggerAndAtTheLoggingSink) {
  Program P;
  P.root("on_order", RootKind::Handler);
  P.call("on_order", "log_msg");
  P.fn("log_msg").Logger = true;
  P.call("log_msg", "emit_line");
  // The access-log callback is a handler (it takes the request) and the
  // sink installed with set_logger.
  P.root("access_log", RootKind::Handler);
  P.root("access_log", RootKind::Callback).LoggingSink = true;
  P.call("access_log", "write_access");
  // A helper both the logger and a handler call is on the path.
  P.call("log_msg", "format_time");
  P.call("on_order", "format_time");
  CandidateFact InSinkHelper = P.candidate("write_access");
  ProgramGraph G;
  G.add(P.Facts);
  G.link();
  EXPECT_TRUE(G.isOnLoggingPath(Program::id("on_order")));
  for (const char *Name :
       {"log_msg", "emit_line", "access_log", "write_access"})
    EXPECT_FALSE(G.isOnLoggingPath(Program::id(Name))) << Name;
  EXPECT_TRUE(G.isOnLoggingPath(Program::id("format_time")));
  std::optional<LinkVerdict> V = G.judge(InSinkHelper);
  ASSERT_TRUE(V);
  EXPECT_FALSE(V->Report);
}

TEST(LoggingLink, ATemplatesFactsComeFromTheTUWithTheMostCalls) {
  // The first TU sees the pool's run() uninstantiated: its call of
  // process() is dependent and not there. The second instantiates it.
  Program Pattern;
  Pattern.root("worker", RootKind::ThreadEntry);
  Pattern.call("worker", "run");
  Program Instance = Pattern;
  Instance.call("run", "process");
  Instance.call("process", "close_conn");
  ProgramGraph G;
  G.add(Pattern.Facts);
  G.add(Instance.Facts);
  G.add(Pattern.Facts); // a third TU does not take the calls away
  G.link();
  EXPECT_TRUE(G.isOnLoggingPath(Program::id("close_conn")));
  EXPECT_EQ(G.statistics().Calls, 3u);
}

} // namespace
} // namespace loadcheck::model
