//===--- DriverUnitTest.cpp - fingerprints, fixes, profile, database ------===//
#include "tests/cli/Workspace.h"
#include "tool/Paths.h"
#include "tool/front/Database.h"
#include "tool/front/Profile.h"
#include "tool/results/Fingerprint.h"
#include "tool/results/Fixes.h"
#include "llvm/Support/FormatVariadic.h"

#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

unsigned offsetOf(llvm::StringRef Text, llvm::StringRef Needle) {
  size_t At = Text.find(Needle);
  EXPECT_NE(At, llvm::StringRef::npos) << Needle.str();
  return At;
}

TEST(Fingerprint, BraceCountedFunctionOfVersionOne) {
  const char *Code = R"(#include <x>
namespace svc {
// void commented() {
class Server {
public:
  void inlineMember() { A; }
  Server(int x) : x_(x) { B; }
};
template <class T> void Pool<T>::submit(T job) const {
  if (job) { C; }
  auto f = [&](int i) { D; };
  const char *s = "}{";
  E;
}
}
int x = 1;
static void helper() noexcept
{
  F;
}
)";
  llvm::StringRef Text(Code);
  EXPECT_EQ(braceCountedFunction(Text, offsetOf(Text, "A;")), "inlineMember");
  EXPECT_EQ(braceCountedFunction(Text, offsetOf(Text, "B;")), "Server");
  EXPECT_EQ(braceCountedFunction(Text, offsetOf(Text, "C;")),
            "Pool<T>::submit");
  EXPECT_EQ(braceCountedFunction(Text, offsetOf(Text, "D;")),
            "Pool<T>::submit");
  EXPECT_EQ(braceCountedFunction(Text, offsetOf(Text, "E;")),
            "Pool<T>::submit");
  EXPECT_EQ(braceCountedFunction(Text, offsetOf(Text, "int x = 1")), "");
  EXPECT_EQ(braceCountedFunction(Text, offsetOf(Text, "F;")), "helper");
  EXPECT_EQ(braceCountedFunction(Text, offsetOf(Text, "public:")), "");
}

TEST(Fingerprint, NormalizeLineAndRelativePaths) {
  EXPECT_EQ(normalizeLine("  \tstd::thread   t(work);  "),
            "std::thread t(work);");
  EXPECT_EQ(relativeToRoot("/repo/src/a.cpp", "/repo"), "src/a.cpp");
  EXPECT_EQ(relativeToRoot("/repo/src/a.cpp", "/repo/"), "src/a.cpp");
  EXPECT_EQ(relativeToRoot("/repository/a.cpp", "/repo"), "/repository/a.cpp");
}

TEST(Fingerprint, IndependentOfLineNumbers) {
  Workspace Dir({{"a.cpp", "void f() {\n  g();\n}\n"},
                 {"b.cpp", "\n\n// moved\nvoid f() {\n    g();\n}\n"}});
  Finding A, B;
  A.Check = B.Check = "loadcheck-x";
  A.Function = B.Function = "f";
  A.Where = {Dir.path("a.cpp"), 13, 2, 3};
  B.Where = {Dir.path("b.cpp"), 30, 5, 5};
  std::vector<Finding> As{A}, Bs{B};
  fingerprintFindings(As, Dir.path());
  fingerprintFindings(Bs, Dir.path(), /*VersionOne=*/true);
  EXPECT_TRUE(As[0].VersionOneFingerprint.empty());
  EXPECT_EQ(Bs[0].VersionOneFingerprint.size(), 16u);
  // Different files: different identities; same content otherwise.
  EXPECT_NE(As[0].Fingerprint, Bs[0].Fingerprint);
  // The enclosing function is part of the identity.
  std::vector<Finding> Renamed{A};
  Renamed[0].Function = "g";
  fingerprintFindings(Renamed, Dir.path());
  EXPECT_NE(Renamed[0].Fingerprint, As[0].Fingerprint);
  Dir.write("a.cpp", "\n\n// moved\nvoid f() {\n    g();\n}\n");
  As = {A};
  As[0].Where = {Dir.path("a.cpp"), 30, 5, 5};
  fingerprintFindings(As, Dir.path());
  std::vector<Finding> Original{A};
  Dir.write("a.cpp", "void f() {\n  g();\n}\n");
  fingerprintFindings(Original, Dir.path());
  EXPECT_EQ(As[0].Fingerprint, Original[0].Fingerprint);
}

