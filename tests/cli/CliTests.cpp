//===--- CliTests.cpp - end-to-end tests of the loadcheck binary ----------===//
//
// Each case builds a small workspace (sources, compile_commands.json,
// .clang-tidy files), runs the real binary in it and checks the exit code
// and what stdout/stderr must and must not contain.
//
//===----------------------------------------------------------------------===//
#include "tests/Artifacts.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"
#include <gtest/gtest.h>
#include <map>

namespace loadcheck::testing {
namespace {

// --- workspace contents --------------------------------------------------

const char *const Clean = R"(#include <thread>
void work();
void run() {
  std::thread t(work);
  t.join();
}
)";

const char *const Broken = "int main( {\n";

const char *const Suppressed = R"(#include <thread>
void work();
void spawn() {
  std::thread a(work);
  a.detach(); // NOLINT(loadcheck-detached-thread)
  std::thread b(work);
  // NOLINTNEXTLINE(loadcheck-detached-thread)
  b.detach();
  // NOLINTBEGIN(loadcheck-*)
  std::thread c(work);
  c.detach();
  // NOLINTEND(loadcheck-*)
}
)";

const char *const HeaderUser = R"(#include "detach.h"
void use() { spawn(); }
)";

const char *const DetachHeader = R"(#pragma once
#include <thread>
inline void work() {}
inline void spawn() {
  std::thread t(work);
  t.detach();
}
)";

/// compile_commands.json for \p Files (relative to the workspace @DIR@).
std::string database(const std::vector<std::string> &Files) {
  return compileDatabase(Files, "-std=c++17");
}

FileMap standardWorkspace() {
  return {{"src/a.cpp", Detaching},
          {"src/b.cpp", Clean},
          {"broken/broken.cpp", Broken},
          {"other.cpp", Clean},
          {"build/compile_commands.json",
           database({"src/a.cpp", "src/b.cpp", "broken/broken.cpp"})}};
}

FileMap with(FileMap Base, const FileMap &Extra) {
  for (const auto &[Path, Text] : Extra)
    Base[Path] = Text;
  return Base;
}

// --- the table --------------------------------------------------------------

struct CliCase {
  const char *Name;
  FileMap Files;
  std::vector<std::string> Args;
  int ExitCode;
  std::vector<std::string> OutContains = {};
  std::vector<std::string> ErrContains = {};
  std::vector<std::string> OutLacks = {};
  std::string Cwd = "";         ///< relative to the workspace
  std::string Environment = ""; ///< `env` arguments
};

void PrintTo(const CliCase &C, std::ostream *OS) { *OS << C.Name; }

const std::string DetachWarning =
    "src/a.cpp:5:5: warning: thread 't' is detached and cannot be joined at "
    "shutdown; join it or use a worker pool [loadcheck-detached-thread]";

