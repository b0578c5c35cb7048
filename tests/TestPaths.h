//===--- TestPaths.h - where the tests find their inputs --------*- C++ -*-===//
#ifndef LOADCHECK_TESTS_TESTPATHS_H
#define LOADCHECK_TESTS_TESTPATHS_H

#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace loadcheck::testing {

/// Absolute paths of every fixture, C++ (`.cpp`) and C (`.c`), not the
/// goldens (`.fixed.cpp`, `.fixed.c`), sorted; \p Section limits them to
/// tests/fixtures/<Section>.
std::vector<std::string> allFixtures(llvm::StringRef Section = "");

/// The golden file of a fixture: `x.cpp` -> `x.fixed.cpp`, `x.c` ->
/// `x.fixed.c`.
std::string goldenFor(llvm::StringRef Fixture);

/// The arguments that compile a fixture's (fixed) text written to a
/// temporary `.cpp` file: its RUN-ARGS, after `-x c` for a C fixture.
std::vector<std::string>
fixtureCompileArgs(llvm::StringRef Fixture,
                   const std::vector<std::string> &RunArgs);

/// The fixture sections (sub-directories of tests/fixtures), sorted.
std::vector<std::string> fixtureSections();

/// A gtest-safe name for a path: its stem with non-alphanumerics as '_'.
std::string testNameFor(llvm::StringRef Path);

} // namespace loadcheck::testing

#endif
