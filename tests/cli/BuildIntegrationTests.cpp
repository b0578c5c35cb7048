//===--- BuildIntegrationTests.cpp - CMAKE_CXX_CLANG_TIDY with the plugin -===//
//
// Configures and builds tests/data/clang-tidy-cmake with CMake's
// CMAKE_CXX_CLANG_TIDY set to clang-tidy-19 loading libloadcheck.so, as
// docs/ci.md documents: the build prints the loadcheck diagnostic, and with
// --warnings-as-errors the build fails.
//
//===----------------------------------------------------------------------===//
#include "tests/Artifacts.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"

#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

std::string readSource(llvm::StringRef Name) {
  auto Buffer = llvm::MemoryBuffer::getFile(
      LOADCHECK_SOURCE_DIR "/tests/data/clang-tidy-cmake/" + Name);
  EXPECT_TRUE(bool(Buffer)) << Name.str();
  return Buffer ? (*Buffer)->getBuffer().str() : "";
}

/// Configures (with \p TidyArgs appended to the clang-tidy command) and
/// builds the project in \p Dir/build.
ProcessResult configureAndBuild(const Workspace &Dir,
                                const std::string &TidyArgs) {
  std::string Tidy = std::string(LOADCHECK_CLANG_TIDY) +
                     ";-load=" + LOADCHECK_PLUGIN_PATH +
                     ";--checks=-*,loadcheck-abrupt-termination" + TidyArgs;
  ProcessResult Configure =
      runProcess(LOADCHECK_CMAKE,
                 {"-S", Dir.path("project"), "-B", Dir.path("build"), "-G",
                  LOADCHECK_CMAKE_GENERATOR,
                  std::string("-DCMAKE_CXX_COMPILER=") + LOADCHECK_CLANGXX,
                  "-DCMAKE_CXX_CLANG_TIDY=" + Tidy});
  EXPECT_EQ(Configure.ExitCode, 0) << Configure.Out << Configure.Err;
  ProcessResult Build = runProcess(
      LOADCHECK_CMAKE, {"--build", Dir.path("build"), "--clean-first"});
  Build.Out += Build.Err;
  return Build;
}

TEST(BuildIntegration, CmakeClangTidyRunsThePluginOnEveryCompile) {
  Workspace Dir({{"project/CMakeLists.txt", readSource("CMakeLists.txt")},
                 {"project/handler.cpp", readSource("handler.cpp")}});
  ProcessResult Build = configureAndBuild(Dir, "");
  EXPECT_EQ(Build.ExitCode, 0) << Build.Out;
  EXPECT_NE(Build.Out.find("handler.cpp:6:5: warning: "), std::string::npos)
      << Build.Out;
  EXPECT_NE(Build.Out.find("[loadcheck-abrupt-termination]"), std::string::npos)
      << Build.Out;

  ProcessResult Gate =
      configureAndBuild(Dir, ";--warnings-as-errors=loadcheck-*");
  EXPECT_NE(Gate.ExitCode, 0) << Gate.Out;
  EXPECT_NE(Gate.Out.find("handler.cpp:6:5: error: "), std::string::npos)
      << Gate.Out;
  EXPECT_NE(Gate.Out.find("[loadcheck-abrupt-termination,-warnings-as-errors]"),
            std::string::npos)
      << Gate.Out;
}

} // namespace
} // namespace loadcheck::testing
