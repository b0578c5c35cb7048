//===--- TestCodeProfileTests.cpp - test code and the profile, end to end -===//
//
// The loadcheck binary over small projects: the global TestFilePattern of a
// .clang-tidy serves every check, and the high-traffic profile reports each
// exit() once and accepts an explicit (void) cast.
//
//===----------------------------------------------------------------------===//
#include "tests/Artifacts.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"

#include "llvm/ADT/StringRef.h"
#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

/// Transfers without timeouts, TLS verification off and an exit() from a
/// helper: three checks that skip test code, each reporting once.
const char *const Client = R"(#include <cstdlib>
#include <curl/curl.h>
void fetch(const char *url) {
  CURL *h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
  if (curl_easy_perform(h) != CURLE_OK)
    std::exit(1);
  curl_easy_cleanup(h);
}
)";

const std::string Checks = "--checks=-*,loadcheck-missing-timeout,"
                           "loadcheck-tls-verification-disabled,"
                           "loadcheck-abrupt-termination";

ProcessResult run(const Workspace &Dir, const std::vector<std::string> &Files,
                  const std::string &CheckList = Checks) {
  std::vector<std::string> Args = {"--root=" + Dir.path(), CheckList};
  Args.insert(Args.end(), Files.begin(), Files.end());
  Args.insert(Args.end(), {"--", "-std=c++17"});
  return runProcess(LOADCHECK_BINARY, Args, Dir.path(), "-u NO_COLOR");
}

unsigned occurrences(llvm::StringRef Text, llvm::StringRef What) {
  return Text.count(What);
}

/// The warnings (not notes) reported in files whose path ends in \p File.
unsigned warningsIn(llvm::StringRef Out, llvm::StringRef File) {
  llvm::SmallVector<llvm::StringRef> Lines;
  Out.split(Lines, '\n');
  return llvm::count_if(Lines, [&](llvm::StringRef L) {
    return L.contains((File + ":").str()) && L.contains(": warning: ");
  });
}

TEST(TestCodeCli, DefaultPatternSkipsTestDirectoriesAndNames) {
  Workspace Dir({{"src/client.cpp", Client},
                 {"tests/client.cpp", Client},
                 {"src/client_test.cpp", Client}});
  ProcessResult Run =
      run(Dir, {"src/client.cpp", "tests/client.cpp", "src/client_test.cpp"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_EQ(warningsIn(Run.Out, "/src/client.cpp"), 3u) << Run.Out;
  EXPECT_EQ(occurrences(Run.Out, "tests/client.cpp:"), 0u) << Run.Out;
  EXPECT_EQ(occurrences(Run.Out, "client_test.cpp:"), 0u) << Run.Out;
}

TEST(TestCodeCli, GlobalTestFilePatternInClangTidyServesEveryCheck) {
  // One global key replaces the default for all three checks: integration/
  // is test code now, tests/ no longer is.
  Workspace Dir({{".clang-tidy", "CheckOptions:\n"
                                 "  TestFilePattern: '(^|/)integration/'\n"},
                 {"integration/client.cpp", Client},
                 {"tests/client.cpp", Client}});
  ProcessResult Run = run(Dir, {"integration/client.cpp", "tests/client.cpp"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_EQ(occurrences(Run.Out, "integration/client.cpp:"), 0u) << Run.Out;
  for (llvm::StringRef Check :
       {"[loadcheck-missing-timeout]", "[loadcheck-tls-verification-disabled]",
        "[loadcheck-abrupt-termination]"})
    EXPECT_EQ(occurrences(Run.Out, Check), 1u) << Check.str() << "\n"
                                               << Run.Out;
}

TEST(TestCodeCli, CheckLocalIncludeTestCodeBringsOneCheckBack) {
  Workspace Dir(
      {{".clang-tidy", "CheckOptions:\n"
                       "  loadcheck-missing-timeout.IncludeTestCode: true\n"},
       {"tests/client.cpp", Client}});
  ProcessResult Run = run(Dir, {"tests/client.cpp"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_EQ(occurrences(Run.Out, "[loadcheck-missing-timeout]"), 1u) << Run.Out;
  EXPECT_EQ(occurrences(Run.Out, "[loadcheck-tls-verification-disabled]"), 0u);
  EXPECT_EQ(occurrences(Run.Out, "[loadcheck-abrupt-termination]"), 0u);
}

TEST(TestCodeCli, InvalidTestFilePatternIsAConfigurationErrorReportedOnce) {
  Workspace Dir({{".clang-tidy", "CheckOptions:\n  TestFilePattern: '(('\n"},
                 {"src/client.cpp", Client}});
  ProcessResult Run = run(Dir, {"src/client.cpp"});
  EXPECT_EQ(Run.ExitCode, 2) << Run.Out << Run.Err;
  EXPECT_EQ(
      occurrences(Run.Err, "invalid regular expression in 'TestFilePattern'"),
      1u)
      << Run.Err;
}

// --- the high-traffic profile (no --checks)

ProcessResult runProfile(const Workspace &Dir, const std::string &File) {
  return runProcess(LOADCHECK_BINARY,
                    {"--root=" + Dir.path(), File, "--", "-std=c++17"},
                    Dir.path(), "-u NO_COLOR");
}

TEST(TestCodeCli, ProfileReportsExitOnceByAbruptTermination) {
  Workspace Dir({{"src/worker.cpp", R"(#include <cstdlib>
void fail() { std::exit(1); }
void failC() { exit(2); }
const char *home() { return std::getenv("HOME"); }
)"}});
  ProcessResult Run = runProfile(Dir, "src/worker.cpp");
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_EQ(occurrences(Run.Out, "[loadcheck-abrupt-termination]"), 2u)
      << Run.Out;
  // getenv is still concurrency-mt-unsafe's; exit is not.
  EXPECT_EQ(occurrences(Run.Out, "[concurrency-mt-unsafe]"), 1u) << Run.Out;
  EXPECT_NE(Run.Out.find("worker.cpp:4:"), std::string::npos) << Run.Out;
}

TEST(TestCodeCli, ProfileAcceptsAnExplicitCastToVoid) {
  // std::error_code is in the profile's CheckedReturnTypes.
  Workspace Dir({{"src/setup.cpp", R"(#include <system_error>
std::error_code configure();
void start() {
  (void)configure();
  configure();
}
)"}});
  ProcessResult Run = runProfile(Dir, "src/setup.cpp");
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_EQ(occurrences(Run.Out, "[bugprone-unused-return-value]"), 1u)
      << Run.Out;
  EXPECT_NE(Run.Out.find("setup.cpp:5:3: warning:"), std::string::npos)
      << Run.Out;
}

} // namespace
} // namespace loadcheck::testing
