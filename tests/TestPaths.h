//===--- TestPaths.h - where the tests find their inputs --------*- C++ -*-===//
#ifndef LOADCHECK_TESTS_TESTPATHS_H
#define LOADCHECK_TESTS_TESTPATHS_H

#include "llvm/ADT/StringRef.h"
#include <string>
#include <vector>

namespace loadcheck::testing {

/// Absolute paths of every fixture (not the .fixed.cpp goldens), sorted;
/// \p Section limits them to tests/fixtures/<Section>.
std::vector<std::string> allFixtures(llvm::StringRef Section = "");

/// The fixture sections (sub-directories of tests/fixtures), sorted.
std::vector<std::string> fixtureSections();

/// A gtest-safe name for a path: its stem with non-alphanumerics as '_'.
std::string testNameFor(llvm::StringRef Path);

} // namespace loadcheck::testing

#endif