std::vector<CliCase> cases() {
  return {
      {"Version",
       {},
       {"--version"},
       0,
       {"loadcheck 0.1.0 (built with LLVM " + artifactLlvmVersion() + ")"}},
      {"Help", {}, {"--help"}, 0, {"Exit codes: 0 no findings, 1 findings"}},
      {"UnknownOption", {}, {"--frobnicate"}, 2, {}, {"loadcheck: error:"}},
      {"InvalidColorValue", {}, {"--color=sometimes"}, 2, {}, {"--color"}},
      {"ListChecks",
       {},
       {"--list-checks"},
       0,
       {"loadcheck-detached-thread  [Concurrency]  (C, C++)",
        "loadcheck-unjoined-thread  [Concurrency, fix-it]  (C++)"}},
      {"ListChecksHonoursChecksOption",
       {},
       {"--list-checks", "--checks=-*,loadcheck-detached-thread"},
       0,
       {"loadcheck-detached-thread"},
       {},
       {"loadcheck-unjoined-thread"}},
      {"ListChecksRefusesMalformedClangTidy",
       {{".clang-tidy", "Checks: '-*'\nBogus: 1\n"}},
       {"--list-checks"},
       2,
       {},
       {"/.clang-tidy:2:1: unknown key 'Bogus'"}},
      {"FindingExitsOne",
       standardWorkspace(),
       {"-p", "build", "src/a.cpp"},
       1,
       {DetachWarning, "    5 |   t.detach();\n      |     ^\n"},
       {"loadcheck: 1 finding in 1 file; 1 file analysed, 0 not analysed"}},
      {"CleanFileExitsZero",
       standardWorkspace(),
       {"-p", "build", "src/b.cpp"},
       0,
       {},
       {"loadcheck: 0 findings in 0 files; 1 file analysed"}},
      {"QuietHasNoSummary",
       standardWorkspace(),
       {"-q", "-p", "build", "src/b.cpp"},
       0,
       {},
       {},
       {"findings in"}},
      {"DatabaseFoundInBuildDirectory",
       standardWorkspace(),
       {"src/a.cpp"},
       1,
       {DetachWarning}},
      {"DatabaseFileGivenToP",
       standardWorkspace(),
       {"-p", "build/compile_commands.json", "src/a.cpp"},
       1,
       {DetachWarning}},
      {"DirectoryMeansItsDatabaseFiles",
       standardWorkspace(),
       {"-p", "build", "src"},
       1,
       {DetachWarning},
       {"1 finding in 1 file; 2 files analysed"}},
      {"NoInputMeansWholeDatabaseAndBrokenFileExitsThree",
       standardWorkspace(),
       {"-p", "build"},
       3,
       {DetachWarning, "broken/broken.cpp:1:"},
       {"broken/broken.cpp' could not be analysed: it does not compile",
        "1 finding in 1 file; 2 files analysed, 1 not analysed"}},
      {"FileNotInDatabaseExitsTwoButOthersAreReported",
       standardWorkspace(),
       {"-p", "build", "other.cpp", "src/a.cpp"},
       2,
       {DetachWarning},
       {"loadcheck: error: 'other.cpp' is not in the compilation database"}},
      {"MissingInputFile",
       standardWorkspace(),
       {"-p", "build", "nothere.cpp"},
       2,
       {},
       {"loadcheck: error: 'nothere.cpp' does not exist"}},
      {"DirectoryWithoutDatabaseFiles",
       with(standardWorkspace(), {{"empty/readme.txt", "x"}}),
       {"-p", "build", "empty"},
       2,
       {},
       {"no file of the compilation database", "is under 'empty'"}},
      {"MissingDatabaseDirectory",
       standardWorkspace(),
       {"-p", "nowhere", "src/a.cpp"},
       2,
       {},
       {"loadcheck: error: no compilation database: 'nowhere' does not "
        "exist"}},
      {"BuildDirectoryWithoutDatabase",
       with(standardWorkspace(), {{"empty/readme.txt", "x"}}),
       {"-p", "empty", "src/a.cpp"},
       2,
       {},
       {"no compilation database: 'empty/compile_commands.json' does not "
        "exist"}},
      {"NoDatabaseAnywhere",
       {{"lonely.cpp", Clean}},
       {"lonely.cpp"},
       2,
       {},
       {"no compile_commands.json in ./build or '.'"}},
      {"CorruptDatabase",
       {{"bad/compile_commands.json", "{ this is not json"}},
       {"-p", "bad"},
       2,
       {},
       {"loadcheck: error: cannot load compilation database "
        "'bad/compile_commands.json'"}},
      {"EmptyDatabase",
       {{"empty/compile_commands.json", "[]"}},
       {"-p", "empty"},
       2,
       {},
       {"compilation database 'empty/compile_commands.json' has no entries"}},
      {"FixedDatabaseAfterDoubleDash",
       {{"loose.cpp", Detaching}},
       {"loose.cpp", "--", "-std=c++17"},
       1,
       {"loose.cpp:5:5: warning: thread 't' is detached"}},
      {"FixedDatabaseNeedsInputs",
       {},
       {"--", "-std=c++17"},
       2,
       {},
       {"no input files"}},
      {"NonCompilingFileExitsThreeOthersStillReported",
       {{"loose.cpp", Detaching}, {"broken.cpp", Broken}},
       {"broken.cpp", "loose.cpp", "--", "-std=c++17"},
       3,
       {"loose.cpp:5:5: warning: thread 't' is detached", "broken.cpp:1:"},
       {"broken.cpp' could not be analysed: it does not compile"}},
      {"UnreadableFileExitsThree",
       {{"loose.cpp", Detaching}},
       {"gone.cpp", "loose.cpp", "--", "-std=c++17"},
       3,
       {"loose.cpp:5:5: warning"},
       {"loadcheck: error: cannot read", "gone.cpp': No such file"}},
      {"CheckPatternMatchingNothing",
       standardWorkspace(),
       {"-p", "build", "--checks=-*,loadcheck-nosuch*", "src/a.cpp"},
       2,
       {},
       {"check pattern 'loadcheck-nosuch*' in --checks matches no check"}},
      {"NoCheckEnabled",
       standardWorkspace(),
       {"-p", "build", "--checks=-*", "src/a.cpp"},
       2,
       {},
       {"no check is enabled"}},
      {"ChecksOptionDisablesACheck",
       standardWorkspace(),
       {"-p", "build", "--checks=-loadcheck-detached-thread", "src/a.cpp"},
       0},
      {"UpstreamCheckCanBeEnabled",
       standardWorkspace(),
       {"-p", "build", "--checks=-*,bugprone-use-after-move", "src/a.cpp"},
       0},
      {"ClangTidyFileChecksHonoured",
       with(standardWorkspace(),
            {{"src/.clang-tidy", "Checks: '-*,loadcheck-unjoined-thread'\n"}}),
       {"-p", "build", "src/a.cpp"},
       0},
      {"ClangTidyCheckOptionsHonoured",
       with(standardWorkspace(),
            {{"src/.clang-tidy",
              "Checks: '-*,bugprone-unused-return-value'\n"
              "CheckOptions:\n"
              "  bugprone-unused-return-value.CheckedFunctions: '::work'\n"},
             {"src/b.cpp", "int work();\nvoid run() { work(); }\n"}}),
       {"-p", "build", "src/b.cpp"},
       1,
       {"src/b.cpp:2:14: warning: the value returned by this function should "
        "not be disregarded"}},
      {"BlockingFunctionsOptionAddsAFunction",
       {{"lock.cpp", "#include <mutex>\nstd::mutex mu;\nvoid fetch();\n"
                     "void run() {\n  std::lock_guard g(mu);\n  fetch();\n}\n"},
        {".clang-tidy",
         "Checks: '-*,loadcheck-blocking-under-lock'\n"
         "CheckOptions:\n"
         "  loadcheck-blocking-under-lock.BlockingFunctions: '::fetch'\n"}},
       {"lock.cpp", "--", "-std=c++17"},
       1,
       {"lock.cpp:6:3: warning: 'fetch' blocks while 'mu' is held"}},
      {"LockedSuffixPatternOptionReplacesTheDefault",
       {{"state.cpp",
         "#include <mutex>\nstruct S {\n  std::mutex mu;\n  long n = 0;\n"
         "  long get() { std::lock_guard g(mu); return n; }\n"
         "  void bumpHeld() { ++n; }\n  void bumpLocked() { ++n; }\n};\n"},
        {".clang-tidy",
         "Checks: '-*,loadcheck-unguarded-shared-state'\n"
         "CheckOptions:\n"
         "  loadcheck-unguarded-shared-state.LockedSuffixPattern: 'Held$'\n"}},
       {"state.cpp", "--", "-std=c++17"},
       1,
       {"state.cpp:7:25: warning: unlocked write of 'n' races with its "
        "read "
        "under 'mu' in 'S::get'"}},
      {"ClangTidyHeaderFilterRegexHonoured",
       {{"inc/detach.h", DetachHeader},
        {"user.cpp", HeaderUser},
        {".clang-tidy", "HeaderFilterRegex: 'inc/'\n"}},
       {"user.cpp", "--", "-std=c++17", "-Iinc"},
       1,
       {"inc/detach.h:6:5: warning: thread 't' is detached"}},
      {"EmptyHeaderFilterRegexMeansNoHeaders",
       {{"inc/detach.h", DetachHeader},
        {"user.cpp", HeaderUser},
        {".clang-tidy", "HeaderFilterRegex: ''\n"}},
       {"user.cpp", "--", "-std=c++17", "-Iinc"},
       0,
       {},
       {"1 finding in headers hidden by the header filter"},
       {"detach.h"}},
      {"DatabaseEntryWhoseFileIsGone",
       {{"src/a.cpp", Detaching},
        {"build/compile_commands.json",
         database({"src/a.cpp", "src/gone.cpp"})}},
       {"-p", "build"},
       3,
       {DetachWarning},
       {"loadcheck: error: cannot read", "src/gone.cpp': No such file"}},
      {"ClangTidyWarningsAsErrors",
       with(standardWorkspace(),
            {{"src/.clang-tidy", "WarningsAsErrors: 'loadcheck-*'\n"}}),
       {"-p", "build", "src/a.cpp"},
       1,
       {"src/a.cpp:5:5: error: thread 't' is detached",
        "[loadcheck-detached-thread,-warnings-as-errors]"}},
      {"ClangTidyUnknownKey",
       with(standardWorkspace(),
            {{"src/.clang-tidy", "Checks: '-*,loadcheck-*'\nFooBar: 1\n"}}),
       {"-p", "build", "src/a.cpp"},
       2,
       {},
       {"src/.clang-tidy:2:1: unknown key 'FooBar'"}},
      {"ClangTidyYamlError",
       with(standardWorkspace(), {{"src/.clang-tidy", "Checks: [\n"}}),
       {"-p", "build", "src/a.cpp"},
       2,
       {},
       {"loadcheck: error:", "src/.clang-tidy:1:"}},
      {"ClangTidyInvalidRegex",
       with(standardWorkspace(),
            {{"src/.clang-tidy", "HeaderFilterRegex: '([a-'\n"}}),
       {"-p", "build", "src/a.cpp"},
       2,
       {},
       {"src/.clang-tidy: invalid HeaderFilterRegex '([a-'"}},
      {"ClangTidyPatternOfAnotherTool",
       with(standardWorkspace(),
            {{"src/.clang-tidy", "Checks: 'modernize-*'\n"}}),
       {"-p", "build", "src/a.cpp"},
       1,
       {DetachWarning},
       {"check pattern 'modernize-*' matches no check loadcheck knows; "
        "ignored"}},
      {"InvalidHeaderFilterOption",
       standardWorkspace(),
       {"-p", "build", "--header-filter=(", "src/a.cpp"},
       2,
       {},
       {"invalid --header-filter '('"}},
      {"NolintVariants",
       {{"quiet.cpp", Suppressed}},
       {"quiet.cpp", "--", "-std=c++17"},
       0},
      {"HeadersReportedByDefault",
       {{"inc/detach.h", DetachHeader}, {"user.cpp", HeaderUser}},
       {"user.cpp", "--", "-std=c++17", "-Iinc"},
       1,
       {"inc/detach.h:6:5: warning: thread 't' is detached"}},
      {"HeaderFilterReportsHeaders",
       {{"inc/detach.h", DetachHeader}, {"user.cpp", HeaderUser}},
       {"--header-filter=.*", "user.cpp", "--", "-std=c++17", "-Iinc"},
       1,
       {"inc/detach.h:6:5: warning: thread 't' is detached"}},
      {"HeaderFindingReportedOncePerRun",
       {{"inc/detach.h", DetachHeader},
        {"user.cpp", HeaderUser},
        {"user2.cpp", HeaderUser}},
       {"--header-filter=.*", "user.cpp", "user2.cpp", "--", "-std=c++17",
        "-Iinc"},
       1,
       {},
       {"1 finding in 1 file; 2 files analysed"}},
      {"ColorAlways",
       standardWorkspace(),
       {"--color=always", "-p", "build", "src/a.cpp"},
       1,
       {"\x1b["}},
      {"NoColorWhenNotATerminal",
       standardWorkspace(),
       {"-p", "build", "src/a.cpp"},
       1,
       {},
       {},
       {"\x1b["}},
      {"ColorFlagBeatsNoColorEnvironment",
       standardWorkspace(),
       {"--color=always", "-p", "build", "src/a.cpp"},
       1,
       {"\x1b["},
       {},
       {},
       "",
       "NO_COLOR=1"},
      {"NoColorEnvironmentBeatsAutoDetection",
       standardWorkspace(),
       {"--color=auto", "-p", "build", "src/a.cpp"},
       1,
       {DetachWarning},
       {},
       {"\x1b["},
       "",
       "NO_COLOR=1"},
      {"ColorNever",
       standardWorkspace(),
       {"--color=never", "-p", "build", "src/a.cpp"},
       1,
       {DetachWarning},
       {},
       {"\x1b["}},
      // --extra-arg takes one value per occurrence; the file after it is an
      // input, not a second compiler argument.
      {"ExtraArgBeforeAnInputTakesOneValue",
       standardWorkspace(),
       {"--color=never", "-p", "build", "--extra-arg=-DUNUSED", "src/a.cpp"},
       1,
       {DetachWarning}},
      {"ExtraArgWithSeparateValueBeforeAnInput",
       standardWorkspace(),
       {"--color=never", "-p", "build", "--extra-arg", "-DUNUSED", "src/a.cpp"},
       1,
       {DetachWarning}},
  };
}