TEST(Fixes, ConflictingFixIsReportedAndNotApplied) {
  Workspace Dir({{"x.cpp", "std::thread t(work);\n"}});
  std::string File = Dir.path("x.cpp");
  Finding First, Overlapping, Elsewhere;
  First.Check = "loadcheck-a";
  First.Where = {File, 0, 1, 1};
  First.Fixes = {{File, 0, 11, "std::jthread"}};
  Overlapping.Check = "loadcheck-b";
  Overlapping.Where = {File, 5, 1, 6};
  Overlapping.Fixes = {{File, 5, 6, "Thread"}, {File, 19, 0, " // b"}};
  Elsewhere.Check = "loadcheck-c";
  Elsewhere.Where = {File, 12, 1, 13};
  Elsewhere.Fixes = {{File, 12, 1, "u"}};
  FixOutcome Out = applyFixes({First, Overlapping, Elsewhere});
  EXPECT_EQ(Out.Applied, 2u);
  EXPECT_EQ(Out.FilesChanged, 1u);
  ASSERT_EQ(Out.Conflicts.size(), 1u);
  EXPECT_NE(Out.Conflicts[0].find("[loadcheck-b] conflicts"),
            std::string::npos);
  // The conflicting fix is applied whole or not at all.
  EXPECT_EQ(Dir.read("x.cpp"), "std::jthread u(work);\n");
}

TEST(Profile, Sections) {
  EXPECT_EQ(sectionOf("loadcheck-detached-thread"), "Concurrency");
  EXPECT_EQ(sectionOf("performance-avoid-endl"), "Memory");
  EXPECT_EQ(sectionOf("performance-for-range-copy"), "Memory");
  EXPECT_EQ(sectionOf("bugprone-unused-return-value"), "Resilience");
  EXPECT_EQ(sectionOf("concurrency-mt-unsafe"), "Concurrency");
  EXPECT_EQ(sectionOf("clang-diagnostic-error"), "Compiler");
  EXPECT_EQ(sectionOf("modernize-use-nullptr"), "Other");
  EXPECT_EQ(checklistSections().size(), 6u);
}

/// The database of \p Dir's compile_commands.json, as the driver loads it.
std::unique_ptr<InputSet> inputsOf(const Workspace &Dir) {
  DriverOptions Opts;
  Opts.BuildPath = Dir.path();
  std::string Error;
  std::unique_ptr<InputSet> Inputs = loadInputs(Opts, Error);
  EXPECT_TRUE(Inputs) << Error;
  return Inputs;
}

/// A database listing a.c twice, compiled with \p First and \p Second.
std::string twoCommands(llvm::StringRef First, llvm::StringRef Second) {
  return llvm::formatv(R"([
  {{"directory": "@DIR@", "file": "a.c", "command": "cc {0} -c a.c"},
  {{"directory": "@DIR@", "file": "a.c", "command": "cc {1} -c a.c"}
])",
                       First, Second)
      .str();
}

TEST(Database, ACommandRepeatedForAnotherObjectFileRunsOnce) {
  Workspace Dir({{"a.c", "int a;\n"},
                 {"compile_commands.json",
                  twoCommands("-DX -o static/a.o", "-DX -o shared/a.o")}});
  auto Inputs = inputsOf(Dir);
  ASSERT_TRUE(Inputs);
  auto Commands = Inputs->Database->getCompileCommands(Dir.path("a.c"));
  ASSERT_EQ(Commands.size(), 1u);
  EXPECT_TRUE(llvm::is_contained(Commands[0].CommandLine, "static/a.o"));
}

TEST(Database, CommandsThatCompileDifferentlyAllRun) {
  Workspace Dir(
      {{"a.c", "int a;\n"},
       {"compile_commands.json", twoCommands("-DX -o x/a.o", "-DY -o y/a.o")}});
  auto Inputs = inputsOf(Dir);
  ASSERT_TRUE(Inputs);
  EXPECT_EQ(Inputs->Database->getCompileCommands(Dir.path("a.c")).size(), 2u);
}

} // namespace
} // namespace loadcheck::testing
