//===--- PluginTests.cpp - the checks inside the real clang-tidy-19 -------===//
//
// libloadcheck.so is loaded into the installed clang-tidy-19; for every
// fixture of a section, the diagnostics must equal those of the in-process
// run (one test per section).
//
//===----------------------------------------------------------------------===//
#include "checks/CheckRegistry.h"
#include "tests/Sanitizer.h"
#include "tests/TestPaths.h"
#include "tests/harness/FixtureRunner.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

std::string key(const ActualDiagnostic &D) {
  return D.File + ":" + std::to_string(D.Line) + ":" +
         std::to_string(D.Column) + ": " + (D.IsNote ? "note" : "warning") +
         ": " + D.Message + " [" + D.Check + "]";
}

std::vector<std::string> keys(const std::vector<ActualDiagnostic> &Ds) {
  std::vector<std::string> Out;
  for (const ActualDiagnostic &D : Ds)
    Out.push_back(key(D));
  std::sort(Out.begin(), Out.end());
  return Out;
}

class PluginSectionTest : public ::testing::TestWithParam<std::string> {};

TEST_P(PluginSectionTest, AgreesWithInProcessRun) {
  LOADCHECK_SKIP_UNLESS_PLUGIN_LOADABLE();
  std::vector<std::string> Fixtures = allFixtures(GetParam());
  ASSERT_FALSE(Fixtures.empty());
  for (const std::string &Path : Fixtures) {
    auto Buffer = llvm::MemoryBuffer::getFile(Path);
    ASSERT_TRUE(Buffer);
    ParsedFixture Parsed = parseFixture((*Buffer)->getBuffer());
    std::string Check = checkForFixture(Path);
    FixtureRun InProcess = runFixture(Path, Check, Parsed.RunArgs);
    std::string Error;
    std::vector<ActualDiagnostic> Plugin =
        runFixtureThroughPlugin(Path, Check, Parsed.RunArgs, Error);
    EXPECT_EQ(Error, "") << Path;
    EXPECT_EQ(keys(InProcess.Diagnostics), keys(Plugin)) << Path;
    EXPECT_EQ(Plugin.empty(), Parsed.ExpectNoDiagnostics)
        << Path << ": the plugin found " << Plugin.size() << " diagnostics";
  }
}

INSTANTIATE_TEST_SUITE_P(Sections, PluginSectionTest,
                         ::testing::ValuesIn(fixtureSections()),
                         [](const auto &Info) { return Info.param; });

TEST(Plugin, ListsEveryCheck) {
  LOADCHECK_SKIP_UNLESS_PLUGIN_LOADABLE();
  ProcessResult Run = runProcess(LOADCHECK_CLANG_TIDY,
                                 {"-load=" LOADCHECK_PLUGIN_PATH,
                                  "-checks=-*,loadcheck-*", "-list-checks"});
  ASSERT_EQ(Run.ExitCode, 0) << Run.Err;
  for (const CheckInfo &Info : allChecks())
    EXPECT_NE(Run.Out.find("    " + Info.Name.str() + "\n"), std::string::npos)
        << Info.Name.str() << " missing from:\n"
        << Run.Out;
}

TEST(Plugin, RefusesAnotherLlvmVersion) {
  LOADCHECK_SKIP_UNLESS_PLUGIN_LOADABLE();
  // Debian bookworm's default clang-tidy is LLVM 14; .ci/run installs it.
  ASSERT_TRUE(llvm::sys::fs::can_execute(LOADCHECK_OTHER_CLANG_TIDY))
      << LOADCHECK_OTHER_CLANG_TIDY << " is not installed (apt-get install "
      << "clang-tidy-14)";
  ProcessResult Run = runProcess(LOADCHECK_OTHER_CLANG_TIDY,
                                 {"-load=" LOADCHECK_PLUGIN_PATH,
                                  "-checks=-*,loadcheck-*", "-list-checks"});
  EXPECT_NE(Run.ExitCode, 0);
  EXPECT_NE(Run.Err.find("libloadcheck.so was built for LLVM 19"),
            std::string::npos)
      << Run.Err;
}

} // namespace
} // namespace loadcheck::testing
