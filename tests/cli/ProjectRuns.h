//===--- ProjectRuns.h - small projects run through the driver -*- C++ -*-===//
//
// The multi-file tests of the program model build a project under src/
// with a compile database, run loadcheck with a few checks over it, and
// read the JSON report back: findings with their notes.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TESTS_CLI_PROJECTRUNS_H
#define LOADCHECK_TESTS_CLI_PROJECTRUNS_H

#include "tests/Artifacts.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"

namespace loadcheck::testing {

/// \p Sources with build/compile_commands.json: every file whose name ends
/// in \p Ext, compiled with \p Flags.
inline FileMap withCompileDatabase(FileMap Sources, llvm::StringRef Ext,
                                   const std::string &Flags) {
  std::vector<std::string> Files;
  for (const auto &[Path, Text] : Sources)
    if (llvm::StringRef(Path).ends_with(Ext))
      Files.push_back(Path);
  Sources["build/compile_commands.json"] = compileDatabase(Files, Flags);
  return Sources;
}

/// C sources under src/, C11, with -I src.
inline FileMap cProject(FileMap Sources) {
  return withCompileDatabase(std::move(Sources), ".c",
                             "-x c -std=c11 -I@DIR@/src");
}

/// Runs loadcheck with only \p Checks (comma-separated) over \p Dir's
/// build/compile_commands.json; the JSON report is out.json.
inline void runChecks(const Workspace &Dir, const std::string &Checks) {
  ProcessResult Run =
      runProcess(LOADCHECK_BINARY,
                 {"--root=" + Dir.path(), "--checks=-*," + Checks, "-p",
                  "build", "--format=json", "-o", "out.json"},
                 Dir.path(), "-u NO_COLOR");
  EXPECT_LE(Run.ExitCode, 1) << Run.Err;
}

} // namespace loadcheck::testing

#endif // LOADCHECK_TESTS_CLI_PROJECTRUNS_H
