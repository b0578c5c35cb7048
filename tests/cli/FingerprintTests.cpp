//===--- FingerprintTests.cpp - baselines keep their findings -------------===//
//
// The enclosing function of a finding comes from the AST in the worker: it
// names the finding in JSON and takes part in its fingerprint, so baselines
// and code-scanning alerts stay attached to it. Baselines of version 1 (the
// function found by counting braces) are still matched.
//
//===----------------------------------------------------------------------===//
#include "tests/Artifacts.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"

#include "llvm/Support/JSON.h"
#include <gtest/gtest.h>
#include <map>

namespace loadcheck::testing {
namespace {

namespace json = llvm::json;

const char *const PoolHeader = R"(#pragma once
#include <thread>
inline void work() {}
namespace svc {
struct Pool {
  void grow() {
    std::thread t(work);
    t.detach();
  }
};
} // namespace svc
)";

// A brace counter sees both `loop` lines and puts every later finding in
// `loop`; `struct sockaddr_in` hid bindAddress from it.
const char *const Server = R"(#include "pool.h"
#include <netinet/in.h>
#ifdef USE_EPOLL
static void loop() {
#else
static void loop(int) {
#endif
  std::thread t(work);
  t.detach();
}
struct sockaddr_in bindAddress() {
  std::thread t(work);
  t.detach();
  return {};
}
namespace svc {
class Server {
public:
  void start() {
    auto spawn = [] {
      std::thread t(work);
      t.detach();
    };
    spawn();
    struct Local {
      static void run() {
        std::thread t(work);
        t.detach();
      }
    };
    Local::run();
  }
};
} // namespace svc
)";

/// The baseline loadcheck wrote for this project before version 2 (its
/// fingerprints do not depend on where the project is).
const char *const VersionOneBaseline = R"({
  "findings": [
    {"check": "loadcheck-detached-thread", "file": "inc/pool.h",
     "fingerprint": "951ecc7365d0dce4", "function": "grow", "line": 8},
    {"check": "loadcheck-detached-thread", "file": "src/server.cpp",
     "fingerprint": "6b885b5ebbf14b66", "function": "loop", "line": 9},
    {"check": "loadcheck-detached-thread", "file": "src/server.cpp",
     "fingerprint": "a93dd46889c7d836", "function": "loop", "line": 13},
    {"check": "loadcheck-detached-thread", "file": "src/server.cpp",
     "fingerprint": "e571d10f3f4194a1", "function": "loop", "line": 22},
    {"check": "loadcheck-detached-thread", "file": "src/server.cpp",
     "fingerprint": "8159af90202e6c62", "function": "loop", "line": 28}
  ],
  "tool": "loadcheck",
  "version": 1
}
)";

FileMap project() {
  return {{"inc/pool.h", PoolHeader},
          {"src/server.cpp", Server},
          {".clang-tidy", "HeaderFilterRegex: 'inc/'\n"},
          {"build/compile_commands.json",
           compileDatabase({"src/server.cpp"}, "-std=c++20 -I@DIR@/inc")}};
}

ProcessResult run(const Workspace &Dir, std::vector<std::string> Args) {
  Args.insert(Args.begin(), {"--root=" + Dir.path(), "-p", "build",
                             "--checks=-*,loadcheck-detached-thread"});
  return runProcess(LOADCHECK_BINARY, Args, Dir.path(), "-u NO_COLOR");
}

/// function per line of a JSON report, and the fingerprints in order.
struct Report {
  std::map<int64_t, std::string> Functions;
  std::vector<std::string> Fingerprints;
};

Report readReport(const std::string &Text) {
  Report R;
  auto V = json::parse(Text);
  if (!V) {
    ADD_FAILURE() << llvm::toString(V.takeError()) << Text;
    return R;
  }
  const json::Array *Findings = V->getAsObject()->getArray("findings");
  for (const json::Value &F : *Findings) {
    const json::Object *O = F.getAsObject();
    R.Functions[*O->getInteger("line")] = O->getString("function")->str();
    R.Fingerprints.push_back(O->getString("fingerprint")->str());
  }
  return R;
}

