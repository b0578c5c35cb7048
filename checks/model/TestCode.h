//===--- TestCode.h - is this code a test? ----------------------*- C++ -*-===//
//
// Test code is not served under load: a client without timeouts talking to
// the in-process test server, TLS verification off against a self-signed
// test certificate, fixture credentials, a sleep that synchronises a test
// are what tests are made of. The test-code model answers "is the code at
// this location test code?" once per translation unit, for every check.
//
// A location is test code when
//  - the path of its file matches the global option `TestFilePattern`
//    (defaultTestFilePattern(): `test/`, `tests/`, `fuzz/` directories,
//    `*_test.*`, `test_*.*`, `*Test.cpp` files, ...); or
//  - its file includes a test framework itself (a test helper header), or
//    it is in the main file of a translation unit that includes one
//    (GoogleTest, GoogleMock, Catch2, doctest, Boost.Test), recognised by
//    the framework's header names.
// A production header included by a test is not test code: its findings
// are the library's, and a header-only library is often compiled only
// through its tests. The path is the file's name as the compiler knows it
// (usually absolute): a pattern that matches a directory above the project
// makes everything test code.
//
// Checks whose hazard only exists under production load derive from
// TestCodeAwareCheck and skip test code unless their option
// `IncludeTestCode` is true; checks whose findings are bugs anywhere
// (an unjoined thread, a lock-order inversion) do not ask.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_CHECKS_MODEL_TESTCODE_H
#define LOADCHECK_CHECKS_MODEL_TESTCODE_H

#include "clang-tidy/ClangTidyCheck.h"
#include "clang/Basic/FileEntry.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Regex.h"
#include <memory>
#include <string>

namespace clang {
class ASTContext;
class CXXRecordDecl;
class FunctionDecl;
} // namespace clang

namespace loadcheck::model {

/// The default of the global option `TestFilePattern`, a POSIX extended
/// regular expression searched in a file's path.
llvm::StringRef defaultTestFilePattern();

/// True when \p IncludedPath (as the compiler opened it, e.g.
/// `/usr/include/gtest/gtest.h`) is the main header of a test framework.
bool isTestFrameworkHeader(llvm::StringRef IncludedPath);

/// The fixture class whose per-test set-up \p F is, or null: \p F is
/// `SetUp()` of a class derived from GoogleTest's `::testing::Test`. The
/// framework calls it on the test's thread before the test body, like a
/// constructor: nothing of the test runs yet.
const clang::CXXRecordDecl *fixtureOfSetUp(const clang::FunctionDecl &F);

/// The test-code facts of one translation unit, shared by every check that
/// runs over it (one instance per ASTContext, freed with it).
class TestCode {
public:
  /// The model of the translation unit of \p Ctx.
  static TestCode &of(clang::ASTContext &Ctx);

  /// True when the translation unit includes a test framework.
  bool includesTestFramework() const { return IncludesFramework; }

  /// True when \p Loc (a macro location counts where it is expanded) is test
  /// code: its file's path matches \p FilePattern, or the framework rule
  /// above. \p FilePattern is an empty string for "no path rule".
  bool covers(clang::SourceLocation Loc, llvm::StringRef FilePattern);

  explicit TestCode(clang::ASTContext &Ctx);

private:
  bool pathMatches(clang::FileEntryRef File, llvm::StringRef FilePattern);

  clang::ASTContext &Ctx;
  bool IncludesFramework = false;
  const clang::FileEntry *MainFile = nullptr;
  /// Files that include a framework header themselves.
  llvm::DenseSet<const clang::FileEntry *> FrameworkIncluders;
  /// Per pattern: the compiled regex and the verdict per file.
  struct PatternCache {
    std::unique_ptr<llvm::Regex> Regex;
    llvm::DenseMap<const clang::FileEntry *, bool> Verdicts;
  };
  llvm::StringMap<PatternCache> Patterns;
};

/// Base class of the checks that skip test code: it reads the check's
/// option `IncludeTestCode` (default false) and the global option
/// `TestFilePattern` (a check-local value wins), and stores them back.
/// A derived check that overrides storeOptions calls this one.
class TestCodeAwareCheck : public clang::tidy::ClangTidyCheck {
public:
  void storeOptions(clang::tidy::ClangTidyOptions::OptionMap &Opts) override;

protected:
  TestCodeAwareCheck(llvm::StringRef Name, clang::tidy::ClangTidyContext *Ctx);

  /// True when a finding at \p Loc is in test code the check skips.
  bool skipsTestCode(clang::SourceLocation Loc, clang::ASTContext &Ctx) const;

  /// The same for a match: true when every statement it bound (else every
  /// declaration) is in test code. The statements of one match are in one
  /// function body, so this is the finding's file.
  bool
  skipsTestCode(const clang::ast_matchers::MatchFinder::MatchResult &R) const;

private:
  const bool IncludeTestCode;
  const std::string TestFilePattern;
};

} // namespace loadcheck::model

#endif // LOADCHECK_CHECKS_MODEL_TESTCODE_H
