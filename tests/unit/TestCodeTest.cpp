//===--- TestCodeTest.cpp - the test-code model ---------------------------===//
#include "checks/model/TestCode.h"

#include "clang/AST/ASTContext.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/Regex.h"
#include <gtest/gtest.h>

using namespace clang;
using namespace clang::ast_matchers;

namespace loadcheck::model {
namespace {

bool isTestPath(llvm::StringRef Path) {
  return llvm::Regex(defaultTestFilePattern()).match(Path);
}

TEST(TestCodeModel, DefaultPatternMatchesTestDirectoriesAndFileNames) {
  for (llvm::StringRef Path :
       {"test/test.cc", "/src/proj/tests/client.cpp", "tests/fixtures/a.h",
        "/p/testing/util.h", "/p/unittests/Support/PathTest.cpp",
        "/p/Tests/x.cpp", "/p/test/fuzzing/server_fuzzer.cc", "/p/fuzz/parse.c",
        "/p/src/server_test.cc", "/p/src/server_tests.cpp",
        "/p/src/pool_unittest.cc", "/p/src/test_pool.cpp",
        "/p/src/PoolTest.cpp", "/p/src/PoolTests.cpp", "/p/src/parse_fuzzer.cc",
        "/p/src/fuzz_headers.c", "test_main.c", "/p/src/server_test.h"})
    EXPECT_TRUE(isTestPath(Path)) << Path.str();
}

TEST(TestCodeModel, DefaultPatternLeavesProductionPathsAlone) {
  for (llvm::StringRef Path :
       {"/p/src/server.cpp", "/p/src/latest.cpp", "/p/src/contest.cc",
        "/p/src/testimony.cpp", "/p/attestation/verify.cpp",
        "/p/src/test.cpp.orig/x.cpp", "/p/src/BackTester.cpp",
        "/p/src/fuzzy_match.cc", "/p/protest/a.c",
        "/p/src/latest_test_data"
        "/reader.cpp",
        "/p/include/httplib.h", "/p/lib/vtls/openssl.c",
        "/p/docs/examples/threaded.c"})
    EXPECT_FALSE(isTestPath(Path)) << Path.str();
}

TEST(TestCodeModel, FrameworkHeadersAreRecognisedByName) {
  for (llvm::StringRef Header :
       {"/usr/include/gtest/gtest.h", "gmock/gmock.h",
        "/usr/include/catch2/catch_test_macros.hpp", "third_party/catch.hpp",
        "/opt/doctest/doctest/doctest.h", "doctest.h",
        "/usr/include/boost/test/unit_test.hpp",
        "/usr/include/boost/test/included/unit_test.hpp"})
    EXPECT_TRUE(isTestFrameworkHeader(Header)) << Header.str();
  for (llvm::StringRef Header :
       {"/usr/include/gtest/gtest_prod.h", "/usr/include/boost/asio.hpp",
        "/p/include/mydoctest.hpp", "/p/include/test.h",
        "/usr/include/boost/testing.hpp"})
    EXPECT_FALSE(isTestFrameworkHeader(Header)) << Header.str();
}

/// Parses \p Main as \p MainName with two project headers: a production
/// header and a test helper that includes GoogleTest itself.
std::unique_ptr<ASTUnit> parse(llvm::StringRef Main, llvm::StringRef MainName) {
  tooling::FileContentMappings Files = {
      {"/proj/include/lib.h", "inline void inLibrary() {}\n"},
      {"/proj/redis/pool.h", "inline void inPool() {}\n"},
      {"/proj/src/helpers.h",
       "#include <gtest/gtest.h>\ninline void inHelper() {}\n"},
  };
  auto AST = tooling::buildASTFromCodeWithArgs(
      Main,
      {"-std=c++17", "-I/proj", "-resource-dir=" LOADCHECK_CLANG_RESOURCE_DIR},
      MainName, "loadcheck-test", std::make_shared<PCHContainerOperations>(),
      tooling::getClangStripDependencyFileAdjuster(), Files);
  EXPECT_TRUE(AST);
  EXPECT_FALSE(AST->getDiagnostics().hasErrorOccurred());
  return AST;
}

/// Whether the function named \p Name is test code by the default pattern.
bool covered(ASTUnit &AST, llvm::StringRef Name) {
  ASTContext &Ctx = AST.getASTContext();
  auto Found = match(functionDecl(hasName(Name)).bind("f"), Ctx);
  EXPECT_EQ(Found.size(), 1u) << Name.str();
  if (Found.empty())
    return false;
  const auto *F = Found.front().getNodeAs<FunctionDecl>("f");
  return TestCode::of(Ctx).covers(F->getLocation(), defaultTestFilePattern());
}

TEST(TestCodeModel, ProductionTranslationUnitIsNotTestCode) {
  auto AST = parse("#include \"include/lib.h\"\nvoid serve() {}\n",
                   "/proj/src/server.cpp");
  EXPECT_FALSE(TestCode::of(AST->getASTContext()).includesTestFramework());
  EXPECT_FALSE(covered(*AST, "serve"));
  EXPECT_FALSE(covered(*AST, "inLibrary"));
}

TEST(TestCodeModel, PathMakesTheFileTestCodeButNotTheHeadersItIncludes) {
  auto AST = parse("#include \"include/lib.h\"\nvoid check() {}\n",
                   "/proj/src/server_test.cpp");
  EXPECT_TRUE(covered(*AST, "check"));
  EXPECT_FALSE(covered(*AST, "inLibrary"));
  // The empty pattern turns the path rule off.
  const auto *Check =
      match(functionDecl(hasName("check")).bind("f"), AST->getASTContext())
          .front()
          .getNodeAs<FunctionDecl>("f");
  EXPECT_FALSE(
      TestCode::of(AST->getASTContext()).covers(Check->getLocation(), ""));
}

TEST(TestCodeModel, HeaderReachedThroughTheTestDirectoryIsNotTestCode) {
  // The compiler names the header /proj/test/../redis/pool.h.
  auto AST = parse("#include \"../redis/pool.h\"\nvoid check() {}\n",
                   "/proj/test/server_check.cpp");
  EXPECT_TRUE(covered(*AST, "check"));
  EXPECT_FALSE(covered(*AST, "inPool"));
}

TEST(TestCodeModel, FrameworkMakesTheMainFileAndItsIncludersTestCode) {
  // server.cpp is not named like a test; it includes a helper that includes
  // GoogleTest, and a production header.
  auto AST = parse("#include \"include/lib.h\"\n#include \"src/helpers.h\"\n"
                   "void check() {}\n",
                   "/proj/src/server.cpp");
  EXPECT_TRUE(TestCode::of(AST->getASTContext()).includesTestFramework());
  EXPECT_TRUE(covered(*AST, "check"));
  EXPECT_TRUE(covered(*AST, "inHelper"));
  EXPECT_FALSE(covered(*AST, "inLibrary"));
}

TEST(TestCodeModel, TheModelIsOnePerTranslationUnit) {
  auto AST = parse("void serve() {}\n", "/proj/src/server.cpp");
  EXPECT_EQ(&TestCode::of(AST->getASTContext()),
            &TestCode::of(AST->getASTContext()));
}

} // namespace
} // namespace loadcheck::model
