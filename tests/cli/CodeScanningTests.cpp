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
#include <tuple>

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

/// Findings on a multi-token expression, a whole macro expansion and
/// expressions spelled in a macro's argument.
const char *const Ranges = R"(#include <curl/curl.h>
#include <thread>
#define DETACH(thread) (thread).detach()
#define RUN(statement) statement
void work();
void insecure(CURL *h) {
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
}
void spawn() {
  std::thread t(work);
  t.detach();
}
void viaMacros() {
  std::thread u(work), v(work);
  DETACH(u);
  RUN(v.detach();)
}
)";

/// The baseline loadcheck wrote for Ranges before the checks gave their
/// diagnostics a range: the fingerprints must not depend on it.
const char *const BaselineBeforeRanges = R"({
  "findings": [
    {"check": "loadcheck-tls-verification-disabled", "file": "src/fetch.cpp",
     "fingerprint": "434726ad03b27763", "function": "insecure", "line": 7},
    {"check": "loadcheck-detached-thread", "file": "src/fetch.cpp",
     "fingerprint": "1ded60764a4e7dca", "function": "spawn", "line": 11},
    {"check": "loadcheck-detached-thread", "file": "src/fetch.cpp",
     "fingerprint": "79f56c2f17191f6d", "function": "viaMacros", "line": 15},
    {"check": "loadcheck-detached-thread", "file": "src/fetch.cpp",
     "fingerprint": "38d72e1bc198c07b", "function": "viaMacros", "line": 16}
  ],
  "tool": "loadcheck",
  "version": 2
}
)";

FileMap rangesProject() {
  return {{"src/fetch.cpp", Ranges},
          {"build/compile_commands.json",
           compileDatabase({"src/fetch.cpp"}, "-std=c++20")}};
}

ProcessResult runChecks(const Workspace &Dir, std::vector<std::string> Args) {
  Args.insert(Args.begin(), {"--root=" + Dir.path(), "-p", "build", Checks});
  return runProcess(LOADCHECK_BINARY, Args, Dir.path(), "-u NO_COLOR");
}

/// "line:column-endLine:endColumn" of each finding of \p Findings, read
/// through \p Region (the finding's object -> start and end).
template <typename RegionOf>
std::vector<std::string> spans(const json::Array &Findings, RegionOf Region) {
  std::vector<std::string> Out;
  for (const json::Value &F : Findings) {
    auto [Line, Column, EndLine, EndColumn] = Region(*F.getAsObject());
    Out.push_back(std::to_string(Line) + ":" + std::to_string(Column) + "-" +
                  std::to_string(EndLine) + ":" + std::to_string(EndColumn));
  }
  return Out;
}

/// The spans of the results of the SARIF log \p File in \p Dir, checked
/// against the schema.
std::vector<std::string> sarifSpans(const Workspace &Dir,
                                    const std::string &File) {
  ProcessResult Valid =
      runProcess("/usr/bin/python3",
                 {LOADCHECK_SOURCE_DIR "/tests/cli/validate_sarif.py",
                  LOADCHECK_SOURCE_DIR "/tests/data/sarif-schema-2.1.0.json",
                  Dir.path(File)});
  EXPECT_EQ(Valid.ExitCode, 0) << Valid.Out << Valid.Err;
  auto Log = json::parse(Dir.read(File));
  if (!Log) {
    ADD_FAILURE() << llvm::toString(Log.takeError());
    return {};
  }
  const json::Object &Run =
      *(*Log->getAsObject()->getArray("runs"))[0].getAsObject();
  return spans(*Run.getArray("results"), [](const json::Object &R) {
    const json::Object &Region = *(*R.getArray("locations"))[0]
                                      .getAsObject()
                                      ->getObject("physicalLocation")
                                      ->getObject("region");
    return std::tuple(*Region.getInteger("startLine"),
                      *Region.getInteger("startColumn"),
                      Region.getInteger("endLine").value_or(0),
                      Region.getInteger("endColumn").value_or(0));
  });
}

