//===--- TestCodeFixtureTests.cpp - every fixture, as test code -----------===//
//
// Each C++ fixture runs again with GoogleTest force-included, which makes its
// main file test code. A check that skips test code (it has the option
// IncludeTestCode) must then be silent; a check that keeps it must report
// exactly what the fixture's annotations say (as must a skipping check whose
// fixture directory, include-test-code/, sets IncludeTestCode). The list of
// skipping checks is spelled out here: changing a check's decision changes this
// test and the check's page.
//
//===----------------------------------------------------------------------===//
#include "tests/TestPaths.h"
#include "tests/harness/FixtureRunner.h"

#include "checks/CheckRegistry.h"
#include "checks/utils/LlvmCompat.h"
#include "clang-tidy/ClangTidy.h"
#include "llvm/Support/MemoryBuffer.h"
#include <gtest/gtest.h>
#include <set>

namespace loadcheck::testing {
namespace {

/// The checks whose hazard exists only under production load.
const std::set<std::string> &skippingChecks() {
  static const std::set<std::string> Checks = {
      "loadcheck-abrupt-termination",   "loadcheck-blocking-under-lock",
      "loadcheck-client-per-request",   "loadcheck-hardcoded-credentials",
      "loadcheck-hot-path-allocation",  "loadcheck-missing-graceful-shutdown",
      "loadcheck-missing-timeout",      "loadcheck-sleep-polling",
      "loadcheck-sql-concatenation",    "loadcheck-tls-verification-disabled",
      "loadcheck-unbounded-queue",      "loadcheck-unbounded-thread-spawn",
      "loadcheck-unstructured-logging",
  };
  return Checks;
}

TEST(TestCode, ExactlyTheSkippingChecksHaveTheIncludeTestCodeOption) {
  compat::KnownChecks All = compat::allChecksAndOptions();
  std::set<std::string> WithOption;
  for (const CheckInfo &Info : allChecks())
    if (All.Options.contains((Info.Name + ".IncludeTestCode").str()))
      WithOption.insert(Info.Name.str());
  EXPECT_EQ(WithOption, skippingChecks());
}

TEST(TestCode, EveryCheckPageSaysItsDecision) {
  for (const CheckInfo &Info : allChecks()) {
    std::string Doc =
        LOADCHECK_SOURCE_DIR "/docs/checks/" + Info.Name.str() + ".md";
    auto Text = llvm::MemoryBuffer::getFile(Doc);
    ASSERT_TRUE(Text) << Doc;
    llvm::StringRef Page = (*Text)->getBuffer();
    size_t Section = Page.find("\n## Test code\n");
    ASSERT_NE(Section, llvm::StringRef::npos) << Doc;
    llvm::StringRef Decision = Page.substr(Section).drop_front(14);
    Decision = Decision.take_front(Decision.find("\n## "));
    bool Skips = skippingChecks().count(Info.Name.str());
    EXPECT_EQ(Decision.starts_with("\nNot reported in test code"), Skips)
        << Doc;
    EXPECT_EQ(Decision.starts_with("\nReported in test code too"), !Skips)
        << Doc;
    EXPECT_EQ(Page.contains("| `IncludeTestCode` | `false` |"), Skips) << Doc;
  }
}

bool isCFixture(const std::vector<std::string> &RunArgs) {
  for (size_t I = 0; I + 1 < RunArgs.size(); ++I)
    if (RunArgs[I] == "-x" && RunArgs[I + 1] == "c")
      return true;
  return false;
}

class FixtureAsTestCode : public ::testing::TestWithParam<std::string> {};

TEST_P(FixtureAsTestCode, SkippingChecksAreSilentOthersUnchanged) {
  const std::string Path = GetParam();
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  ASSERT_TRUE(Buffer) << "cannot read " << Path;
  ParsedFixture Parsed = parseFixture((*Buffer)->getBuffer());
  if (isCFixture(Parsed.RunArgs) || llvm::StringRef(Path).ends_with(".c"))
    GTEST_SKIP() << "C fixture: no C++ test framework to include";
  std::string Check = checkForFixture(Path);
  ASSERT_FALSE(Check.empty()) << Path;

  std::vector<std::string> Args = Parsed.RunArgs;
  Args.insert(Args.end(), {"-include", "gtest/gtest.h"});
  FixtureRun Run = runFixture(Path, Check, Args);
  for (const Finding &F : Run.Findings)
    ASSERT_FALSE(F.isCompilerError())
        << "does not compile with gtest: " << F.Where.File << ":"
        << F.Where.Line << ": " << F.Message;
  // Fixtures under include-test-code/ turn the check's IncludeTestCode on.
  bool Included = llvm::StringRef(Path).contains("/include-test-code/");
  if (skippingChecks().count(Check) && !Included) {
    for (const ActualDiagnostic &D : Run.Diagnostics)
      ADD_FAILURE() << Check << " reports test code: " << D.File << ":"
                    << D.Line << ": " << D.Message;
    return;
  }
  for (const std::string &Problem :
       compareDiagnostics(Path, Parsed.Expectations, Run.Diagnostics))
    ADD_FAILURE() << Path << ": " << Problem;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, FixtureAsTestCode,
                         ::testing::ValuesIn(allFixtures()),
                         [](const auto &Info) {
                           return testNameFor(Info.param);
                         });

} // namespace
} // namespace loadcheck::testing
