//===--- CodeScanningTests.cpp - SARIF as GitHub code scanning reads it ---===//
//
// Security alerts with a severity, precision and help per rule, regions with
// an end where the diagnostic has a range, the commit analysed; validated
// against the SARIF 2.1.0 schema.
//
//===----------------------------------------------------------------------===//
#include "tests/Artifacts.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"

#include "llvm/Support/JSON.h"
#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

namespace json = llvm::json;

const char *const Fetch = R"(#include <curl/curl.h>
#include <thread>
void work();
void insecure(CURL *h) {
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
}
void spawn() {
  std::thread t(work);
  t.detach();
}
)";

FileMap project() {
  return {{"src/fetch.cpp", Fetch},
          {"build/compile_commands.json",
           compileDatabase({"src/fetch.cpp"}, "-std=c++20")}};
}

const std::string Checks = "--checks=-*,loadcheck-detached-thread,"
                           "loadcheck-tls-verification-disabled";

void git(const Workspace &Dir, std::vector<std::string> Args) {
  Args.insert(Args.begin(), {"-c", "user.name=t", "-c", "user.email=t@e"});
  ProcessResult R = runProcess("/usr/bin/git", Args, Dir.path());
  ASSERT_EQ(R.ExitCode, 0) << R.Err;
}

/// The run of a SARIF report written by loadcheck in \p Dir, checked
/// against the schema.
json::Value sarifRun(const Workspace &Dir) {
  ProcessResult Run = runProcess(LOADCHECK_BINARY,
                                 {"--root=" + Dir.path(), "-p", "build", Checks,
                                  "--format=sarif", "-o", "report.sarif"},
                                 Dir.path(), "-u NO_COLOR");
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  ProcessResult Valid =
      runProcess("/usr/bin/python3",
                 {LOADCHECK_SOURCE_DIR "/tests/cli/validate_sarif.py",
                  LOADCHECK_SOURCE_DIR "/tests/data/sarif-schema-2.1.0.json",
                  Dir.path("report.sarif")});
  EXPECT_EQ(Valid.ExitCode, 0) << Valid.Out << Valid.Err;
  auto Log = json::parse(Dir.read("report.sarif"));
  if (!Log) {
    ADD_FAILURE() << llvm::toString(Log.takeError());
    return nullptr;
  }
  return (*Log->getAsObject()->getArray("runs"))[0];
}

const json::Object *rule(const json::Object &Run, llvm::StringRef Id) {
  for (const json::Value &R :
       *Run.getObject("tool")->getObject("driver")->getArray("rules"))
    if (R.getAsObject()->getString("id") == Id)
      return R.getAsObject();
  ADD_FAILURE() << "no rule " << Id.str();
  return nullptr;
}

TEST(CodeScanning, RulesCarrySeverityPrecisionAndHelp) {
  Workspace Dir(project());
  json::Value V = sarifRun(Dir);
  const json::Object *Run = V.getAsObject();
  ASSERT_TRUE(Run);

  const json::Object *Tls = rule(*Run, "loadcheck-tls-verification-disabled");
  ASSERT_TRUE(Tls);
  const json::Object *Properties = Tls->getObject("properties");
  EXPECT_EQ(Properties->getString("security-severity"), "7.5");
  EXPECT_EQ(Properties->getString("precision"), "low");
  std::vector<std::string> Tags;
  for (const json::Value &T : *Properties->getArray("tags"))
    Tags.push_back(T.getAsString()->str());
  EXPECT_EQ(Tags, (std::vector<std::string>{"Security", "security",
                                            "external/cwe/cwe-295"}));
  auto Markdown = Tls->getObject("help")->getString("markdown");
  ASSERT_TRUE(Markdown);
  EXPECT_TRUE(Markdown->starts_with("# loadcheck-tls-verification-disabled"));
  EXPECT_TRUE(Tls->getObject("help")->getString("text"));

  // Not a security check: no severity, no security tag.
  const json::Object *Detached = rule(*Run, "loadcheck-detached-thread");
  ASSERT_TRUE(Detached);
  EXPECT_FALSE(Detached->getObject("properties")->get("security-severity"));
  EXPECT_EQ(Detached->getObject("properties")->getArray("tags")->size(), 1u);
  EXPECT_EQ(Detached->getObject("properties")->getString("precision"),
            "medium");

  // Outside a git work tree there is no commit to name.
  EXPECT_FALSE(Run->get("versionControlProvenance"));
}

TEST(CodeScanning, ProvenanceNamesTheCommitWithoutCredentials) {
  Workspace Dir(project());
  git(Dir, {"init", "-q", "-b", "feature/scan"});
  git(Dir, {"remote", "add", "origin",
            "https://x-access-token:s3cret@github.com/acme/service.git"});
  git(Dir, {"add", "."});
  git(Dir, {"commit", "-q", "-m", "first"});
  ProcessResult Head =
      runProcess("/usr/bin/git", {"rev-parse", "HEAD"}, Dir.path());
  json::Value V = sarifRun(Dir);
  const json::Object *Run = V.getAsObject();
  ASSERT_TRUE(Run);
  const json::Array *Provenance = Run->getArray("versionControlProvenance");
  ASSERT_TRUE(Provenance);
  ASSERT_EQ(Provenance->size(), 1u);
  const json::Object *Details = (*Provenance)[0].getAsObject();
  EXPECT_EQ(Details->getString("repositoryUri"),
            "https://github.com/acme/service.git");
  EXPECT_EQ(Details->getString("revisionId"), llvm::StringRef(Head.Out).trim());
  EXPECT_EQ(Details->getString("branch"), "feature/scan");
  EXPECT_EQ(Details->getObject("mappedTo")->getString("uriBaseId"),
            "%SRCROOT%");
  EXPECT_EQ(Dir.read("report.sarif").find("s3cret"), std::string::npos);
}

TEST(CodeScanning, DetachedHeadHasNoBranch) {
  Workspace Dir(project());
  git(Dir, {"init", "-q"});
  git(Dir, {"add", "."});
  git(Dir, {"commit", "-q", "-m", "first"});
  git(Dir, {"checkout", "-q", "--detach"});
  json::Value V = sarifRun(Dir);
  const json::Object *Run = V.getAsObject();
  ASSERT_TRUE(Run && Run->getArray("versionControlProvenance"));
  const json::Object *Details =
      (*Run->getArray("versionControlProvenance"))[0].getAsObject();
  EXPECT_FALSE(Details->get("branch"));
  // No remote: the work tree itself.
  EXPECT_EQ(Details->getString("repositoryUri"), "file://" + Dir.path() + "/");
}

} // namespace
} // namespace loadcheck::testing
