//===--- ReliabilityTests.cpp - crashes, hangs and stale fix-its ----------===//
//
// Runs loadcheck_crashtest (the driver plus test-only checks that fail on
// purpose, tests/testchecks) over a small project in which one file holds a
// marked function: every way a check can die must cost that file only (exit
// code 3, one error line naming the check), the findings of the other files
// must all be reported; --timeout-per-file must stop a hanging file; --fix
// must refuse a file that changed since its analysis and never apply
// overlapping fix-its.
//
//===----------------------------------------------------------------------===//
#include "tests/Artifacts.h"
#include "tests/Sanitizer.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"

#include "llvm/Support/JSON.h"
#include <chrono>
#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

namespace json = llvm::json;

const char *const Unjoined = R"(#include <thread>
void work();
void start() {
  std::thread t(work);
}
)";

std::string database(const std::vector<std::string> &Files) {
  return compileDatabase(Files, "-std=c++20");
}

/// a.cpp and c.cpp have one finding each; b.cpp holds the marked function.
FileMap project(const std::string &Marker) {
  return {
      {"a.cpp", Detaching},
      {"b.cpp", "void " + Marker + "() {}\n"},
      {"c.cpp", Unjoined},
      {"build/compile_commands.json", database({"a.cpp", "b.cpp", "c.cpp"})}};
}

const std::string Checks = "--checks=-*,loadcheck-detached-thread,"
                           "loadcheck-unjoined-thread,testonly-*";

ProcessResult crashtest(const Workspace &Dir, std::vector<std::string> Args) {
  Args.insert(Args.begin(), {"--root=" + Dir.path(), Checks, "-p", "build"});
  return runProcess(LOADCHECK_CRASHTEST_BINARY, Args, Dir.path(),
                    "-u NO_COLOR");
}

void expectOthersReported(const ProcessResult &Run) {
  EXPECT_NE(Run.Out.find("a.cpp:5:5: warning: thread 't' is detached"),
            std::string::npos)
      << Run.Out << Run.Err;
  EXPECT_NE(Run.Out.find("c.cpp:4:15: warning: thread 't' may be destroyed"),
            std::string::npos)
      << Run.Out << Run.Err;
  EXPECT_NE(
      Run.Err.find(
          "loadcheck: 2 findings in 2 files; 2 files analysed, 1 not analysed"),
      std::string::npos)
      << Run.Err;
}

// --- 1. crash isolation -----------------------------------------------------

struct CrashCase {
  const char *Name;
  const char *Marker; ///< the function that makes the test check fail
  std::string Reason; ///< the error line after "analysis of '<b.cpp>' "
};

void PrintTo(const CrashCase &C, std::ostream *OS) { *OS << C.Name; }

const std::string InCheck = " in check 'testonly-fault-injection'";

std::vector<CrashCase> crashCases() {
  return {
      {"NullWrite", "loadcheck_test_crash_segv",
       "crashed (signal 11: Segmentation fault)" + InCheck},
      {"StackOverflow", "loadcheck_test_crash_stack_overflow",
       "crashed (signal 11: Segmentation fault)" + InCheck},
      {"Assertion", "loadcheck_test_crash_assert",
       "crashed (assertion failed: NullTarget != nullptr && \"injected "
       "assertion failure\", signal 6: Aborted)" +
           InCheck},
      {"Abort", "loadcheck_test_crash_abort",
       "crashed (signal 6: Aborted)" + InCheck},
      {"UncaughtException", "loadcheck_test_crash_exception",
       "crashed (uncaught exception 'std::runtime_error': injected uncaught "
       "exception, signal 6: Aborted)" +
           InCheck},
      {"LlvmFatalError", "loadcheck_test_crash_fatal_error",
       "crashed (fatal error: injected fatal error, signal 6: Aborted)" +
           InCheck},
      // SIGKILL from outside, as the out-of-memory killer sends it.
      {"KilledFromOutside", "loadcheck_test_killed",
       "was killed (signal 9: Killed); most likely the system ran out of "
       "memory"},
  };
}

class CrashIsolation : public ::testing::TestWithParam<CrashCase> {};

TEST_P(CrashIsolation, OnlyTheFailingFileIsLost) {
  LOADCHECK_SKIP_IF_SANITIZED("the sanitizer runtime handles the injected "
                              "crash itself");
  const CrashCase &C = GetParam();
  Workspace Dir(project(C.Marker));
  ProcessResult Run = crashtest(Dir, {"-j2"});
  EXPECT_EQ(Run.ExitCode, 3) << Run.Out << Run.Err;
  std::string Error = "loadcheck: error: analysis of '" + Dir.path("b.cpp") +
                      "' " + C.Reason + "\n";
  EXPECT_NE(Run.Err.find(Error), std::string::npos)
      << "expected: " << Error << "stderr:\n"
      << Run.Err;
  expectOthersReported(Run);
  // Nothing of the worker's own crash report reaches the user.
  EXPECT_EQ(Run.Err.find("Stack dump"), std::string::npos) << Run.Err;
}

