//===--- CodeScanningTest.cpp - SARIF metadata GitHub code scanning reads -===//
#include "tool/report/CodeScanning.h"
#include "checks/CheckRegistry.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Regex.h"
#include <gtest/gtest.h>
#include <map>

namespace loadcheck::testing {
namespace {

namespace json = llvm::json;

TEST(CodeScanning, PrecisionLevels) {
  EXPECT_EQ(precisionLevel(95, 5), "very-high");
  EXPECT_EQ(precisionLevel(29, 7), "high");
  EXPECT_EQ(precisionLevel(6, 4), "medium");
  EXPECT_EQ(precisionLevel(6, 143), "low");
  // Few labels: never above medium, but a bad record is still low.
  EXPECT_EQ(precisionLevel(6, 0), "medium");
  EXPECT_EQ(precisionLevel(0, 5), "low");
  EXPECT_EQ(precisionLevel(0, 0), "medium");
}

/// TP and FP per check from the per-check table of the real-world corpus.
std::map<std::string, std::pair<unsigned, unsigned>> measuredPrecision() {
  auto Buffer = llvm::MemoryBuffer::getFile(LOADCHECK_SOURCE_DIR
                                            "/bench/realworld/README.md");
  EXPECT_TRUE(Buffer);
  std::map<std::string, std::pair<unsigned, unsigned>> Out;
  if (!Buffer)
    return Out;
  llvm::Regex Row("^\\| (loadcheck-[a-z-]+) \\| ([0-9]+) \\| ([0-9]+) \\|");
  llvm::SmallVector<llvm::StringRef, 8> Lines;
  (*Buffer)->getBuffer().split(Lines, '\n');
  for (llvm::StringRef Line : Lines) {
    llvm::SmallVector<llvm::StringRef, 4> M;
    unsigned TP = 0, FP = 0;
    if (Row.match(Line, &M) && !M[2].getAsInteger(10, TP) &&
        !M[3].getAsInteger(10, FP))
      Out.emplace(M[1].str(), std::make_pair(TP, FP)); // the first table
  }
  EXPECT_FALSE(Out.empty());
  return Out;
}

TEST(CodeScanning, EveryCheckHasThePrecisionMeasuredOnRealProjects) {
  auto Measured = measuredPrecision();
  for (const CheckInfo &Info : allChecks()) {
    json::Object Properties = ruleProperties(Info.Name, Info.Section);
    auto [TP, FP] = Measured[Info.Name.str()];
    EXPECT_EQ(Properties.getString("precision"), precisionLevel(TP, FP))
        << Info.Name.str();
  }
  EXPECT_EQ(ruleProperties("loadcheck-unjoined-thread", "Concurrency")
                .getString("precision"),
            "high");
}

TEST(CodeScanning, SecurityChecksAreSecurityAlertsWithASeverity) {
  for (const CheckInfo &Info : allChecks()) {
    json::Object Properties = ruleProperties(Info.Name, Info.Section);
    const json::Array *Tags = Properties.getArray("tags");
    ASSERT_TRUE(Tags);
    EXPECT_EQ((*Tags)[0].getAsString(), Info.Section);
    bool Security = Info.Section == "Security";
    bool Tagged = llvm::any_of(*Tags, [](const json::Value &T) {
      return T.getAsString() == "security";
    });
    EXPECT_EQ(Tagged, Security) << Info.Name.str();
    auto Severity = Properties.getString("security-severity");
    EXPECT_EQ(Severity.has_value(), Security) << Info.Name.str();
    double Score = 0;
    if (Severity) {
      EXPECT_FALSE(Severity->getAsDouble(Score)) << Severity->str();
      EXPECT_GT(Score, 0.0);
      EXPECT_LE(Score, 10.0);
    }
  }
  json::Object Sql = ruleProperties("loadcheck-sql-concatenation", "Security");
  EXPECT_EQ(Sql.getString("security-severity"), "8.8");
  EXPECT_EQ((*Sql.getArray("tags"))[2].getAsString(), "external/cwe/cwe-89");
  // Upstream checks: no precision measured, no security claim.
  json::Object Upstream = ruleProperties("performance-avoid-endl", "Memory");
  EXPECT_FALSE(Upstream.get("precision"));
  EXPECT_EQ(Upstream.getArray("tags")->size(), 1u);
}

TEST(CodeScanning, HelpMarkdownIsTheDocsPageWithAbsoluteLinks) {
  std::optional<std::string> Page =
      ruleHelpMarkdown("loadcheck-detached-thread");
  ASSERT_TRUE(Page);
  EXPECT_NE(Page->find("# loadcheck-detached-thread"), std::string::npos);
  EXPECT_EQ(Page->find("](README.md"), std::string::npos);
  EXPECT_FALSE(ruleHelpMarkdown("performance-avoid-endl"));

  EXPECT_EQ(absoluteLinks("see [x](other.md#a-b) and [y](https://e.org/a.md)"
                          " or `[](const Request &r)`",
                          "https://h/docs"),
            "see [x](https://h/docs/other.md#a-b) and [y](https://e.org/a.md)"
            " or `[](const Request &r)`");
}

TEST(CodeScanning, RepositoryUriCarriesNoCredentials) {
  EXPECT_EQ(repositoryUri("https://github.com/o/r.git"),
            "https://github.com/o/r.git");
  EXPECT_EQ(repositoryUri("https://x-access-token:secret@github.com/o/r"),
            "https://github.com/o/r");
  EXPECT_EQ(repositoryUri("git@github.com:o/r.git"),
            "ssh://github.com/o/r.git");
  EXPECT_EQ(repositoryUri("/srv/git/r dir"), "file:///srv/git/r%20dir");
}

} // namespace
} // namespace loadcheck::testing
