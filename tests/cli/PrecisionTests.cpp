//===--- PrecisionTests.cpp - no findings on code that is correct ---------===//
//
// Every loadcheck check must stay silent on correct use of the standard
// concurrency library and on loadcheck's own sources (compiled through the
// build's compile_commands.json, as users run it).
//
//===----------------------------------------------------------------------===//
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

TEST(Precision, SilentOnOwnSources) {
  ProcessResult Run =
      runProcess(LOADCHECK_BINARY,
                 {"-q", "--checks=-*,loadcheck-*", "-p", LOADCHECK_BUILD_DIR,
                  LOADCHECK_SOURCE_DIR "/checks", LOADCHECK_SOURCE_DIR "/tool",
                  LOADCHECK_SOURCE_DIR "/tests"},
                 LOADCHECK_SOURCE_DIR, "-u NO_COLOR");
  EXPECT_EQ(Run.ExitCode, 0) << Run.Out << Run.Err;
  EXPECT_EQ(Run.Out, "");
}

} // namespace
} // namespace loadcheck::testing
