//===--- ThreadLifecycleOptionsTests.cpp - options of the thread checks ---===//
//
// The options of unbounded-thread-spawn, thread-exception-escape and the
// request-path model, set through a .clang-tidy file as users set them, and
// run through the real loadcheck binary. Each case runs one source file with
// and without its CheckOptions and compares the findings.
//
//===----------------------------------------------------------------------===//
#include "tests/Artifacts.h"
#include "tests/harness/FixtureRunner.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

const char *const Source = R"cpp(#include <stdexcept>
#include <thread>
#include <vector>
namespace app { struct Req {}; }
struct ParseError : std::runtime_error { using std::runtime_error::runtime_error; };
void work();
void eightShards() {
  std::vector<std::thread> v;
  for (int i = 0; i < 8; ++i)
    v.emplace_back(work);
  for (auto &t : v) t.join();
}
void byLanes(int lanes, int worker_count) {
  std::vector<std::thread> v;
  for (int i = 0; i < lanes; ++i)
    v.emplace_back(work);
  for (int i = 0; i < worker_count; ++i)
    v.emplace_back(work);
  for (auto &t : v) t.join();
}
void handleOrder() { std::thread(work).join(); }
void custom(app::Req *) { std::thread(work).join(); }
void throwing() {
  std::thread t([] { throw ParseError("bad"); });
  t.join();
}
)cpp";

struct Case {
  const char *Name;
  const char *Check;
  const char *Options; ///< CheckOptions lines of .clang-tidy
  std::vector<std::string> WithoutOptions, WithOptions; ///< "line:col"
};

/// The "line:col" of every warning of \p Out.
std::vector<std::string> warningSites(const std::string &Out) {
  std::vector<std::string> Sites;
  llvm::SmallVector<llvm::StringRef> Lines;
  llvm::StringRef(Out).split(Lines, '\n');
  for (llvm::StringRef L : Lines) {
    size_t W = L.find(": warning: ");
    if (W == llvm::StringRef::npos)
      continue;
    llvm::StringRef Loc = L.take_front(W); // path:line:col
    size_t Col = Loc.rfind(':'), Line = Loc.rfind(':', Col - 1);
    Sites.push_back(Loc.drop_front(Line + 1).str());
  }
  return Sites;
}

std::vector<std::string> run(const Case &C, bool WithOptions) {
  llvm::SmallString<128> Dir;
  EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("loadcheck-opts", Dir));
  auto Write = [&](const char *Name, const std::string &Text) {
    llvm::SmallString<128> Path(Dir);
    llvm::sys::path::append(Path, Name);
    std::error_code EC;
    llvm::raw_fd_ostream OS(Path, EC);
    EXPECT_FALSE(EC);
    OS << Text;
  };
  Write("a.cpp", Source);
  std::string Config = std::string("Checks: '-*,") + C.Check + "'\n";
  if (WithOptions)
    Config += std::string("CheckOptions:\n") + C.Options;
  Write(".clang-tidy", Config);
  ProcessResult R =
      runProcess(LOADCHECK_BINARY, {"-q", "a.cpp", "--", "-std=c++20"},
                 Dir.str().str(), "-u NO_COLOR");
  EXPECT_LE(R.ExitCode, 1) << R.Err;
  llvm::sys::fs::remove_directories(Dir);
  return warningSites(R.Out);
}

class ThreadLifecycleOptions : public ::testing::TestWithParam<Case> {};

TEST_P(ThreadLifecycleOptions, ChangeTheFindings) {
  const Case &C = GetParam();
  EXPECT_EQ(run(C, false), C.WithoutOptions);
  EXPECT_EQ(run(C, true), C.WithOptions);
}

const Case Cases[] = {
    {"MaxConstantTripCount",
     "loadcheck-unbounded-thread-spawn",
     "  loadcheck-unbounded-thread-spawn.MaxConstantTripCount: 4\n",
     {"16:7"},
     {"10:7", "16:7"}},
    {"PoolSizePattern",
     "loadcheck-unbounded-thread-spawn",
     "  loadcheck-unbounded-thread-spawn.PoolSizePattern: '^lanes$'\n",
     {"16:7"},
     {"18:7"}},
    {"HandlerNamePattern",
     "loadcheck-unbounded-thread-spawn",
     "  loadcheck-unbounded-thread-spawn.HandlerNamePattern: '^handle'\n",
     {"16:7"},
     {"16:7", "21:22"}},
    {"RequestTypes",
     "loadcheck-unbounded-thread-spawn",
     "  loadcheck-unbounded-thread-spawn.RequestTypes: 'app::Req*'\n",
     {"16:7"},
     {"16:7", "22:27"}},
    {"IgnoredExceptions",
     "loadcheck-thread-exception-escape",
     "  loadcheck-thread-exception-escape.IgnoredExceptions: 'ParseError'\n",
     {"24:22"},
     {}},
};

INSTANTIATE_TEST_SUITE_P(Cli, ThreadLifecycleOptions,
                         ::testing::ValuesIn(Cases),
                         [](const ::testing::TestParamInfo<Case> &I) {
                           return I.param.Name;
                         });

} // namespace
} // namespace loadcheck::testing
