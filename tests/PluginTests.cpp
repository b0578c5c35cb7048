//===--- PluginTests.cpp - the checks inside the real clang-tidy ----------===//
//
// libloadcheck.so is loaded into the installed clang-tidy of the LLVM version
// it was built for; for every fixture of a section, its diagnostics must be
// exactly the fixture's annotations, as those of the in-process run are (one
// test per section).
//
//===----------------------------------------------------------------------===//
#include "checks/CheckRegistry.h"
#include "tests/Artifacts.h"
#include "tests/TestPaths.h"
#include "tests/harness/FixtureRunner.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

class PluginSectionTest : public ::testing::TestWithParam<std::string> {};

// The in-process run of every fixture is held to the same annotations, in
// both directions, by FixtureTest.DiagnosticsMatchAnnotations: matching them
// here proves the plugin agrees with it without parsing every fixture twice.
TEST_P(PluginSectionTest, AgreesWithInProcessRun) {
  std::vector<std::string> Fixtures = allFixtures(GetParam());
  ASSERT_FALSE(Fixtures.empty());
  for (const std::string &Path : Fixtures) {
    auto Buffer = llvm::MemoryBuffer::getFile(Path);
    ASSERT_TRUE(Buffer);
    ParsedFixture Parsed = parseFixture((*Buffer)->getBuffer());
    std::string Check = checkForFixture(Path);
    std::string Error;
    std::vector<ActualDiagnostic> Plugin =
        runFixtureThroughPlugin(Path, Check, Parsed.RunArgs, Error);
    EXPECT_EQ(Error, "") << Path;
    for (const std::string &Problem :
         compareDiagnostics(Path, Parsed.Expectations, Plugin))
      ADD_FAILURE() << Path << " through the plugin: " << Problem;
    EXPECT_EQ(Plugin.empty(), Parsed.ExpectNoDiagnostics)
        << Path << ": the plugin found " << Plugin.size() << " diagnostics";
  }
}

INSTANTIATE_TEST_SUITE_P(Sections, PluginSectionTest,
                         ::testing::ValuesIn(fixtureSections()),
                         [](const auto &Info) { return Info.param; });

TEST(Plugin, ListsEveryCheck) {
  ProcessResult Run = runProcess(LOADCHECK_CLANG_TIDY,
                                 {std::string("-load=") + LOADCHECK_PLUGIN_PATH,
                                  "-checks=-*,loadcheck-*", "-list-checks"});
  ASSERT_EQ(Run.ExitCode, 0) << Run.Err;
  for (const CheckInfo &Info : allChecks())
    EXPECT_NE(Run.Out.find("    " + Info.Name.str() + "\n"), std::string::npos)
        << Info.Name.str() << " missing from:\n"
        << Run.Out;
}

TEST(Plugin, RefusesAnotherLlvmVersion) {
  // The clang-tidy of the other supported LLVM version (19 or 22).
  ASSERT_TRUE(llvm::sys::fs::can_execute(LOADCHECK_OTHER_CLANG_TIDY))
      << LOADCHECK_OTHER_CLANG_TIDY << " is not installed "
      << "(scripts/install-deps.sh installs it)";
  ProcessResult Run = runProcess(LOADCHECK_OTHER_CLANG_TIDY,
                                 {std::string("-load=") + LOADCHECK_PLUGIN_PATH,
                                  "-checks=-*,loadcheck-*", "-list-checks"});
  EXPECT_NE(Run.ExitCode, 0);
  EXPECT_NE(Run.Err.find("libloadcheck.so was built for LLVM " +
                         std::to_string(artifactLlvmMajor()) + "."),
            std::string::npos)
      << Run.Err;
  EXPECT_NE(
      Run.Err.find("use clang-tidy-" + std::to_string(artifactLlvmMajor())),
      std::string::npos)
      << Run.Err;
}

} // namespace
} // namespace loadcheck::testing
