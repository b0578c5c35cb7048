//===--- WorkerFailure.h - why a worker process gave no result --*- C++ -*-===//
//
// A worker that crashes, hangs or is killed leaves no result file. The
// driver then explains the end of the process in one line, from its wait
// status and what it wrote to stderr: LLVM's crash handler prints the
// "pretty stack trace", in which clang's AST matcher names the callback it
// was running (for clang-tidy, the check's name); libstdc++, glibc's assert
// and LLVM's fatal errors print their own reason.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_RUN_WORKERFAILURE_H
#define LOADCHECK_TOOL_RUN_WORKERFAILURE_H

#include "llvm/ADT/StringRef.h"
#include <string>

namespace loadcheck {

/// How a worker process ended, as the driver saw it.
struct WorkerEnd {
  int Status = 0;            ///< from waitpid
  bool TimedOut = false;     ///< the driver stopped it at its deadline
  double TimeoutSeconds = 0; ///< --timeout-per-file, when TimedOut
};

/// The check that was running when the worker died, from its stderr, or "".
std::string runningCheck(llvm::StringRef Stderr);

/// One line, e.g. "analysis of 'a.cpp' crashed (signal 11: Segmentation
/// fault) in check 'x'", "analysis of 'a.cpp' timed out after 2 s".
std::string describeWorkerFailure(llvm::StringRef File, const WorkerEnd &End,
                                  llvm::StringRef Stderr);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_RUN_WORKERFAILURE_H
