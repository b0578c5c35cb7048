//===--- FixItCompileTests.cpp - every fix-it produces code that compiles -===//
//
// FixtureTests compares a fixture's fix-its with its golden .fixed.cpp. This
// file makes "fix-its never break the build" a guarantee over everything:
//  - every check that offers fix-its (CheckList.def) has a golden fixture,
//    and a check that offers none has no golden file;
//  - each such check, run alone, fixes every one of its fixtures into code
//    that compiles with the fixture's RUN-ARGS, golden file or not;
//  - the whole default profile (loadcheck-* and the upstream checks), with
//    every fix-it applied together as `loadcheck --fix` applies them, turns
//    every fixture and every file of the example service into code that
//    compiles.
// Fixes are applied by the driver's own code (tool/results/Fixes.h) to a copy.
//
//===----------------------------------------------------------------------===//
#include "tests/TestPaths.h"
#include "tests/harness/FixtureRunner.h"

#include "checks/CheckRegistry.h"
#include "tool/run/Analyzer.h"
#include "tool/results/Fixes.h"
#include "tool/front/Profile.h"

#include "clang/Tooling/CompilationDatabase.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

std::vector<std::string> fixturesOf(llvm::StringRef Check) {
  std::vector<std::string> Out;
  for (const std::string &Path : allFixtures())
    if (checkForFixture(Path) == Check)
      Out.push_back(Path);
  return Out;
}

std::vector<std::string> checksOfferingFixes() {
  std::vector<std::string> Out;
  for (const CheckInfo &Info : allChecks())
    if (Info.OffersFix)
      Out.push_back(Info.Name.str());
  return Out;
}

ParsedFixture parse(const std::string &Path) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  EXPECT_TRUE(Buffer) << "cannot read " << Path;
  return Buffer ? parseFixture((*Buffer)->getBuffer()) : ParsedFixture();
}

/// The text of \p File after `--fix` would have applied \p Findings: a copy
/// in a temporary directory is fixed by the driver's applyFixes.
struct Fixed {
  std::string Text;
  size_t Applied = 0;
  std::vector<std::string> Conflicts, Errors;
};

Fixed fixCopy(const std::string &File, std::vector<Finding> Findings) {
  Fixed Out;
  llvm::SmallString<128> Dir;
  if (std::error_code EC = fs::createUniqueDirectory("loadcheck-fixit", Dir)) {
    Out.Errors.push_back("cannot create a directory: " + EC.message());
    return Out;
  }
  std::string Copy = (Dir + "/" + path::filename(File)).str();
  if (std::error_code EC = fs::copy_file(File, Copy)) {
    Out.Errors.push_back("cannot copy " + File + ": " + EC.message());
    return Out;
  }
  for (Finding &F : Findings)
    for (Replacement &R : F.Fixes) {
      if (R.File != File)
        Out.Errors.push_back("fix-it outside the analysed file: " + R.File);
      R.File = Copy;
    }
  if (Out.Errors.empty()) {
    FixOutcome Outcome = applyFixes(Findings);
    Out.Applied = Outcome.Applied;
    Out.Conflicts = Outcome.Conflicts;
    Out.Errors = Outcome.Errors;
    if (auto Buffer = llvm::MemoryBuffer::getFile(Copy))
      Out.Text = (*Buffer)->getBuffer().str();
  }
  fs::remove(Copy);
  fs::remove(Dir);
  return Out;
}

bool hasFixes(const std::vector<Finding> &Findings) {
  return llvm::any_of(Findings,
                      [](const Finding &F) { return !F.Fixes.empty(); });
}

// ---- the registry and the golden files agree -----------------------------

TEST(FixIts, EveryCheckOfferingFixesHasAGoldenFixture) {
  std::vector<std::string> Checks = checksOfferingFixes();
  ASSERT_FALSE(Checks.empty());
  for (const std::string &Check : Checks)
    EXPECT_TRUE(llvm::any_of(
        fixturesOf(Check),
        [](const std::string &F) { return fs::exists(goldenFor(F)); }))
        << Check << " offers fix-its but no fixture of it has a .fixed.cpp";
}

TEST(FixIts, NoGoldenFileForACheckWithoutFixes) {
  for (const std::string &Fixture : allFixtures()) {
    const CheckInfo *Info = findCheck(checkForFixture(Fixture));
    ASSERT_NE(Info, nullptr) << Fixture;
    if (!Info->OffersFix)
      EXPECT_FALSE(fs::exists(goldenFor(Fixture)))
          << goldenFor(Fixture) << ": " << Info->Name.str()
          << " is registered without fix-its (CheckList.def OffersFix)";
  }
}

// ---- one check alone, every fixture of it ---------------------------------

class CheckFixItTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CheckFixItTest, FixesOfEveryFixtureCompile) {
  const std::string Check = GetParam();
  std::vector<std::string> Fixtures = fixturesOf(Check);
  ASSERT_FALSE(Fixtures.empty()) << Check << " has no fixture";
  size_t Fixing = 0;
  for (const std::string &Path : Fixtures) {
    ParsedFixture Parsed = parse(Path);
    FixtureRun Run = runFixture(Path, Check, Parsed.RunArgs);
    if (!hasFixes(Run.Findings))
      continue;
    ++Fixing;
    Fixed Result = fixCopy(Path, Run.Findings);
    EXPECT_TRUE(Result.Errors.empty())
        << Path << ": " << llvm::join(Result.Errors, "; ");
    // One check's own fix-its never overlap each other.
    EXPECT_TRUE(Result.Conflicts.empty())
        << Path << ": " << llvm::join(Result.Conflicts, "; ");
    EXPECT_EQ(
        compileSource(Result.Text, fixtureCompileArgs(Path, Parsed.RunArgs)),
        "")
        << Path << " no longer compiles after the fix-its of " << Check;
  }
  EXPECT_GT(Fixing, 0u) << Check << " offers fix-its but fixed no fixture";
}

INSTANTIATE_TEST_SUITE_P(Checks, CheckFixItTest,
                         ::testing::ValuesIn(checksOfferingFixes()),
                         [](const auto &Info) {
                           return testNameFor(Info.param);
                         });

// ---- the whole profile, every fixture -------------------------------------

DriverOptions wholeProfile() {
  DriverOptions Opts;
  // Explicit, so that the repository's own .clang-tidy (above the fixtures)
  // does not replace the profile users get by default.
  Opts.Checks = HighTrafficChecks;
  return Opts;
}

class ProfileFixItTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ProfileFixItTest, AllFixesTogetherCompile) {
  const std::string Path = GetParam();
  ParsedFixture Parsed = parse(Path);
  std::vector<std::string> Args = Parsed.RunArgs;
  Args.push_back("-resource-dir=" LOADCHECK_CLANG_RESOURCE_DIR);
  clang::tooling::FixedCompilationDatabase Database(".", Args);
  FileResult Result = analyzeFile(Path, Database, wholeProfile());
  ASSERT_EQ(Result.Failure, "") << Path;
  if (!hasFixes(Result.Findings))
    return;
  Fixed Out = fixCopy(Path, Result.Findings);
  EXPECT_TRUE(Out.Errors.empty())
      << Path << ": " << llvm::join(Out.Errors, "; ");
  EXPECT_GT(Out.Applied, 0u) << Path;
  EXPECT_EQ(compileSource(Out.Text, fixtureCompileArgs(Path, Parsed.RunArgs)),
            "")
      << Path << " no longer compiles after every fix-it of the profile";
}

INSTANTIATE_TEST_SUITE_P(Fixtures, ProfileFixItTest,
                         ::testing::ValuesIn(allFixtures()),
                         [](const auto &Info) {
                           return testNameFor(Info.param);
                         });

// ---- the whole profile, the example service -------------------------------

std::vector<std::string> exampleServiceSources() {
  std::vector<std::string> Out;
  std::error_code EC;
  for (fs::directory_iterator
           It(LOADCHECK_SOURCE_DIR "/examples/service/src", EC),
       End;
       It != End && !EC; It.increment(EC))
    if (llvm::StringRef(It->path()).ends_with(".cpp"))
      Out.push_back(It->path());
  llvm::sort(Out);
  return Out;
}

/// The file's compile command from the example's database, compiling
/// \p Source instead, with the original directory searched for "" includes.
std::vector<std::string>
compileArgsFor(const clang::tooling::CompilationDatabase &Database,
               const std::string &File) {
  std::vector<clang::tooling::CompileCommand> Commands =
      Database.getCompileCommands(File);
  std::vector<std::string> Args;
  if (Commands.empty())
    return Args;
  const std::vector<std::string> &Original = Commands.front().CommandLine;
  for (size_t I = 1; I < Original.size(); ++I) {
    llvm::StringRef A = Original[I];
    if (A == "-o" || A == "-MF" || A == "-MT" || A == "-MQ") {
      ++I;
      continue;
    }
    if (A == "-c" || A == File || A.starts_with("-M"))
      continue;
    Args.push_back(A.str());
  }
  Args.push_back("-iquote" + path::parent_path(File).str());
  return Args;
}

class ExampleFixItTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ExampleFixItTest, AllProfileFixesTogetherCompile) {
  const std::string File = GetParam();
  std::string Error;
  auto Database = clang::tooling::CompilationDatabase::loadFromDirectory(
      LOADCHECK_EXAMPLE_BUILD_DIR, Error);
  ASSERT_TRUE(Database) << Error;
  FileResult Result = analyzeFile(File, *Database, wholeProfile());
  ASSERT_EQ(Result.Failure, "") << File;
  if (!hasFixes(Result.Findings))
    return;
  Fixed Out = fixCopy(File, Result.Findings);
  EXPECT_TRUE(Out.Errors.empty())
      << File << ": " << llvm::join(Out.Errors, "; ");
  EXPECT_GT(Out.Applied, 0u) << File;
  std::vector<std::string> Args = compileArgsFor(*Database, File);
  ASSERT_FALSE(Args.empty()) << File << " is not in the database";
  EXPECT_EQ(compileSource(Out.Text, Args), "")
      << File << " no longer compiles after every fix-it of the profile";
}

INSTANTIATE_TEST_SUITE_P(ExampleService, ExampleFixItTest,
                         ::testing::ValuesIn(exampleServiceSources()),
                         [](const auto &Info) {
                           return testNameFor(Info.param);
                         });

} // namespace
} // namespace loadcheck::testing
