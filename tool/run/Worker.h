//===--- Worker.h - translation units analysed in child processes -*- C++
//-*-===//
//
// The driver analyses every translation unit in a child process: it forks,
// the child runs clang-tidy over that one file with the driver's options and
// compile commands, and writes its FileResult as JSON to a temporary file. A
// bounded pool keeps at most N children running. Processes rather than
// threads because clang-tidy's state is not designed for several contexts on
// threads, and because a crashing or hanging translation unit then costs
// only its own result. A fork rather than a new executable because the child
// then starts with the LLVM libraries loaded and relocated and the database
// read: starting loadcheck again costs as much as analysing a small file.
// The hidden option --internal-worker=<file> --internal-output=<json> runs
// the child's side by hand (to profile one file's analysis).
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_RUN_WORKER_H
#define LOADCHECK_TOOL_RUN_WORKER_H

#include "tool/run/Analyzer.h"
#include <functional>
#include <string>
#include <vector>

namespace loadcheck {

/// Runs one worker per file, at most \p Jobs at once, each analysing its
/// file with \p Opts and its commands from \p Database. Results are in the
/// order of \p Files, whatever order the workers finish in. \p OnDone is
/// called in the driver after each file with the number of files done. A
/// worker running longer than \p TimeoutSeconds (when > 0) is stopped and
/// its file reported as timed out; a worker that crashes or is killed costs
/// only its own file, whose Failure then says why (see WorkerFailure.h).
/// The driver must have no other thread running (fork copies only this one).
std::vector<FileResult> runWorkers(
    const std::vector<std::string> &Files,
    const clang::tooling::CompilationDatabase &Database, unsigned Jobs,
    const DriverOptions &Opts,
    const std::function<void(size_t Done, const std::string &File)> &OnDone,
    double TimeoutSeconds = 0);

/// The worker side run by hand (--internal-worker): loads the database as
/// the driver does, analyses \p File and writes the result to \p Output.
/// Returns the process exit code (0 when the result was written).
int runWorker(const std::string &File, const std::string &Output,
              const DriverOptions &Opts);
} // namespace loadcheck

#endif // LOADCHECK_TOOL_RUN_WORKER_H
