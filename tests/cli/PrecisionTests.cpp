//===--- PrecisionTests.cpp - no findings on code that is correct ---------===//
//
// Every loadcheck check must stay silent on correct use of the standard
// concurrency library and on loadcheck's own sources (compiled through the
// build's compile_commands.json, as users run it).
//
//===----------------------------------------------------------------------===//
#include "tests/Artifacts.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"

#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

TEST(Precision, SilentOnCorrectStandardConcurrency) {
  ProcessResult Run =
      runProcess(LOADCHECK_BINARY,
                 {"--checks=-*,loadcheck-*",
                  LOADCHECK_SOURCE_DIR "/tests/data/correct_concurrency.cpp",
                  "--", "-std=c++20"},
                 LOADCHECK_SOURCE_DIR, "-u NO_COLOR");
  EXPECT_EQ(Run.ExitCode, 0) << Run.Out << Run.Err;
  EXPECT_EQ(Run.Out, "");
}

// The default high-traffic profile (loadcheck-* plus the upstream checks) on
// the same correct code, outside this repository so that no .clang-tidy
// overrides the default.
TEST(Precision, ProfileSilentOnCorrectStandardConcurrency) {
  auto Source = llvm::MemoryBuffer::getFile(
      LOADCHECK_SOURCE_DIR "/tests/data/correct_concurrency.cpp");
  ASSERT_TRUE(Source);
  Workspace Dir({{"correct.cpp", (*Source)->getBuffer().str()}});
  ProcessResult Run =
      runProcess(LOADCHECK_BINARY, {"correct.cpp", "--", "-std=c++20"},
                 Dir.path(), "-u NO_COLOR");
  EXPECT_EQ(Run.ExitCode, 0) << Run.Out << Run.Err;
  EXPECT_EQ(Run.Out, "");
}

// Our own product sources are held to loadcheck's checks here; the upstream
// checks of the profile are covered on our sources by the repository's own
// lint configuration (.clang-tidy: bugprone-*, performance-*). The tests are
// test code, where most checks are silent by design: analysing them too
// would double the cost of this, the suite's longest test.
TEST(Precision, SilentOnOwnSources) {
  ProcessResult Run =
      runProcess(LOADCHECK_BINARY,
                 {"-q", "--checks=-*,loadcheck-*", "-p", LOADCHECK_BUILD_DIR,
                  LOADCHECK_SOURCE_DIR "/checks", LOADCHECK_SOURCE_DIR "/tool"},
                 LOADCHECK_SOURCE_DIR, "-u NO_COLOR");
  EXPECT_EQ(Run.ExitCode, 0) << Run.Out << Run.Err;
  EXPECT_EQ(Run.Out, "");
}

} // namespace
} // namespace loadcheck::testing