class CliTest : public ::testing::TestWithParam<CliCase> {};

TEST_P(CliTest, ExitCodeAndOutput) {
  const CliCase &C = GetParam();
  Workspace Dir(C.Files);
  std::string Cwd = C.Cwd.empty() ? Dir.path() : Dir.path() + "/" + C.Cwd;
  std::string Env = C.Environment.empty() ? "-u NO_COLOR" : C.Environment;
  ProcessResult Run = runProcess(LOADCHECK_BINARY, C.Args, Cwd, Env);

  EXPECT_EQ(Run.ExitCode, C.ExitCode) << "stdout:\n"
                                      << Run.Out << "\nstderr:\n"
                                      << Run.Err;
  for (const std::string &S : C.OutContains)
    EXPECT_NE(Run.Out.find(S), std::string::npos)
        << "stdout lacks: " << S << "\nstdout:\n"
        << Run.Out;
  for (const std::string &S : C.ErrContains)
    EXPECT_NE(Run.Err.find(S), std::string::npos)
        << "stderr lacks: " << S << "\nstderr:\n"
        << Run.Err;
  for (const std::string &S : C.OutLacks)
    EXPECT_EQ(Run.Out.find(S), std::string::npos)
        << "stdout should not contain: " << S << "\nstdout:\n"
        << Run.Out;
  // Every error is one line starting with the tool's name.
  llvm::SmallVector<llvm::StringRef> ErrLines;
  llvm::StringRef(Run.Err).split(ErrLines, '\n', -1, false);
  for (llvm::StringRef Line : ErrLines)
    EXPECT_TRUE(Line.starts_with("loadcheck: ") || C.ExitCode == 0 ||
                Line.starts_with("Usage") || Line.empty())
        << "stray stderr line: " << Line.str();
}

