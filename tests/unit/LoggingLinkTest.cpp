//===--- LoggingLinkTest.cpp - the logging path of the program graph ------===//
//
// The logging-path fixpoint on hand-built facts: which functions run on
// behalf of a request handler or a thread entry, where the path stops (main,
// the program's own logger, a logging sink), and the verdict and notes on an
// unstructured-logging candidate; a template's facts taken from the TU that
// instantiates it.
//
//===----------------------------------------------------------------------===//
#include "tests/unit/HandBuiltFacts.h"

namespace loadcheck::model {
namespace {

using handbuilt::linked;
using handbuilt::TU;

std::string id(const std::string &Name) { return "c:@F@" + Name; }

/// Declares each function of \p Names in \p Unit.
void functions(TU &Unit, std::initializer_list<const char *> Names) {
  for (const char *Name : Names)
    Unit.fn(Name);
}

/// \p Name is a request handler (or, with \p Sink, the logging sink
/// installed with set_logger, which is also a handler).
void handler(TU &Unit, const std::string &Name, bool Sink = false) {
  Unit.Facts.Roots.push_back(
      {id(Name), Name, RootKind::Handler, Unit.at(), "per request"});
  if (!Sink)
    return;
  RootFact Installed{id(Name), Name, RootKind::Callback, Unit.at(), "callback"};
  Installed.LoggingSink = true;
  Unit.Facts.Roots.push_back(Installed);
}

CandidateFact candidate(TU &Unit, const std::string &In) {
  return TU::candidate(UnstructuredLoggingCheckName, In, Unit.at());
}

std::vector<std::string> messages(const LinkVerdict &V) {
  std::vector<std::string> Out;
  for (const LinkNote &N : V.Notes)
    Out.push_back(std::to_string(N.Line) + " " + N.Message);
  return Out;
}

TEST(LoggingLink, HandlerAndThreadEntryCalleesAreOnThePath) {
  TU Unit("src/app.c");
  functions(Unit,
            {"main", "on_user", "load_user", "dump_user", "worker", "report"});
  handler(Unit, "on_user");
  FactPos First = Unit.call("on_user", "load_user");
  FactPos Second = Unit.call("load_user", "dump_user");
  Unit.startThread("main", "worker");
  FactPos Started = Unit.Facts.Roots.back().At;
  FactPos FromWorker = Unit.callInLoop("worker", "report", 1);
  CandidateFact InHelper = candidate(Unit, "dump_user");
  CandidateFact InWorkerHelper = candidate(Unit, "report");
  ProgramGraph G = linked({&Unit});
  for (const char *Name :
       {"on_user", "load_user", "dump_user", "worker", "report"})
    EXPECT_TRUE(G.isOnLoggingPath(id(Name))) << Name;
  EXPECT_FALSE(G.isOnLoggingPath(id("main")));
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
  TU Unit("src/app.c");
  functions(Unit,
            {"main", "print_usage", "print_row", "print_cell", "exported"});
  Unit.call("main", "print_usage");
  Unit.callInLoop("main", "print_row", 1);
  Unit.call("print_row", "print_cell");
  CandidateFact InLoop = candidate(Unit, "print_cell");
  ProgramGraph G = linked({&Unit});
  for (const char *Name :
       {"main", "print_usage", "print_row", "print_cell", "exported"})
    EXPECT_FALSE(G.isOnLoggingPath(id(Name))) << Name;
  std::optional<LinkVerdict> V = G.judge(InLoop);
  ASSERT_TRUE(V);
  EXPECT_FALSE(V->Report);
}

TEST(LoggingLink, ThePathStopsAtTheLoggerAndAtTheLoggingSink) {
  TU Unit("src/app.c");
  functions(Unit, {"on_order", "log_msg", "emit_line", "access_log",
                   "write_access", "format_time"});
  handler(Unit, "on_order");
  Unit.call("on_order", "log_msg");
  Unit.get("log_msg").Logger = true;
  Unit.call("log_msg", "emit_line");
  handler(Unit, "access_log", /*Sink=*/true);
  Unit.call("access_log", "write_access");
  // A helper both the logger and a handler call is on the path.
  Unit.call("log_msg", "format_time");
  Unit.call("on_order", "format_time");
  CandidateFact InSinkHelper = candidate(Unit, "write_access");
  ProgramGraph G = linked({&Unit});
  EXPECT_TRUE(G.isOnLoggingPath(id("on_order")));
  for (const char *Name :
       {"log_msg", "emit_line", "access_log", "write_access"})
    EXPECT_FALSE(G.isOnLoggingPath(id(Name))) << Name;
  EXPECT_TRUE(G.isOnLoggingPath(id("format_time")));
  std::optional<LinkVerdict> V = G.judge(InSinkHelper);
  ASSERT_TRUE(V);
  EXPECT_FALSE(V->Report);
}

TEST(LoggingLink, ATemplatesFactsComeFromTheTUWithTheMostCalls) {
  // The first TU sees the pool's run() uninstantiated: its call of
  // process() is dependent and not there. The second instantiates it.
  TU Pattern("src/pool.h");
  functions(Pattern, {"main", "worker", "run"});
  Pattern.startThread("main", "worker");
  Pattern.call("worker", "run");
  TU Instance = Pattern;
  functions(Instance, {"process", "close_conn"});
  Instance.call("run", "process");
  Instance.call("process", "close_conn");
  ProgramGraph G = linked({&Pattern, &Instance, &Pattern});
  EXPECT_TRUE(G.isOnLoggingPath(id("close_conn")));
  // The third TU does not take the calls away.
  EXPECT_EQ(G.statistics().Calls, 3u);
}

} // namespace
} // namespace loadcheck::model
