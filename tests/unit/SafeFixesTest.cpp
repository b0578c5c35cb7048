//===--- SafeFixesTest.cpp - --fix against files changed since analysis ---===//
#include "tests/cli/Workspace.h"
#include "tool/results/Fixes.h"
#include "tool/run/ResultCodec.h"

#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

Finding withFix(const std::string &Check, std::vector<Replacement> Fixes) {
  Finding F;
  F.Check = Check;
  F.Where = {Fixes.front().File, Fixes.front().Offset, 1,
             Fixes.front().Offset + 1};
  F.Fixes = std::move(Fixes);
  return F;
}

TEST(SafeFixes, StaleHeaderBlocksEveryFixTouchingItInAnyFile) {
  Workspace Dir(
      {{"a.cpp", "int a;\n"}, {"h.h", "int h;\n"}, {"b.cpp", "int b;\n"}});
  std::string A = Dir.path("a.cpp"), H = Dir.path("h.h"), B = Dir.path("b.cpp");
  FileDigests Analysed = {{A, FileDigest::of("int a;\n")},
                          {H, FileDigest::of("int h;\n")},
                          {B, FileDigest::of("int b;\n")}};
  Dir.write("h.h", "int h; // edited\n");
  // One fix spans a.cpp and the edited header: not applied at all.
  Finding Spanning = withFix("x-span", {{A, 4, 1, "A"}, {H, 4, 1, "H"}});
  Finding Alone = withFix("x-alone", {{B, 4, 1, "B"}});
  FixOutcome Out = applyFixes({Spanning, Alone}, &Analysed);
  EXPECT_EQ(Out.Applied, 1u);
  EXPECT_EQ(Out.FilesChanged, 1u);
  ASSERT_EQ(Out.Refused.size(), 1u);
  EXPECT_EQ(Out.Refused[0], "'" + H +
                                "' changed on disk since it was analysed; 1 "
                                "fix-it not applied (run loadcheck again)");
  EXPECT_EQ(Dir.read("a.cpp"), "int a;\n");
  EXPECT_EQ(Dir.read("h.h"), "int h; // edited\n");
  EXPECT_EQ(Dir.read("b.cpp"), "int B;\n");
}

TEST(SafeFixes, FileReadDifferentlyByTwoUnitsIsRefused) {
  Workspace Dir({{"h.h", "int h;\n"}});
  std::string H = Dir.path("h.h");
  FileDigests Run;
  mergeDigests(Run, {{H, FileDigest::of("int h;\n")}});
  mergeDigests(Run, {{H, FileDigest::of("int g;\n")}}); // changed meanwhile
  FixOutcome Out = applyFixes({withFix("x", {{H, 4, 1, "k"}})}, &Run);
  EXPECT_EQ(Out.Applied, 0u);
  EXPECT_EQ(Out.Refused.size(), 1u);
  EXPECT_EQ(Dir.read("h.h"), "int h;\n");
}

TEST(SafeFixes, UnchangedFilesAreFixed) {
  Workspace Dir({{"a.cpp", "int a;\n"}});
  std::string A = Dir.path("a.cpp");
  FileDigests Analysed = {{A, FileDigest::of("int a;\n")}};
  FixOutcome Out = applyFixes({withFix("x", {{A, 4, 1, "z"}})}, &Analysed);
  EXPECT_EQ(Out.Applied, 1u);
  EXPECT_TRUE(Out.Refused.empty());
  EXPECT_EQ(Dir.read("a.cpp"), "int z;\n");
}

// Paths and text that are not UTF-8 cross the worker protocol unchanged.
TEST(WorkerProtocol, RoundTripKeepsBytesAndDigests) {
  FileResult In;
  In.File = "/src/caf\xe9.cpp";
  In.Failure = "";
  Finding F = withFix("loadcheck-x", {{In.File, 3, 2, "\xff\xfe"}});
  F.Message = "quotes '\xe9t\xe9'";
  F.End = F.Where;
  In.Findings.push_back(F);
  In.Analysed[In.File] = FileDigest::of("bytes");
  FileResult Out;
  ASSERT_TRUE(resultFromJSON(resultToJSON(In), Out));
  EXPECT_EQ(Out.File, In.File);
  ASSERT_EQ(Out.Findings.size(), 1u);
  EXPECT_EQ(Out.Findings[0].Message, F.Message);
  EXPECT_EQ(Out.Findings[0].Where.File, In.File);
  EXPECT_EQ(Out.Findings[0].Fixes[0].Text, "\xff\xfe");
  EXPECT_EQ(Out.Analysed.at(In.File), FileDigest::of("bytes"));
}

} // namespace
} // namespace loadcheck::testing