INSTANTIATE_TEST_SUITE_P(Cases, CliTest, ::testing::ValuesIn(cases()),
                         [](const auto &Info) { return Info.param.Name; });

/// Whether \p Text holds an SGR (colour) escape sequence.
bool hasColour(llvm::StringRef Text) {
  static const llvm::Regex Sgr("\x1b\\[[0-9;]*m");
  return Sgr.match(Text);
}

TEST(Cli, ColourOnATerminal) {
  // script(1) gives the driver a pseudo-terminal as stdout.
  ASSERT_TRUE(llvm::sys::fs::can_execute("/usr/bin/script"));
  Workspace Dir({{"x.cpp", Detaching}});
  std::string Command =
      std::string("'") + LOADCHECK_BINARY + "' x.cpp -- -std=c++17";
  ProcessResult Tty =
      runProcess("/usr/bin/script", {"-qec", Command, "/dev/null"}, Dir.path(),
                 "-u NO_COLOR");
  EXPECT_TRUE(hasColour(Tty.Out)) << Tty.Out;
  ProcessResult NoColor =
      runProcess("/usr/bin/script", {"-qec", Command, "/dev/null"}, Dir.path(),
                 "NO_COLOR=1");
  EXPECT_NE(NoColor.Out.find("thread 't' is detached"), std::string::npos)
      << NoColor.Out;
  EXPECT_FALSE(hasColour(NoColor.Out)) << NoColor.Out;
  ProcessResult Never = runProcess("/usr/bin/script",
                                   {"-qec",
                                    std::string("'") + LOADCHECK_BINARY +
                                        "' --color=never x.cpp -- -std=c++17",
                                    "/dev/null"},
                                   Dir.path(), "-u NO_COLOR");
  EXPECT_FALSE(hasColour(Never.Out)) << Never.Out;
}