INSTANTIATE_TEST_SUITE_P(Kinds, CrashIsolation,
                         ::testing::ValuesIn(crashCases()),
                         [](const auto &Info) { return Info.param.Name; });

TEST(CrashIsolation, MachineReportsCarryTheFailure) {
  LOADCHECK_SKIP_IF_SANITIZED("the sanitizer runtime handles the injected "
                              "crash itself");
  Workspace Dir(project("loadcheck_test_crash_segv"));
  ProcessResult Run = crashtest(
      Dir, {"--format=json", "-o", "r.json", "--write-baseline", "b.json"});
  EXPECT_EQ(Run.ExitCode, 3) << Run.Err;
  auto Report = json::parse(Dir.read("r.json"));
  ASSERT_TRUE(bool(Report)) << llvm::toString(Report.takeError());
  const json::Array *Failures = Report->getAsObject()->getArray("failures");
  ASSERT_TRUE(Failures && Failures->size() == 1) << Dir.read("r.json");
  const json::Object *Failure = Failures->front().getAsObject();
  EXPECT_EQ(Failure->getString("file"), "b.cpp");
  EXPECT_TRUE(Failure->getString("reason")->contains(
      "crashed (signal 11: Segmentation fault)" + InCheck));
  EXPECT_EQ(Report->getAsObject()->getArray("findings")->size(), 2u);

  ProcessResult Sarif = crashtest(Dir, {"--format=sarif"});
  EXPECT_EQ(Sarif.ExitCode, 3);
  EXPECT_NE(Sarif.Out.find("\"executionSuccessful\": false"),
            std::string::npos);
  EXPECT_NE(Sarif.Out.find("Segmentation fault)" + InCheck), std::string::npos)
      << Sarif.Out;
  EXPECT_NE(Sarif.Out.find("\"ruleId\": \"loadcheck-detached-thread\""),
            std::string::npos);
}

// The shipped binary has no test-only check: --checks refuses the pattern.
TEST(CrashIsolation, TestOnlyChecksAreNotInTheShippedDriver) {
  ProcessResult Run = runProcess(
      LOADCHECK_BINARY, {"--list-checks", "--checks=testonly-*"}, "", "");
  EXPECT_EQ(Run.ExitCode, 2) << Run.Out;
  ProcessResult Crashtest =
      runProcess(LOADCHECK_CRASHTEST_BINARY,
                 {"--list-checks", "--checks=testonly-*"}, "", "");
  EXPECT_EQ(Crashtest.ExitCode, 0) << Crashtest.Err;
  EXPECT_NE(Crashtest.Out.find("testonly-fault-injection"), std::string::npos);
}

// --- 2. --timeout-per-file --------------------------------------------------

// The limit leaves room for the other files to be analysed on a loaded CI
// machine: only the hanging file may time out.
TEST(Timeout, HangingFileIsStoppedPromptlyAndOthersReported) {
  Workspace Dir(project("loadcheck_test_hang"));
  auto Start = std::chrono::steady_clock::now();
  ProcessResult Run = crashtest(Dir, {"-j2", "--timeout-per-file", "7.5"});
  auto Seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
          .count();
  EXPECT_EQ(Run.ExitCode, 3) << Run.Err;
  std::string Check = InCheck;
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
  // TSan's runtime defers the SIGQUIT whose stack dump names the check.
  Check = "";
#endif
#endif
  EXPECT_NE(Run.Err.find("loadcheck: error: analysis of '" + Dir.path("b.cpp") +
                         "' timed out after 7.5 s" + Check + "\n"),
            std::string::npos)
      << Run.Err;
  expectOthersReported(Run);
  // 7.5 s, at most 2 s for the stack dump, and the two other small files
  // on the second job.
  EXPECT_GE(Seconds, 7.5);
  EXPECT_LT(Seconds, 40.0);
}

