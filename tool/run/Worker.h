//===--- Worker.h - translation units analysed in child processes -*- C++
//-*-===//
//
// The driver analyses every translation unit in a child process: it
// re-executes itself with the hidden option --internal-worker=<file>, the
// child runs clang-tidy over that one file and writes its FileResult as JSON
// to --internal-output=<temp file>. A bounded pool keeps at most N children
// running. Processes rather than threads because clang-tidy's state is not
// designed for several contexts on threads, and because a crashing or
// hanging translation unit then costs only its own result.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_RUN_WORKER_H
#define LOADCHECK_TOOL_RUN_WORKER_H

#include "tool/run/Analyzer.h"
#include <functional>
#include <string>
#include <vector>

namespace loadcheck {

/// Runs one worker per file, at most \p Jobs at once. Each worker gets its
/// file's commands from \p Database (it does not load the database again).
/// \p Executable and
/// \p OwnArgs / \p CompilerArgs are the driver's own command line (the
/// worker parses the same options). Results are in the order of \p Files,
/// whatever order the workers finish in. \p OnDone is called in the driver
/// after each file with the number of files done. A worker running longer
/// than \p TimeoutSeconds (when > 0) is stopped and its file reported as
/// timed out; a worker that crashes or is killed costs only its own file,
/// whose Failure then says why (see WorkerFailure.h).
std::vector<FileResult> runWorkers(
    const std::vector<std::string> &Files,
    const clang::tooling::CompilationDatabase &Database, unsigned Jobs,
    const std::string &Executable, const std::vector<std::string> &OwnArgs,
    bool HasCompilerArgs, const std::vector<std::string> &CompilerArgs,
    const std::function<void(size_t Done, const std::string &File)> &OnDone,
    double TimeoutSeconds = 0);

/// The worker side: analyses \p File and writes the result to \p Output.
/// Returns the process exit code (0 when the result was written).
int runWorker(const std::string &File, const std::string &Output,
              const DriverOptions &Opts);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_RUN_WORKER_H
