//===--- RegistryTest.cpp - CheckList.def is complete and consistent ------===//
#include "checks/CheckRegistry.h"
#include "tests/TestPaths.h"
#include "tests/harness/FixtureRunner.h"
#include "tool/front/Config.h"

#include "checks/utils/LlvmCompat.h"
#include "clang-tidy/ClangTidyCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang/Basic/LangOptions.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include <gtest/gtest.h>
#include <set>

namespace loadcheck::testing {
namespace {

// Link the module's registration into the test binary.
[[maybe_unused]] const int ModuleAnchor = LoadcheckModuleAnchorSource;

const std::set<std::string> Sections = {"Concurrency",   "Memory",
                                        "Connections",   "Resilience",
                                        "Observability", "Security"};

TEST(Registry, EveryCheckHasSectionDocsAndFixtures) {
  ASSERT_FALSE(allChecks().empty());
  for (const CheckInfo &Info : allChecks()) {
    std::string Name = Info.Name.str();
    EXPECT_TRUE(llvm::StringRef(Name).starts_with("loadcheck-")) << Name;
    EXPECT_TRUE(Sections.count(Info.Section.str())) << Name;
    std::string Doc = LOADCHECK_SOURCE_DIR "/docs/checks/" + Name + ".md";
    auto DocText = llvm::MemoryBuffer::getFile(Doc);
    ASSERT_TRUE(DocText) << Name << " has no " << Doc;
    // The doc page opens with the registry's summary sentence.
    EXPECT_NE((*DocText)->getBuffer().find(Info.Summary), llvm::StringRef::npos)
        << Doc << " does not contain the summary: " << Info.Summary.str();
    bool HasFixture = llvm::any_of(allFixtures(), [&](const std::string &F) {
      return checkForFixture(F) == Name;
    });
    EXPECT_TRUE(HasFixture) << Name << " has no fixture";
    bool HasGolden = false;
    for (const std::string &F : allFixtures())
      if (checkForFixture(F) == Name && llvm::sys::fs::exists(goldenFor(F)))
        HasGolden = true;
    EXPECT_EQ(HasGolden, Info.OffersFix)
        << Name << ": a check offers fix-its iff a fixture has a golden file";
  }
}

TEST(Registry, ChecksAreRegisteredWithClangTidy) {
  std::vector<std::string> Known = knownCheckNames();
  for (const CheckInfo &Info : allChecks())
    EXPECT_TRUE(llvm::is_contained(Known, Info.Name.str())) << Info.Name.str();
}

TEST(Registry, DocsIndexListsEveryCheck) {
  auto Index = llvm::MemoryBuffer::getFile(LOADCHECK_SOURCE_DIR
                                           "/docs/checks/README.md");
  ASSERT_TRUE(Index);
  for (const CheckInfo &Info : allChecks()) {
    // | [name](name.md) | summary | languages | fix-it |
    llvm::StringRef Text = (*Index)->getBuffer();
    size_t Row = Text.find("(" + Info.Name.str() + ".md)");
    ASSERT_NE(Row, llvm::StringRef::npos) << Info.Name.str();
    llvm::StringRef Line =
        Text.drop_front(Row).take_until([](char C) { return C == '\n'; });
    EXPECT_TRUE(Line.contains("| " + Info.languagesText().str() + " |"))
        << Info.Name.str() << ": the index row does not say "
        << Info.languagesText().str();
  }
}

clang::LangOptions languageC11() {
  clang::LangOptions C;
  C.C99 = C.C11 = 1;
  return C;
}

clang::LangOptions languageCxx17() {
  clang::LangOptions Cxx;
  Cxx.CPlusPlus = Cxx.CPlusPlus11 = Cxx.CPlusPlus14 = Cxx.CPlusPlus17 = 1;
  Cxx.Exceptions = Cxx.CXXExceptions = 1;
  return Cxx;
}

// The languages the registry shows are the ones the checks accept: every
// check is instantiated and asked with C11 and C++17 options.
TEST(Registry, LanguagesAgreeWithTheChecks) {
  clang::tidy::ClangTidyCheckFactories Factories;
  for (const auto &Entry : clang::tidy::ClangTidyModuleRegistry::entries())
    if (Entry.getName() == "loadcheck")
      Entry.instantiate()->addCheckFactories(Factories);
  clang::tidy::ClangTidyOptions Options =
      clang::tidy::ClangTidyOptions::getDefaults();
  Options.Checks = "-*,loadcheck-*";
  clang::tidy::ClangTidyContext Context(
      std::make_unique<clang::tidy::DefaultOptionsProvider>(
          clang::tidy::ClangTidyGlobalOptions(), Options));
  unsigned Asked = 0;
  for (const auto &Factory : Factories) {
    const CheckInfo *Info = findCheck(Factory.getKey());
    ASSERT_NE(Info, nullptr) << Factory.getKey().str();
    std::unique_ptr<clang::tidy::ClangTidyCheck> Check =
        Factory.getValue()(Factory.getKey(), &Context);
    EXPECT_TRUE(Check->isLanguageVersionSupported(languageCxx17()))
        << Info->Name.str() << " refuses C++17";
    EXPECT_EQ(Check->isLanguageVersionSupported(languageC11()), Info->runsOnC())
        << Info->Name.str() << ": CheckList.def says "
        << Info->languagesText().str();
    ++Asked;
  }
  EXPECT_EQ(Asked, allChecks().size());
}

// Every page says which languages its check covers, as the registry does.
TEST(Registry, DocPagesNameTheirLanguages) {
  for (const CheckInfo &Info : allChecks()) {
    std::string Doc =
        LOADCHECK_SOURCE_DIR "/docs/checks/" + Info.Name.str() + ".md";
    auto Text = llvm::MemoryBuffer::getFile(Doc);
    ASSERT_TRUE(Text) << Doc;
    std::string Line = "Languages: " + Info.languagesText().str();
    EXPECT_NE((*Text)->getBuffer().find(Line), llvm::StringRef::npos)
        << Doc << " lacks the line '" << Line << "'";
  }
}

} // namespace
} // namespace loadcheck::testing