TEST(CodeScanning, RegionsEndWhereTheReportedExpressionEnds) {
  Workspace Dir(rangesProject());
  ProcessResult Run =
      runChecks(Dir, {"--cache-dir=cache", "--format=sarif:report.sarif",
                      "--format=json:report.json"});
  ASSERT_EQ(Run.ExitCode, 1) << Run.Err;

  // `t.detach()` from its caret at `detach`; the whole `DETACH(u)` where
  // the call is the macro's expansion. Spelled in a macro's argument
  // (`0L` in the curl_easy_setopt macro, `v.detach()` in RUN) a range has
  // no end: one in the file would make clang print the caret's macro
  // backtrace. End columns are exclusive.
  const std::vector<std::string> Expected = {"7:47-0:0", "11:5-11:13",
                                             "15:3-15:12", "16:9-0:0"};
  EXPECT_EQ(sarifSpans(Dir, "report.sarif"), Expected);
  // JSON's end is the start where there is none.
  const std::vector<std::string> ExpectedJson = {"7:47-7:47", "11:5-11:13",
                                                 "15:3-15:12", "16:9-16:9"};
  auto Json = json::parse(Dir.read("report.json"));
  ASSERT_TRUE(bool(Json)) << llvm::toString(Json.takeError());
  EXPECT_EQ(spans(*Json->getAsObject()->getArray("findings"),
                  [](const json::Object &F) {
                    return std::tuple(
                        *F.getInteger("line"), *F.getInteger("column"),
                        *F.getInteger("endLine"), *F.getInteger("endColumn"));
                  }),
            ExpectedJson);

  // The same ends from the cache, and through `loadcheck merge`.
  ProcessResult Cached =
      runChecks(Dir, {"--cache-dir=cache", "--format=sarif:cached.sarif"});
  EXPECT_EQ(Cached.ExitCode, 1) << Cached.Err;
  EXPECT_NE(Cached.Err.find("cache: 1 hit"), std::string::npos) << Cached.Err;
  EXPECT_EQ(sarifSpans(Dir, "cached.sarif"), Expected);
  ProcessResult Merged = runProcess(
      LOADCHECK_BINARY, {"merge", "--format=sarif:merged.sarif", "report.json"},
      Dir.path(), "-u NO_COLOR");
  EXPECT_EQ(Merged.ExitCode, 1) << Merged.Err;
  EXPECT_EQ(sarifSpans(Dir, "merged.sarif"), Expected);
}

TEST(CodeScanning, RangesLeaveFingerprintsAndBaselinesAsTheyWere) {
  Workspace Dir(rangesProject());
  Dir.write("before.json", BaselineBeforeRanges);
  ProcessResult Run = runChecks(Dir, {"--baseline", "before.json"});
  EXPECT_EQ(Run.ExitCode, 0) << Run.Out << Run.Err;
  EXPECT_EQ(Run.Out, "");
  EXPECT_NE(Run.Err.find("4 known from the baseline, 0 gone"),
            std::string::npos)
      << Run.Err;

  ProcessResult Sarif = runChecks(Dir, {"--format=sarif"});
  auto Log = json::parse(Sarif.Out);
  ASSERT_TRUE(bool(Log)) << llvm::toString(Log.takeError());
  std::vector<std::string> Fingerprints;
  for (const json::Value &R :
       *(*Log->getAsObject()->getArray("runs"))[0].getAsObject()->getArray(
           "results"))
    Fingerprints.push_back(R.getAsObject()
                               ->getObject("partialFingerprints")
                               ->getString("loadcheckFingerprint/v2")
                               ->str());
  EXPECT_EQ(Fingerprints,
            (std::vector<std::string>{"434726ad03b27763", "1ded60764a4e7dca",
                                      "79f56c2f17191f6d", "38d72e1bc198c07b"}));
}

} // namespace
} // namespace loadcheck::testing
