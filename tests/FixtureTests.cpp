//===--- FixtureTests.cpp - every fixture under tests/fixtures ------------===//
//
// One test per fixture file: the check named by the file runs in-process and
// every diagnostic must match an annotation and vice versa. Fix-its are
// applied and compared with <name>.fixed.cpp (.fixed.c for a C fixture),
// which must compile; a fixture
// without a golden file must produce no fix-it.
//
//===----------------------------------------------------------------------===//
#include "tests/TestPaths.h"
#include "tests/harness/FixtureRunner.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

class FixtureTest : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureTest, DiagnosticsMatchAnnotations) {
  const std::string Path = GetParam();
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  ASSERT_TRUE(Buffer) << "cannot read " << Path;
  ParsedFixture Parsed = parseFixture((*Buffer)->getBuffer());
  for (const std::string &E : Parsed.Errors)
    ADD_FAILURE() << Path << ": " << E;
  std::string Check = checkForFixture(Path);
  ASSERT_FALSE(Check.empty()) << Path << " names no registered check";
  ASSERT_NE(Parsed.Expectations.empty(), !Parsed.ExpectNoDiagnostics)
      << Path
      << " needs expect-warning annotations or `// expect-no-diagnostics`, "
         "not both";

  FixtureRun Run = runFixture(Path, Check, Parsed.RunArgs);
  for (const Finding &F : Run.Findings)
    EXPECT_FALSE(F.isCompilerError())
        << "fixture does not compile: " << F.Where.File << ":" << F.Where.Line
        << ": " << F.Message;
  for (const std::string &Problem :
       compareDiagnostics(Path, Parsed.Expectations, Run.Diagnostics))
    ADD_FAILURE() << Path << ": " << Problem;

  std::string Fixed, Error;
  ASSERT_TRUE(applyFixes(Path, Run.Findings, Fixed, Error)) << Error;
  std::string Golden = goldenFor(Path);
  auto GoldenText = llvm::MemoryBuffer::getFile(Golden);
  if (!GoldenText) {
    bool HasFixes = llvm::any_of(
        Run.Findings, [](const Finding &F) { return !F.Fixes.empty(); });
    EXPECT_FALSE(HasFixes) << Path << " emits fix-its but has no " << Golden;
    return;
  }
  EXPECT_EQ((*GoldenText)->getBuffer().str(), Fixed)
      << "fixed file differs from " << Golden;
  std::string CompileErrors =
      compileSource(Fixed, fixtureCompileArgs(Path, Parsed.RunArgs));
  EXPECT_EQ(CompileErrors, "") << "the fixed fixture does not compile";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureTest,
                         ::testing::ValuesIn(allFixtures()),
                         [](const auto &Info) {
                           return testNameFor(Info.param);
                         });

} // namespace
} // namespace loadcheck::testing