TEST(Cli, ProgressLineOnlyOnATerminal) {
  ASSERT_TRUE(llvm::sys::fs::can_execute("/usr/bin/script"));
  Workspace Dir({{"x.cpp", Detaching}, {"y.cpp", Clean}});
  std::string Command = std::string("'") + LOADCHECK_BINARY + "' -j1";
  std::string Inputs = " x.cpp y.cpp -- -std=c++17";
  // On a terminal: `[done/total] file  elapsed, ETA`, rewritten in place.
  ProcessResult Tty =
      runProcess("/usr/bin/script", {"-qec", Command + Inputs, "/dev/null"},
                 Dir.path(), "-u NO_COLOR");
  EXPECT_NE(Tty.Out.find("[1/2] x.cpp"), std::string::npos) << Tty.Out;
  EXPECT_NE(Tty.Out.find("[2/2] y.cpp"), std::string::npos) << Tty.Out;
  EXPECT_NE(Tty.Out.find("elapsed, ETA"), std::string::npos) << Tty.Out;
  // --quiet: none.
  ProcessResult Quiet = runProcess(
      "/usr/bin/script", {"-qec", Command + " --quiet" + Inputs, "/dev/null"},
      Dir.path(), "-u NO_COLOR");
  EXPECT_EQ(Quiet.Out.find("[1/2]"), std::string::npos) << Quiet.Out;
  // stderr not a terminal: none.
  ProcessResult Piped =
      runProcess(LOADCHECK_BINARY, {"x.cpp", "y.cpp", "--", "-std=c++17"},
                 Dir.path(), "-u NO_COLOR");
  EXPECT_EQ(Piped.Err.find("[1/2]"), std::string::npos) << Piped.Err;
}

TEST(Cli, OutputOrderDoesNotDependOnArgumentOrder) {
  Workspace Dir({{"x.cpp", Detaching}, {"y.cpp", Detaching}});
  ProcessResult XY = runProcess(LOADCHECK_BINARY, {"x.cpp", "y.cpp", "--"},
                                Dir.path(), "-u NO_COLOR");
  ProcessResult YX = runProcess(LOADCHECK_BINARY, {"y.cpp", "x.cpp", "--"},
                                Dir.path(), "-u NO_COLOR");
  EXPECT_EQ(XY.ExitCode, 1);
  EXPECT_EQ(XY.Out, YX.Out);
  EXPECT_LT(XY.Out.find("x.cpp:5:5"), XY.Out.find("y.cpp:5:5"));
}

} // namespace
} // namespace loadcheck::testing
