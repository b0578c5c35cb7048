#include "tests/harness/Annotations.h"

#include "llvm/Support/Regex.h"
#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

struct AnnotationCase {
  const char *Name;
  const char *Source;
  bool IsNote;
  unsigned Line;
  std::optional<unsigned> Column;
  const char *Check;
  const char *MatchingMessage; ///< must match the parsed pattern ("" = any)
};

void PrintTo(const AnnotationCase &C, std::ostream *OS) { *OS << C.Name; }

class AnnotationParse : public ::testing::TestWithParam<AnnotationCase> {};

TEST_P(AnnotationParse, ParsesTargetLineColumnCheckAndMessage) {
  const AnnotationCase &C = GetParam();
  ParsedFixture P = parseFixture(C.Source);
  ASSERT_TRUE(P.Errors.empty()) << P.Errors.front();
  ASSERT_FALSE(P.Expectations.empty());
  const Expectation &E = P.Expectations.front();
  EXPECT_EQ(E.IsNote, C.IsNote);
  EXPECT_EQ(E.Line, C.Line);
  EXPECT_EQ(E.Column, C.Column);
  EXPECT_EQ(E.Check, C.Check);
  if (*C.MatchingMessage)
    EXPECT_TRUE(llvm::Regex(E.MessagePattern).match(C.MatchingMessage))
        << E.MessagePattern;
  else
    EXPECT_EQ(E.MessagePattern, "");
}

const AnnotationCase Cases[] = {
    {"Trailing",
     "int a;\nt.detach(); // expect-warning loadcheck-x: thread 't'\n", false,
     2, std::nullopt, "loadcheck-x", "thread 't' is detached"},
    {"StandaloneTargetsNextCodeLine",
     "// expect-warning:3 loadcheck-x\n\n  code();\n", false, 3, 3u,
     "loadcheck-x", ""},
    {"StandaloneSkipsOtherAnnotations",
     "// expect-warning loadcheck-x: a\n// expect-note loadcheck-x: "
     "b\ncode();\n",
     false, 3, std::nullopt, "loadcheck-x", "a"},
    {"RelativePlus", "// expect-note@+2:7 loadcheck-y: held {{[a-z_]+}}\n\n\n",
     true, 3, 7u, "loadcheck-y", "held mu_"},
    {"RelativeMinus", "x;\ny;\nz; // expect-warning@-2 loadcheck-z\n", false, 1,
     std::nullopt, "loadcheck-z", ""},
    {"RegexMixedWithLiteralDots",
     "f(); // expect-warning loadcheck-x: a.b {{.*}} (c)\n", false, 1,
     std::nullopt, "loadcheck-x", "a.b anything (c)"},
};

INSTANTIATE_TEST_SUITE_P(Cases, AnnotationParse, ::testing::ValuesIn(Cases),
                         [](const auto &Info) { return Info.param.Name; });

TEST(AnnotationParse, LiteralDotIsNotAWildcard) {
  ParsedFixture P = parseFixture("f(); // expect-warning loadcheck-x: a.b\n");
  ASSERT_EQ(P.Expectations.size(), 1u);
  EXPECT_FALSE(llvm::Regex(P.Expectations[0].MessagePattern).match("axb"));
}

TEST(AnnotationParse, ReadsRunArgs) {
  ParsedFixture P = parseFixture("// RUN-ARGS: -std=c++20 -DX=1\nint x;\n");
  EXPECT_EQ(P.RunArgs, (std::vector<std::string>{"-std=c++20", "-DX=1"}));
}

TEST(AnnotationParse, ExpandsTheGeneratedDirectory) {
  ParsedFixture P = parseFixture("// RUN-ARGS: -std=c++20 -I%{generated}\n");
  EXPECT_EQ(P.RunArgs, (std::vector<std::string>{
                           "-std=c++20", "-I" LOADCHECK_GENERATED_DIR}));
  EXPECT_EQ(expandRunArg("%{generated}/a:%{generated}"),
            LOADCHECK_GENERATED_DIR "/a:" LOADCHECK_GENERATED_DIR);
}

TEST(AnnotationParse, ReportsMalformedAnnotations) {
  ParsedFixture P = parseFixture("f(); // expect-warning\n");
  EXPECT_EQ(P.Expectations.size(), 0u);
  EXPECT_EQ(P.Errors.size(), 1u);
}

TEST(AnnotationParse, ReadsExpectNoDiagnostics) {
  ParsedFixture P = parseFixture("// expect-no-diagnostics\nint main();\n");
  EXPECT_TRUE(P.ExpectNoDiagnostics);
  EXPECT_TRUE(P.Expectations.empty());
  EXPECT_TRUE(P.Errors.empty());
  EXPECT_FALSE(parseFixture("int x;\n").ExpectNoDiagnostics);
}

} // namespace
} // namespace loadcheck::testing
