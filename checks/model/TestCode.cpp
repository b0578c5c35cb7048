//===--- TestCode.cpp - is this code a test? ------------------------------===//
#include "checks/model/TestCode.h"
#include "checks/model/ContextCache.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/DeclCXX.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"
#include <algorithm>

using namespace clang;

namespace loadcheck::model {

llvm::StringRef defaultTestFilePattern() {
  // Directories: test/, tests/, testing/, unittest(s)/, fuzz/, fuzzing/,
  // fuzzer(s)/ anywhere in the path. Files: test_*.* and fuzz_*.*, and
  // *_test.*, *_tests.*, *_unittest.*, *_fuzzer.*, *Test.* and *Tests.*.
  return "(^|/)([Tt]ests?|[Tt]esting|unittests?|fuzz|fuzzing|fuzzers?)/"
         "|(^|/)(test|fuzz)_[^/]*$"
         "|(_test|_tests|_unittest|_unittests|_fuzzer|Test|Tests)\\.[^/.]+$";
}

bool isTestFrameworkHeader(llvm::StringRef IncludedPath) {
  std::string Path = ("/" + IncludedPath).str();
  llvm::StringRef P(Path);
  // GoogleTest, GoogleMock, doctest, Catch2 v2's single header: the header
  // a test includes. gtest/gtest_prod.h (FRIEND_TEST in production code)
  // is deliberately not among them.
  for (llvm::StringRef Main :
       {"/gtest/gtest.h", "/gmock/gmock.h", "/doctest/doctest.h", "/doctest.h",
        "/catch.hpp", "/catch_amalgamated.hpp"})
    if (P.ends_with(Main))
      return true;
  // Catch2 v3 and Boost.Test are included through many headers.
  return P.contains("/catch2/") || P.contains("/boost/test/");
}

/// True when \p Record is `::testing::Test` or derives from it.
static bool isGoogleTestFixture(const CXXRecordDecl *Record, unsigned Depth) {
  if (!Record || Depth > 16)
    return false;
  if (Record->getName() == "Test")
    if (const auto *NS = dyn_cast<NamespaceDecl>(Record->getDeclContext());
        NS && NS->getName() == "testing" &&
        NS->getParent()->getRedeclContext()->isTranslationUnit())
      return true;
  if (!Record->hasDefinition())
    return false;
  for (const CXXBaseSpecifier &Base : Record->bases())
    if (isGoogleTestFixture(Base.getType()->getAsCXXRecordDecl(), Depth + 1))
      return true;
  return false;
}

const CXXRecordDecl *fixtureOfSetUp(const FunctionDecl &F) {
  const auto *Method = dyn_cast<CXXMethodDecl>(&F);
  if (!Method || Method->isStatic() || !Method->getIdentifier() ||
      Method->getName() != "SetUp" || Method->getNumParams() != 0)
    return nullptr;
  const CXXRecordDecl *Fixture = Method->getParent();
  return isGoogleTestFixture(Fixture, 0) ? Fixture : nullptr;
}

TestCode &TestCode::of(ASTContext &Ctx) { return perContext<TestCode>(Ctx); }

TestCode::TestCode(ASTContext &Ctx) : Ctx(Ctx) {
  const SourceManager &SM = Ctx.getSourceManager();
  MainFile = SM.getFileEntryForID(SM.getMainFileID());
  // Every file entered while preprocessing, with where it was included.
  for (unsigned I = 0, N = SM.local_sloc_entry_size(); I < N; ++I) {
    const SrcMgr::SLocEntry &Entry = SM.getLocalSLocEntry(I);
    if (!Entry.isFile() || !isTestFrameworkHeader(Entry.getFile().getName()))
      continue;
    IncludesFramework = true;
    SourceLocation IncludedAt = Entry.getFile().getIncludeLoc();
    if (IncludedAt.isValid())
      if (const FileEntry *Includer =
              SM.getFileEntryForID(SM.getFileID(IncludedAt)))
        FrameworkIncluders.insert(Includer);
  }
}

bool TestCode::covers(SourceLocation Loc, llvm::StringRef FilePattern) {
  if (Loc.isInvalid())
    return false;
  const SourceManager &SM = Ctx.getSourceManager();
  OptionalFileEntryRef File =
      SM.getFileEntryRefForID(SM.getFileID(SM.getFileLoc(Loc)));
  if (!File)
    return false;
  if (IncludesFramework && &File->getFileEntry() == MainFile)
    return true;
  if (FrameworkIncluders.contains(&File->getFileEntry()))
    return true;
  return pathMatches(*File, FilePattern);
}

bool TestCode::pathMatches(FileEntryRef File, llvm::StringRef FilePattern) {
  if (FilePattern.empty())
    return false;
  PatternCache &Cache = Patterns[FilePattern];
  if (!Cache.Regex)
    Cache.Regex = std::make_unique<llvm::Regex>(FilePattern);
  if (!Cache.Regex->isValid())
    return false; // reported once as a configuration error by the check
  auto [It, Inserted] = Cache.Verdicts.try_emplace(&File.getFileEntry(), false);
  if (Inserted) {
    // The name the file was opened by (what reports show), '/' separated,
    // without `..`: a test that includes `../redis/pool.h` opens the
    // production header as `test/../redis/pool.h`, which is not in test/.
    llvm::SmallString<256> Normal(File.getName());
    llvm::sys::path::remove_dots(Normal, /*remove_dot_dot=*/true);
    std::string Path = Normal.str().str();
    std::replace(Path.begin(), Path.end(), '\\', '/');
    It->second = Cache.Regex->match(Path);
  }
  return It->second;
}

//===--- TestCodeAwareCheck -----------------------------------------------===//

TestCodeAwareCheck::TestCodeAwareCheck(llvm::StringRef Name,
                                       clang::tidy::ClangTidyContext *Ctx)
    : ClangTidyCheck(Name, Ctx),
      IncludeTestCode(Options.get("IncludeTestCode", false)),
      TestFilePattern(Options.getLocalOrGlobal("TestFilePattern",
                                               defaultTestFilePattern())) {
  std::string Error;
  // The same text from every check, so the driver reports it once.
  if (!TestFilePattern.empty() && !llvm::Regex(TestFilePattern).isValid(Error))
    configurationDiag("invalid regular expression in 'TestFilePattern': %0")
        << Error;
}

void TestCodeAwareCheck::storeOptions(
    clang::tidy::ClangTidyOptions::OptionMap &Opts) {
  Options.store(Opts, "IncludeTestCode", IncludeTestCode);
  Options.store(Opts, "TestFilePattern", TestFilePattern);
}

bool TestCodeAwareCheck::skipsTestCode(SourceLocation Loc,
                                       ASTContext &Ctx) const {
  return !IncludeTestCode && TestCode::of(Ctx).covers(Loc, TestFilePattern);
}

bool TestCodeAwareCheck::skipsTestCode(
    const ast_matchers::MatchFinder::MatchResult &R) const {
  if (IncludeTestCode)
    return false;
  llvm::SmallVector<SourceLocation, 4> Statements, Declarations;
  for (const auto &[Id, Node] : R.Nodes.getMap()) {
    if (const auto *S = Node.get<Stmt>())
      Statements.push_back(S->getBeginLoc());
    else if (const auto *D = Node.get<Decl>())
      Declarations.push_back(D->getLocation());
  }
  llvm::ArrayRef<SourceLocation> Locs =
      Statements.empty() ? Declarations : Statements;
  TestCode &Model = TestCode::of(*R.Context);
  return !Locs.empty() && llvm::all_of(Locs, [&](SourceLocation L) {
    return Model.covers(L, TestFilePattern);
  });
}

} // namespace loadcheck::model