TEST(Fingerprint, FunctionsComeFromTheAst) {
  Workspace Dir(project());
  ProcessResult Run = run(Dir, {"--format=json"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  Report R = readReport(Run.Out);
  std::map<int64_t, std::string> Expected = {
      {8, "svc::Pool::grow"},                 // in a header
      {9, "loop"},                            // after an #ifdef/#else pair
      {13, "bindAddress"},                    // returns struct sockaddr_in
      {22, "svc::Server::start::(lambda)"},   // a lambda
      {28, "svc::Server::start::Local::run"}, // a method of a local class
  };
  EXPECT_EQ(R.Functions, Expected);
}

TEST(Fingerprint, EditingAnInactiveBranchKeepsEveryFingerprint) {
  Workspace Dir(project());
  Report Before = readReport(run(Dir, {"--format=json"}).Out);
  std::string Edited = Server;
  Edited.replace(Edited.find("static void loop() {"), 20,
                 "static void loop(long fd) {");
  Dir.write("src/server.cpp", Edited);
  Report After = readReport(run(Dir, {"--format=json"}).Out);
  ASSERT_EQ(Before.Fingerprints.size(), 5u);
  EXPECT_EQ(Before.Fingerprints, After.Fingerprints);
}

TEST(Baseline, WritingOneExitsZeroAndGoneFindingsAreCounted) {
  Workspace Dir(project());
  ProcessResult Write = run(Dir, {"--write-baseline", "baseline.json"});
  EXPECT_EQ(Write.ExitCode, 0) << Write.Err;
  auto V = json::parse(Dir.read("baseline.json"));
  ASSERT_TRUE(bool(V));
  EXPECT_EQ(V->getAsObject()->getInteger("version"), 2);
  EXPECT_EQ(V->getAsObject()->getArray("findings")->size(), 5u);

  ProcessResult Same = run(Dir, {"--baseline", "baseline.json"});
  EXPECT_EQ(Same.ExitCode, 0) << Same.Err;
  EXPECT_NE(Same.Err.find("; 5 known from the baseline, 0 gone since it was "
                          "written"),
            std::string::npos)
      << Same.Err;

  // Two findings fixed, one new: the new one is reported, two are gone.
  std::string Fixed = Server;
  for (int I = 0; I < 2; ++I)
    Fixed.replace(Fixed.find("t.detach();"), 11, "t.join();");
  Fixed += "void fresh() {\n  std::thread n(work);\n  n.detach();\n}\n";
  Dir.write("src/server.cpp", Fixed);
  ProcessResult Later = run(Dir, {"--baseline", "baseline.json"});
  EXPECT_EQ(Later.ExitCode, 1) << Later.Err;
  EXPECT_NE(Later.Out.find("thread 'n' is detached"), std::string::npos)
      << Later.Out;
  EXPECT_NE(Later.Err.find("; 3 known from the baseline, 2 gone since it was "
                           "written"),
            std::string::npos)
      << Later.Err;
}

TEST(Baseline, VersionOneStillMatchesWithAnUpgradeWarning) {
  Workspace Dir(project());
  Dir.write("old.json", VersionOneBaseline);
  ProcessResult Run = run(Dir, {"--baseline", "old.json"});
  EXPECT_EQ(Run.ExitCode, 0) << Run.Out << Run.Err;
  EXPECT_EQ(Run.Out, "");
  EXPECT_NE(Run.Err.find("warning: baseline 'old.json' is of version 1, "
                         "whose fingerprints found functions by counting "
                         "braces; it is still matched that way: rewrite it "
                         "with --write-baseline"),
            std::string::npos)
      << Run.Err;
  EXPECT_NE(Run.Err.find("5 known from the baseline, 0 gone"),
            std::string::npos)
      << Run.Err;
}

TEST(Baseline, UnknownVersionIsAUsageErrorThatSaysWhatToDo) {
  Workspace Dir(project());
  Dir.write("future.json", R"({"version": 9, "findings": []})");
  ProcessResult Run = run(Dir, {"--baseline", "future.json"});
  EXPECT_EQ(Run.ExitCode, 2);
  EXPECT_NE(Run.Err.find("baseline 'future.json' is of version 9, which this "
                         "loadcheck does not read (1 to 2)"),
            std::string::npos)
      << Run.Err;
}

} // namespace
} // namespace loadcheck::testing