TEST(Timeout, GenerousLimitChangesNothing) {
  Workspace Dir(project("not_marked"));
  ProcessResult Run = crashtest(Dir, {"--timeout-per-file=600"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_NE(
      Run.Err.find("2 findings in 2 files; 3 files analysed, 0 not analysed"),
      std::string::npos)
      << Run.Err;
}

// --- 6. safe fixes ----------------------------------------------------------

TEST(SafeFixes, FileChangedDuringAnalysisIsRefusedOthersFixed) {
  std::string Stale =
      std::string(Unjoined) + "void loadcheck_test_modify_on_disk() {}\n";
  Workspace Dir(
      {{"a.cpp", Stale},
       {"c.cpp", Unjoined},
       {"build/compile_commands.json", database({"a.cpp", "c.cpp"})}});
  ProcessResult Run = crashtest(Dir, {"--fix"});
  EXPECT_EQ(Run.ExitCode, 3) << Run.Err;
  EXPECT_NE(Run.Err.find("loadcheck: error: '" + Dir.path("a.cpp") +
                         "' changed on disk since it was analysed; 1 fix-it "
                         "not applied (run loadcheck again)"),
            std::string::npos)
      << Run.Err;
  EXPECT_NE(Run.Err.find("applied 1 fix-it in 1 file"), std::string::npos)
      << Run.Err;
  // a.cpp is exactly what the "editor" wrote; c.cpp is fixed.
  EXPECT_EQ(Dir.read("a.cpp"),
            "// edited while loadcheck analysed it\n" + Stale);
  EXPECT_NE(Dir.read("c.cpp").find("std::jthread t(work);"), std::string::npos);
}

// Within one translation unit clang-tidy itself keeps one of two overlapping
// fix-its (and notes it); the file must compile after --fix.
TEST(SafeFixes, OverlappingFixItsInOneUnitNeverCorruptTheFile) {
  const char *Overlapping = R"(#include <thread>
void work();
void loadcheck_test_overlapping_fix() {
  std::thread t(work);
}
)";
  Workspace Dir(
      {{"a.cpp", Overlapping},
       {"c.cpp", Unjoined},
       {"build/compile_commands.json", database({"a.cpp", "c.cpp"})}});
  ProcessResult Run = crashtest(Dir, {"--fix"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_NE(Run.Out.find("note: this fix will not be applied because it "
                         "overlaps with another fix"),
            std::string::npos)
      << Run.Out;
  EXPECT_NE(Run.Err.find("applied 2 fix-its in 2 files (0 conflicting)"),
            std::string::npos)
      << Run.Err;
  std::string Fixed = Dir.read("a.cpp");
  EXPECT_EQ(Fixed, "#include <thread>\nvoid work();\n"
                   "void loadcheck_test_overlapping_fix() { /* emptied for "
                   "a.cpp */ }\n");
  EXPECT_EQ(compileSource(Fixed, {"-std=c++20"}), "");
  EXPECT_EQ(compileSource(Dir.read("c.cpp"), {"-std=c++20"}), "");
}

// Across translation units only the driver sees both: two includers of a
// header offer different fix-its for the same range. One is applied, the
// other reported as a conflict, and the header compiles.
TEST(SafeFixes, OverlappingFixItsAcrossUnitsAreReportedNotMerged) {
  Workspace Dir(
      {{"inc/h.h", "#pragma once\ninline int loadcheck_test_overlapping_fix() "
                   "{\n  return 1;\n}\n"},
       {"a.cpp", "#include \"h.h\"\nint a() { return "
                 "loadcheck_test_overlapping_fix(); }\n"},
       {"b.cpp", "#include \"h.h\"\nint b() { return "
                 "loadcheck_test_overlapping_fix(); }\n"},
       {"build/compile_commands.json",
        "[{\"directory\": \"@DIR@\", \"file\": \"@DIR@/a.cpp\", \"command\": "
        "\"c++ -I@DIR@/inc -c @DIR@/a.cpp\"},\n {\"directory\": \"@DIR@\", "
        "\"file\": \"@DIR@/b.cpp\", \"command\": \"c++ -I@DIR@/inc -c "
        "@DIR@/b.cpp\"}]\n"}});
  ProcessResult Run = crashtest(Dir, {"--header-filter=.*", "--fix"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  std::string Header = Dir.path("inc/h.h");
  EXPECT_NE(Run.Err.find("loadcheck: warning: " + Header +
                         ":2:12: fix-it of [testonly-overlapping-fix] "
                         "conflicts with the fix-it of "
                         "[testonly-overlapping-fix] at 2:12; not applied"),
            std::string::npos)
      << Run.Err;
  EXPECT_NE(Run.Err.find("applied 1 fix-it in 1 file (1 conflicting)"),
            std::string::npos)
      << Run.Err;
  std::string Fixed = Dir.read("inc/h.h");
  EXPECT_EQ(Fixed, "#pragma once\ninline int loadcheck_test_overlapping_fix() "
                   "{ /* emptied for a.cpp */ }\n");
}

} // namespace
} // namespace loadcheck::testing
