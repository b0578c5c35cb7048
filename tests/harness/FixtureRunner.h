//===--- FixtureRunner.h - run one check over one fixture -------*- C++ -*-===//
#ifndef LOADCHECK_TESTS_HARNESS_FIXTURERUNNER_H
#define LOADCHECK_TESTS_HARNESS_FIXTURERUNNER_H

#include "tests/harness/Annotations.h"
#include "tool/results/Finding.h"
#include <string>
#include <vector>

namespace loadcheck::testing {

/// A diagnostic flattened for comparison: warnings and their notes alike.
struct ActualDiagnostic {
  bool IsNote = false;
  std::string File;
  unsigned Line = 0, Column = 0;
  std::string Check; ///< for a note, the check of its warning
  std::string Message;
};

struct FixtureRun {
  std::vector<Finding> Findings;
  std::vector<ActualDiagnostic> Diagnostics;
};

/// The check a fixture exercises: the registered check whose name is the
/// longest prefix of the file's stem (`loadcheck-x-scenario.cpp`).
std::string checkForFixture(llvm::StringRef FixturePath);

/// Runs \p Check over \p FixturePath in-process (the driver's code path)
/// with the fixture's RUN-ARGS.
FixtureRun runFixture(const std::string &FixturePath, const std::string &Check,
                      const std::vector<std::string> &RunArgs);

/// Runs the same through `clang-tidy-19 -load=libloadcheck.so` and parses
/// its output.
std::vector<ActualDiagnostic> runFixtureThroughPlugin(
    const std::string &FixturePath, const std::string &Check,
    const std::vector<std::string> &RunArgs, std::string &ErrorOut);

/// Compares expectations with diagnostics in both directions. Returns one
/// line per mismatch; empty when everything matched.
std::vector<std::string>
compareDiagnostics(const std::string &FixturePath,
                   const std::vector<Expectation> &Expected,
                   const std::vector<ActualDiagnostic> &Actual);

/// Applies every fix-it of \p Findings to the fixture's text. Returns false
/// and sets \p Error on conflicting replacements.
bool applyFixes(const std::string &FixturePath,
                const std::vector<Finding> &Findings, std::string &Fixed,
                std::string &Error);

/// Compiles \p Source as the fixture would be compiled; returns the
/// compiler's output on failure, "" on success.
std::string compileSource(const std::string &Source,
                          const std::vector<std::string> &RunArgs);

/// Runs a program and captures its exit code and output. \p Environment
/// (`env` arguments such as `-u NO_COLOR X=1`) applies with a working
/// directory only.
struct ProcessResult {
  int ExitCode = -1;
  std::string Out, Err;
};
ProcessResult runProcess(const std::string &Program,
                         const std::vector<std::string> &Args,
                         const std::string &WorkingDirectory = "",
                         const std::string &Environment = "");

} // namespace loadcheck::testing

#endif
