//===--- ExampleServiceTests.cpp - loadcheck over the example service -----===//
//
// The example service marks each anti-pattern with `// BAD(<check>): why` on
// the line above it (and correct counterparts with GOOD). For every check
// that exists, the findings of a real run over the service's own
// compile_commands.json must be exactly the BAD markers of that check.
//
//===----------------------------------------------------------------------===//
#include "checks/CheckRegistry.h"
#include "tests/Artifacts.h"
#include "tests/harness/FixtureRunner.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include <gtest/gtest.h>
#include <set>

namespace loadcheck::testing {
namespace {

using Site =
    std::tuple<std::string, unsigned, std::string>; // file, line, check

/// BAD markers of registered checks: each applies to the next line that is
/// not a comment.
std::set<Site> badMarkers() {
  std::set<Site> Out;
  static const llvm::Regex Marker("// BAD\\((loadcheck-[a-z-]+)\\)");
  std::error_code EC;
  for (llvm::sys::fs::recursive_directory_iterator
           It(LOADCHECK_SOURCE_DIR "/examples/service", EC),
       End;
       It != End && !EC; It.increment(EC)) {
    llvm::StringRef Path = It->path();
    if (!Path.ends_with(".cpp") && !Path.ends_with(".h") &&
        !Path.ends_with(".c"))
      continue;
    auto Buffer = llvm::MemoryBuffer::getFile(Path);
    if (!Buffer)
      continue;
    llvm::SmallVector<llvm::StringRef> Lines;
    (*Buffer)->getBuffer().split(Lines, '\n');
    std::vector<std::string> Pending;
    for (size_t I = 0; I < Lines.size(); ++I) {
      llvm::SmallVector<llvm::StringRef> M;
      if (Marker.match(Lines[I], &M)) {
        if (findCheck(M[1]))
          Pending.push_back(M[1].str());
        continue;
      }
      if (Lines[I].trim().starts_with("//"))
        continue;
      for (const std::string &Check : Pending)
        Out.emplace(Path.str(), I + 1, Check);
      Pending.clear();
    }
  }
  return Out;
}

TEST(ExampleService, FindingsAreExactlyTheBadMarkers) {
  ProcessResult Run =
      runProcess(LOADCHECK_BINARY,
                 {"--checks=-*,loadcheck-*", "-p", LOADCHECK_EXAMPLE_BUILD_DIR,
                  LOADCHECK_SOURCE_DIR "/examples/service"},
                 LOADCHECK_SOURCE_DIR, "-u NO_COLOR");
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;

  std::set<Site> Found;
  static const llvm::Regex Warning(
      "^(.+):([0-9]+):[0-9]+: warning: .* \\[(loadcheck-[a-z-]+)\\]$");
  llvm::SmallVector<llvm::StringRef> Lines;
  llvm::StringRef(Run.Out).split(Lines, '\n');
  for (llvm::StringRef L : Lines) {
    llvm::SmallVector<llvm::StringRef> M;
    if (Warning.match(L, &M)) {
      unsigned Line = 0;
      M[2].getAsInteger(10, Line);
      Found.emplace(M[1].str(), Line, M[3].str());
    }
  }
  std::set<Site> Expected = badMarkers();
  ASSERT_FALSE(Expected.empty());
  for (const Site &S : Expected)
    EXPECT_TRUE(Found.count(S))
        << "no finding for the BAD marker of " << std::get<2>(S) << " at "
        << std::get<0>(S) << ":" << std::get<1>(S);
  for (const Site &S : Found)
    EXPECT_TRUE(Expected.count(S))
        << "finding without a BAD marker: " << std::get<2>(S) << " at "
        << std::get<0>(S) << ":" << std::get<1>(S);
  // Every registered check that has a BAD marker is demonstrated.
  for (const CheckInfo &Info : allChecks())
    EXPECT_TRUE(llvm::any_of(
        Found, [&](const Site &S) { return std::get<2>(S) == Info.Name; }))
        << Info.Name.str() << " has no finding in the example service";
}

// Parallel runs print exactly what a sequential run prints (the speed-up is
// measured with hyperfine, never asserted: see the closing note).
TEST(ExampleService, ParallelOutputIsByteIdentical) {
  std::vector<std::string> Args = {"-p", LOADCHECK_EXAMPLE_BUILD_DIR,
                                   LOADCHECK_SOURCE_DIR "/examples/service"};
  std::vector<std::string> One = Args, Two = Args;
  One.insert(One.begin(), "-j1");
  Two.insert(Two.begin(), "-j2");
  ProcessResult Sequential =
      runProcess(LOADCHECK_BINARY, One, LOADCHECK_SOURCE_DIR, "-u NO_COLOR");
  ProcessResult Parallel =
      runProcess(LOADCHECK_BINARY, Two, LOADCHECK_SOURCE_DIR, "-u NO_COLOR");
  EXPECT_EQ(Sequential.ExitCode, 1) << Sequential.Err;
  EXPECT_EQ(Parallel.ExitCode, Sequential.ExitCode);
  EXPECT_FALSE(Sequential.Out.empty());
  EXPECT_EQ(Parallel.Out, Sequential.Out);
  EXPECT_EQ(Parallel.Err, Sequential.Err);
}

} // namespace
} // namespace loadcheck::testing
