//===--- TraversalScopeTests.cpp - the driver walks only the user's code --===//
//
// The driver restricts the checks' AST traversal to the top-level
// declarations outside system headers (tool/run/TidyRunner.cpp). These cases
// pin what must not change: findings in user headers (inline functions and
// templates instantiated from the main file) stay, whatever directory the
// header is in; only an -isystem header is left out, as it always was.
//
//===----------------------------------------------------------------------===//
#include "tests/Artifacts.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"

#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

// The same code as a user header and as a library header: an inline
// function and a template, both detaching a thread.
const char *DetachingHeader = R"(#include <thread>
inline void fireAndForget() {
  std::thread T([] {});
  T.detach();
}
template <class F> void spawnDetached(F Work) {
  std::thread T(Work);
  T.detach();
}
)";

const char *Main = R"(#include "detaching.h"
#include <thread>
int main() {
  fireAndForget();
  spawnDetached([] {});
  std::thread T([] {});
  T.detach();
}
)";

struct ScopeCase {
  const char *Name;
  const char *IncludeFlag; // how the header's directory is passed
  std::vector<std::string> Expected;
  std::vector<std::string> Absent;
};

class TraversalScope : public ::testing::TestWithParam<ScopeCase> {};

TEST_P(TraversalScope, FindingsOfUserCodeStay) {
  const ScopeCase &C = GetParam();
  Workspace Dir({{"lib/detaching.h", DetachingHeader}, {"main.cpp", Main}});
  ProcessResult Run = runProcess(LOADCHECK_BINARY,
                                 {"--checks=-*,loadcheck-detached-thread",
                                  "--header-filter=.*", "main.cpp", "--",
                                  "-std=c++17", C.IncludeFlag, Dir.path("lib")},
                                 Dir.path(), "NO_COLOR=1");
  EXPECT_EQ(Run.ExitCode, 1) << Run.Out << Run.Err;
  for (const std::string &Line : C.Expected)
    EXPECT_NE(Run.Out.find(Line), std::string::npos)
        << "missing: " << Line << "\n"
        << Run.Out << Run.Err;
  for (const std::string &Line : C.Absent)
    EXPECT_EQ(Run.Out.find(Line), std::string::npos)
        << "unexpected: " << Line << "\n"
        << Run.Out;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TraversalScope,
    ::testing::Values(
        // A user header (-I): its inline function and the instantiated
        // template are reported, as the main file's own detach.
        ScopeCase{"UserHeader",
                  "-I",
                  {"lib/detaching.h:4:5: warning: thread 'T' is detached",
                   "lib/detaching.h:8:5: warning: thread 'T' is detached",
                   "main.cpp:7:5: warning: thread 'T' is detached"},
                  {}},
        // The same header as a library (-isystem): never reported; the main
        // file's own finding stays.
        ScopeCase{"SystemHeader",
                  "-isystem",
                  {"main.cpp:7:5: warning: thread 'T' is detached"},
                  {"detaching.h"}}),
    [](const ::testing::TestParamInfo<ScopeCase> &Info) {
      return Info.param.Name;
    });

} // namespace
} // namespace loadcheck::testing
