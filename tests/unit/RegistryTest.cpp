//===--- RegistryTest.cpp - CheckList.def is complete and consistent ------===//
#include "checks/CheckRegistry.h"
#include "tests/TestPaths.h"
#include "tests/harness/FixtureRunner.h"
#include "tool/front/Config.h"

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
      if (checkForFixture(F) == Name &&
          llvm::sys::fs::exists(F.substr(0, F.size() - 4) + ".fixed.cpp"))
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
  for (const CheckInfo &Info : allChecks())
    EXPECT_NE((*Index)->getBuffer().find("(" + Info.Name.str() + ".md)"),
              llvm::StringRef::npos)
        << Info.Name.str();
}

} // namespace
} // namespace loadcheck::testing
