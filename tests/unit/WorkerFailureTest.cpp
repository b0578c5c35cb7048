//===--- WorkerFailureTest.cpp - explaining a worker's end ----------------===//
#include "tool/run/WorkerFailure.h"

#include <csignal>
#include <gtest/gtest.h>
#include <sys/wait.h>

namespace loadcheck {
namespace {

// Wait statuses as waitpid reports them on Linux.
int killedBy(int Signal) { return Signal; }
int exitedWith(int Code) { return Code << 8; }

// An excerpt of what LLVM's crash handler prints for a crash in a check.
const char *const StackDump =
    "Stack dump:\n"
    "0.\tProgram arguments: loadcheck --internal-worker=/w/b.cpp\n"
    "1.\t<eof> parser at end of file\n"
    "2.\tASTMatcher: Processing 'loadcheck-lock-order-inversion' against:\n"
    "\tFunctionDecl loadcheck_test_crash_segv : </w/b.cpp:1:1, col:35>\n"
    " #0 0x000055d5c2 llvm::sys::PrintStackTrace(llvm::raw_ostream&, int)\n";

TEST(WorkerFailure, NamesTheCheckFromTheStackDump) {
  EXPECT_EQ(runningCheck(StackDump), "loadcheck-lock-order-inversion");
  EXPECT_EQ(runningCheck("ASTMatcher: Matching 'bugprone-x' against:\n"),
            "bugprone-x");
  EXPECT_EQ(runningCheck("ASTMatcher: Not currently matching\n"), "");
  EXPECT_EQ(runningCheck(""), "");
}

struct Case {
  const char *Name;
  WorkerEnd End;
  std::string Stderr;
  std::string Expected;
};

TEST(WorkerFailure, OneLinePerWayOfDying) {
  std::vector<Case> Cases = {
      {"segv",
       {killedBy(SIGSEGV)},
       StackDump,
       "analysis of 'b.cpp' crashed (signal 11: Segmentation fault) in check "
       "'loadcheck-lock-order-inversion'"},
      {"segv outside matchers",
       {killedBy(SIGSEGV)},
       "Stack dump:\n",
       "analysis of 'b.cpp' crashed (signal 11: Segmentation fault)"},
      {"exception",
       {killedBy(SIGABRT)},
       "terminate called after throwing an instance of 'std::bad_alloc'\n"
       "  what():  std::bad_alloc\n" +
           std::string(StackDump),
       "analysis of 'b.cpp' crashed (uncaught exception 'std::bad_alloc': "
       "std::bad_alloc, signal 6: Aborted) in check "
       "'loadcheck-lock-order-inversion'"},
      {"assert",
       {killedBy(SIGABRT)},
       "loadcheck: X.cpp:3: void f(): Assertion `P && \"msg\"' failed.\n",
       "analysis of 'b.cpp' crashed (assertion failed: P && \"msg\", signal "
       "6: Aborted)"},
      {"fatal error without crash dump",
       {exitedWith(1)},
       "LLVM ERROR: out of memory\n",
       "analysis of 'b.cpp' failed (fatal error: out of memory, worker exit "
       "code 1)"},
      {"oom",
       {killedBy(SIGKILL)},
       "",
       "analysis of 'b.cpp' was killed (signal 9: Killed); most likely the "
       "system ran out of memory"},
      {"timeout",
       {killedBy(SIGQUIT), true, 2.5},
       StackDump,
       "analysis of 'b.cpp' timed out after 2.5 s in check "
       "'loadcheck-lock-order-inversion'"},
      {"timeout killed",
       {killedBy(SIGKILL), true, 60},
       "",
       "analysis of 'b.cpp' timed out after 60 s"},
  };
  for (const Case &C : Cases)
    EXPECT_EQ(describeWorkerFailure("b.cpp", C.End, C.Stderr), C.Expected)
        << C.Name;
}

} // namespace
} // namespace loadcheck
