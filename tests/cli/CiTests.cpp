//===--- CiTests.cpp - the driver for whole codebases and CI --------------===//
//
// End-to-end tests of the real loadcheck binary on a small project with a
// generated compile_commands.json of several files sharing a header: parallel
// runs, output formats (SARIF validated against the official schema), fixes
// (also through clang-apply-replacements-19), baselines, the high-traffic
// profile, the checklist report, --explain and exit codes.
//
//===----------------------------------------------------------------------===//
#include "tests/Artifacts.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Regex.h"
#include <gtest/gtest.h>
#include <map>
#include <set>

namespace loadcheck::testing {
namespace {

namespace json = llvm::json;

// --- the project ------------------------------------------------------------

const char *const SharedHeader = R"(#pragma once
#include <thread>
inline void work() {}
inline void spawnShared() {
  std::thread t(work);
  t.detach();
}
)";

// Unjoined thread (fix-it: std::jthread) and a use of the header.
const char *const FileA = R"(#include "shared.h"
void startA() {
  std::thread t(work);
}
void useA() { spawnShared(); }
)";

// A detached thread and std::endl (performance-avoid-endl, in the profile).
const char *const FileB = R"(#include "shared.h"
#include <iostream>
void startB() {
  std::thread t(work);
  t.detach();
}
void logB(int n) { std::cout << n << std::endl; }
)";

const char *const FileC = R"(#include "shared.h"
void startC() {
  std::thread t(work);
  t.join();
}
)";

std::string database(const std::vector<std::string> &Files) {
  return compileDatabase(Files, "-std=c++20 -I@DIR@/inc");
}

FileMap project() {
  return {{"inc/shared.h", SharedHeader},
          {"src/a.cpp", FileA},
          {"src/b.cpp", FileB},
          {"src/c.cpp", FileC},
          {".clang-tidy", "HeaderFilterRegex: 'inc/'\n"},
          {"build/compile_commands.json",
           database({"src/a.cpp", "src/b.cpp", "src/c.cpp"})}};
}

FileMap projectWithBrokenFile() {
  FileMap Files = project();
  Files["src/broken.cpp"] = "int main( {\n";
  Files["build/compile_commands.json"] =
      database({"src/a.cpp", "src/b.cpp", "src/broken.cpp", "src/c.cpp"});
  return Files;
}

/// The checks whose findings on project() the tests count: other engineers
/// register new checks meanwhile, which must not change these counts.
const std::string Stable = "--checks=-*,loadcheck-detached-thread,"
                           "loadcheck-unjoined-thread,performance-avoid-endl";

/// Runs loadcheck in the workspace (its root is the repository root).
ProcessResult run(const Workspace &Dir, std::vector<std::string> Args,
                  const std::string &Env = "-u NO_COLOR") {
  Args.insert(Args.begin(), "--root=" + Dir.path());
  return runProcess(LOADCHECK_BINARY, Args, Dir.path(), Env);
}

json::Value parseJson(const std::string &Text) {
  auto Value = json::parse(Text);
  if (!Value) {
    ADD_FAILURE() << llvm::toString(Value.takeError()) << "\n" << Text;
    return nullptr;
  }
  return std::move(*Value);
}

size_t count(llvm::StringRef Text, llvm::StringRef Needle) {
  size_t N = 0;
  for (size_t At = Text.find(Needle); At != llvm::StringRef::npos;
       At = Text.find(Needle, At + 1))
    ++N;
  return N;
}

// --- 1. parallel analysis ---------------------------------------------------

TEST(Ci, ParallelOutputIsIdenticalAndHeaderFindingsOnce) {
  Workspace Dir(project());
  ProcessResult One = run(Dir, {"-j1", "-p", "build"});
  ProcessResult Three = run(Dir, {"-j3", "-p", "build"});
  EXPECT_EQ(One.ExitCode, 1) << One.Err;
  EXPECT_EQ(Three.ExitCode, 1) << Three.Err;
  EXPECT_EQ(One.Out, Three.Out);
  EXPECT_EQ(One.Err, Three.Err);
  // The header is included by three translation units; reported once.
  EXPECT_EQ(count(One.Out, "inc/shared.h:6:5: warning: thread 't' is "
                           "detached"),
            1u)
      << One.Out;
  // Sorted by file, then line.
  size_t Header = One.Out.find("inc/shared.h:6:5");
  size_t A = One.Out.find("src/a.cpp:3:15");
  size_t B4 = One.Out.find("src/b.cpp:5:5");
  size_t B7 = One.Out.find("src/b.cpp:7:");
  ASSERT_NE(A, std::string::npos) << One.Out;
  ASSERT_NE(B7, std::string::npos) << One.Out;
  EXPECT_LT(Header, A);
  EXPECT_LT(A, B4);
  EXPECT_LT(B4, B7);

  ProcessResult JsonOne = run(Dir, {"-j1", "-p", "build", "--format=json"});
  ProcessResult JsonTwo = run(Dir, {"-j2", "-p", "build", "--format=json"});
  EXPECT_EQ(JsonOne.Out, JsonTwo.Out);
}

TEST(Ci, SystemHeadersNeverReportedEvenWithHeaderFilterAll) {
  Workspace Dir(project());
  ProcessResult Run =
      run(Dir, {"-p", "build", "--header-filter=.*", "--format=json"});
  json::Value V = parseJson(Run.Out);
  const json::Array *Findings = V.getAsObject()->getArray("findings");
  ASSERT_TRUE(Findings);
  for (const json::Value &F : *Findings)
    EXPECT_FALSE(F.getAsObject()->getString("file")->starts_with("/usr/"))
        << Run.Out;
}

// --- 3. output formats ------------------------------------------------------

TEST(Ci, JsonSchema) {
  Workspace Dir(project());
  ProcessResult Run =
      run(Dir, {"-p", "build", "--format=json", "-o", "out/report.json"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_EQ(Run.Out, "");
  json::Value V = parseJson(Dir.read("out/report.json"));
  const json::Object *Root = V.getAsObject();
  ASSERT_TRUE(Root);
  EXPECT_EQ(Root->getInteger("version"), 1);
  EXPECT_EQ(Root->getString("root"), Dir.path());
  EXPECT_EQ(Root->getInteger("filesAnalysed"), 3);
  const json::Array *Findings = Root->getArray("findings");
  ASSERT_TRUE(Findings);
  const json::Object *Unjoined = nullptr;
  for (const json::Value &F : *Findings) {
    const json::Object *O = F.getAsObject();
    for (const char *Key : {"check", "section", "severity", "file", "message",
                            "function", "fingerprint"})
      EXPECT_TRUE(O->getString(Key)) << Key;
    for (const char *Key : {"line", "column", "endLine", "endColumn"})
      EXPECT_TRUE(O->getInteger(Key)) << Key;
    EXPECT_TRUE(O->getArray("notes"));
    EXPECT_TRUE(O->getArray("fixes"));
    if (O->getString("check") == "loadcheck-unjoined-thread")
      Unjoined = O;
  }
  ASSERT_TRUE(Unjoined);
  EXPECT_EQ(Unjoined->getString("file"), "src/a.cpp");
  EXPECT_EQ(Unjoined->getString("section"), "Concurrency");
  EXPECT_EQ(Unjoined->getString("severity"), "warning");
  EXPECT_EQ(Unjoined->getString("function"), "startA");
  EXPECT_EQ(Unjoined->getInteger("line"), 3);
  EXPECT_EQ(Unjoined->getInteger("column"), 15);
  const json::Array *Notes = Unjoined->getArray("notes");
  ASSERT_EQ(Notes->size(), 1u);
  EXPECT_EQ(Notes->front().getAsObject()->getInteger("line"), 4);
  const json::Array *Fixes = Unjoined->getArray("fixes");
  ASSERT_FALSE(Fixes->empty());
  EXPECT_EQ(Fixes->front().getAsObject()->getString("replacement"), "jthread");
  EXPECT_EQ(Fixes->front().getAsObject()->getString("file"), "src/a.cpp");
}

TEST(Ci, SarifIsValidAgainstTheOfficialSchema) {
  Workspace Dir(project());
  ProcessResult Run = run(Dir, {Stable, "-p", "build", "--format=sarif",
                                "--output", "report.sarif"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  ProcessResult Valid =
      runProcess("/usr/bin/python3",
                 {LOADCHECK_SOURCE_DIR "/tests/cli/validate_sarif.py",
                  LOADCHECK_SOURCE_DIR "/tests/data/sarif-schema-2.1.0.json",
                  Dir.path("report.sarif")});
  EXPECT_EQ(Valid.ExitCode, 0) << Valid.Out << Valid.Err;

  json::Value V = parseJson(Dir.read("report.sarif"));
  const json::Object *Log = V.getAsObject();
  EXPECT_EQ(Log->getString("version"), "2.1.0");
  const json::Array *Runs = Log->getArray("runs");
  ASSERT_EQ(Runs->size(), 1u);
  const json::Object *TheRun = Runs->front().getAsObject();
  const json::Array *Rules =
      TheRun->getObject("tool")->getObject("driver")->getArray("rules");
  ASSERT_TRUE(Rules);
  std::vector<std::string> RuleIds;
  for (const json::Value &R : *Rules) {
    const json::Object *O = R.getAsObject();
    RuleIds.push_back(O->getString("id")->str());
    EXPECT_TRUE(O->getObject("shortDescription"));
    EXPECT_TRUE(O->getObject("fullDescription"));
    EXPECT_TRUE(O->getString("helpUri"));
    EXPECT_EQ(O->getObject("defaultConfiguration")->getString("level"),
              "warning");
  }
  EXPECT_TRUE(llvm::is_contained(RuleIds, "loadcheck-detached-thread"));
  EXPECT_TRUE(llvm::is_contained(RuleIds, "performance-avoid-endl"));
  EXPECT_EQ(TheRun->getObject("originalUriBaseIds")
                ->getObject("%SRCROOT%")
                ->getString("uri"),
            "file://" + Dir.path() + "/");

  const json::Array *Results = TheRun->getArray("results");
  ASSERT_TRUE(Results);
  std::set<std::string> Fingerprints;
  size_t HeaderResults = 0;
  bool SawFix = false;
  for (const json::Value &R : *Results) {
    const json::Object *O = R.getAsObject();
    std::string RuleId = O->getString("ruleId")->str();
    EXPECT_EQ(RuleIds[*O->getInteger("ruleIndex")], RuleId);
    EXPECT_EQ(O->getString("level"), "warning");
    const json::Object *Artifact = O->getArray("locations")
                                       ->front()
                                       .getAsObject()
                                       ->getObject("physicalLocation")
                                       ->getObject("artifactLocation");
    EXPECT_EQ(Artifact->getString("uriBaseId"), "%SRCROOT%");
    if (Artifact->getString("uri") == "inc/shared.h")
      ++HeaderResults;
    Fingerprints.insert(O->getObject("partialFingerprints")
                            ->getString("loadcheckFingerprint/v2")
                            ->str());
    SawFix |= O->getArray("fixes") != nullptr;
  }
  EXPECT_EQ(HeaderResults, 1u);
  EXPECT_EQ(Fingerprints.size(), Results->size());
  EXPECT_TRUE(SawFix);
}

TEST(Ci, SarifOfACleanRunIsValidToo) {
  Workspace Dir({{"clean.cpp", FileC},
                 {"inc/shared.h", "#pragma once\n"
                                  "#include <thread>\n"
                                  "void work();\n"}});
  ProcessResult Run = run(Dir, {"--format=sarif", "-o", "clean.sarif",
                                "clean.cpp", "--", "-std=c++20", "-Iinc"});
  EXPECT_EQ(Run.ExitCode, 0) << Run.Err;
  ProcessResult Valid =
      runProcess("/usr/bin/python3",
                 {LOADCHECK_SOURCE_DIR "/tests/cli/validate_sarif.py",
                  LOADCHECK_SOURCE_DIR "/tests/data/sarif-schema-2.1.0.json",
                  Dir.path("clean.sarif")});
  EXPECT_EQ(Valid.ExitCode, 0) << Valid.Out << Valid.Err;
}

TEST(Ci, GithubAnnotationsWithSummaryBeyondTen) {
  std::string Many = "#include <thread>\nvoid work();\nvoid spawn() {\n";
  for (int I = 0; I < 12; ++I)
    Many += "  std::thread t" + std::to_string(I) + "(work); t" +
            std::to_string(I) + ".detach();\n";
  Many += "}\n";
  Workspace Dir(
      {{"many.cpp", Many}, {"one.cpp", FileC}, {"inc/shared.h", SharedHeader}});
  ProcessResult Run =
      run(Dir, {"--format=github", "many.cpp", "--", "-std=c++17"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  // From the caret at `detach` to the end of `t0.detach()`.
  EXPECT_NE(Run.Out.find(
                "::warning file=many.cpp,line=4,col=28,endLine=4,"
                "endColumn=36,title=loadcheck-detached-thread::thread 't0' is "
                "detached and cannot be joined at shutdown; join it "
                "or use a worker pool\n"),
            std::string::npos)
      << Run.Out;
  EXPECT_EQ(count(Run.Out, "::warning "), 10u) << Run.Out;
  EXPECT_NE(Run.Out.find("::notice title=loadcheck::2 more findings not "
                         "shown as annotations"),
            std::string::npos)
      << Run.Out;
  EXPECT_NE(Run.Out.find("many.cpp:15:"), std::string::npos) << Run.Out;
}

TEST(Ci, GitlabCodeQualityHasUniqueFingerprints) {
  // Two identical lines in one function: same check, file, function and
  // text; the fingerprints must still differ.
  Workspace Dir({{"twice.cpp", "#include <thread>\nvoid work();\n"
                               "void spawn() {\n"
                               "  { std::thread t(work); t.detach(); }\n"
                               "  { std::thread t(work); t.detach(); }\n"
                               "}\n"}});
  ProcessResult Run =
      run(Dir, {"--format=gitlab", "twice.cpp", "--", "-std=c++17"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  json::Value V = parseJson(Run.Out);
  const json::Array *Issues = V.getAsArray();
  ASSERT_TRUE(Issues);
  ASSERT_EQ(Issues->size(), 2u) << Run.Out;
  std::set<std::string> Fingerprints;
  for (const json::Value &I : *Issues) {
    const json::Object *O = I.getAsObject();
    Fingerprints.insert(O->getString("fingerprint")->str());
    EXPECT_EQ(O->getString("check_name"), "loadcheck-detached-thread");
    EXPECT_EQ(O->getString("severity"), "major");
    EXPECT_EQ(O->getObject("location")->getString("path"), "twice.cpp");
    EXPECT_TRUE(
        O->getObject("location")->getObject("lines")->getInteger("begin"));
    EXPECT_TRUE(O->getString("description"));
  }
  EXPECT_EQ(Fingerprints.size(), 2u);
}

// --- 4. fixes
// -----------------------------------------------------------------

TEST(Ci, FixAppliesInPlaceAndIsIdempotent) {
  Workspace Dir(project());
  ProcessResult First = run(Dir, {Stable, "-p", "build", "--fix"});
  EXPECT_EQ(First.ExitCode, 1) << First.Err;
  EXPECT_NE(First.Err.find("loadcheck: applied 2 fix-its in 2 files (0 "
                           "conflicting)"),
            std::string::npos)
      << First.Err;
  std::string A = Dir.read("src/a.cpp"), B = Dir.read("src/b.cpp");
  EXPECT_NE(A.find("std::jthread t(work);"), std::string::npos) << A;
  EXPECT_NE(B.find("std::cout << n << '\\n';"), std::string::npos) << B;
  // No temporary left behind.
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator It(Dir.path("src"), EC), End;
       It != End && !EC; It.increment(EC))
    EXPECT_EQ(It->path().find(".loadcheck-"), std::string::npos) << It->path();

  ProcessResult Second = run(Dir, {Stable, "-p", "build", "--fix"});
  EXPECT_NE(Second.Err.find("applied 0 fix-its in 0 files"), std::string::npos)
      << Second.Err;
  EXPECT_EQ(Dir.read("src/a.cpp"), A);
  EXPECT_EQ(Dir.read("src/b.cpp"), B);
}

TEST(Ci, ExportFixesAppliedByClangApplyReplacements) {
  Workspace Fixed(project()), Exported(project());
  run(Fixed, {Stable, "-p", "build", "--fix"});
  ProcessResult Run = run(
      Exported, {Stable, "-p", "build", "--export-fixes", "fixes/all.yaml"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  std::string Yaml = Exported.read("fixes/all.yaml");
  EXPECT_NE(Yaml.find("DiagnosticName:  loadcheck-unjoined-thread"),
            std::string::npos)
      << Yaml;
  // The exported file leaves the sources alone...
  EXPECT_EQ(Exported.read("src/a.cpp"), FileA);
  ProcessResult Apply = runProcess("/usr/bin/clang-apply-replacements-19",
                                   {Exported.path("fixes")}, Exported.path());
  EXPECT_EQ(Apply.ExitCode, 0) << Apply.Out << Apply.Err;
  // ...and clang-apply-replacements makes exactly what --fix makes.
  EXPECT_EQ(Exported.read("src/a.cpp"), Fixed.read("src/a.cpp"));
  EXPECT_EQ(Exported.read("src/b.cpp"), Fixed.read("src/b.cpp"));
  EXPECT_NE(Exported.read("src/a.cpp"), FileA);
}

// --- 5. baseline ------------------------------------------------------------

TEST(Ci, BaselineSurvivesShiftedLinesAndReportsOnlyNewFindings) {
  Workspace Dir(project());
  ProcessResult Write = run(Dir, {Stable, "-p", "build", "--write-baseline",
                                  "loadcheck-baseline.json"});
  EXPECT_EQ(Write.ExitCode, 0) << Write.Err;
  json::Value V = parseJson(Dir.read("loadcheck-baseline.json"));
  ASSERT_TRUE(V.getAsObject());
  EXPECT_EQ(V.getAsObject()->getInteger("version"), 2);
  EXPECT_EQ(V.getAsObject()->getArray("findings")->size(), 4u);

  ProcessResult Same = run(
      Dir, {Stable, "-p", "build", "--baseline", "loadcheck-baseline.json"});
  EXPECT_EQ(Same.ExitCode, 0) << Same.Out << Same.Err;
  EXPECT_EQ(Same.Out, "");
  EXPECT_NE(Same.Err.find("0 findings in 0 files; 3 files analysed, 0 not "
                          "analysed; 4 known from the baseline"),
            std::string::npos)
      << Same.Err;

  // Unrelated edits move every finding of b.cpp down; one new finding.
  Dir.write("src/b.cpp", std::string("// a comment\n\n#include <vector>\n") +
                             FileB +
                             "void startNew() {\n  std::thread n(work);\n"
                             "  n.detach();\n}\n");
  ProcessResult Shifted = run(
      Dir, {Stable, "-p", "build", "--baseline", "loadcheck-baseline.json"});
  EXPECT_EQ(Shifted.ExitCode, 1) << Shifted.Err;
  EXPECT_NE(Shifted.Out.find("src/b.cpp:13:5: warning: thread 'n' is "
                             "detached"),
            std::string::npos)
      << Shifted.Out;
  EXPECT_EQ(count(Shifted.Out, ": warning: "), 1u) << Shifted.Out;
}

TEST(Ci, MalformedBaselineIsAUsageError) {
  Workspace Dir(project());
  Dir.write("bad.json", "{\"findings\": 3}");
  ProcessResult Run = run(Dir, {"-p", "build", "--baseline", "bad.json"});
  EXPECT_EQ(Run.ExitCode, 2);
  EXPECT_NE(Run.Err.find("is not a loadcheck baseline"), std::string::npos)
      << Run.Err;
}

// --- 6. the high-traffic profile -------------------------------------------

TEST(Ci, DefaultProfileRunsUpstreamChecksWithOptions) {
  Workspace Dir({{"svc.cpp", R"(#include <curl/curl.h>
#include <iostream>
#include <stop_token>
#include <string>
void poll(std::stop_token stop) { (void)stop.stop_requested(); }
void copy(std::string s) { std::cout << s.size() << std::endl; }
void fetch(CURL *h) { curl_easy_perform(h); }
)"}});
  ProcessResult Run = run(Dir, {"svc.cpp", "--", "-std=c++20"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_NE(Run.Out.find("svc.cpp:6:53: warning: do not use 'std::endl'"),
            std::string::npos)
      << Run.Out;
  EXPECT_NE(Run.Out.find("[performance-unnecessary-value-param]"),
            std::string::npos)
      << Run.Out;
  // CheckedReturnTypes includes CURLcode.
  EXPECT_NE(Run.Out.find("svc.cpp:7:23: warning: the value returned by this "
                         "function should not be disregarded"),
            std::string::npos)
      << Run.Out;
  // AllowedTypes includes std::stop_token: its by-value parameter is fine.
  EXPECT_EQ(Run.Out.find("svc.cpp:5:"), std::string::npos) << Run.Out;

  ProcessResult Restricted =
      run(Dir, {"--checks=-*,loadcheck-*", "svc.cpp", "--", "-std=c++20"});
  EXPECT_EQ(Restricted.ExitCode, 0) << Restricted.Out;
  Dir.write(".clang-tidy", "Checks: '-*,performance-avoid-endl'\n");
  ProcessResult Configured = run(Dir, {"svc.cpp", "--", "-std=c++20"});
  EXPECT_EQ(count(Configured.Out, ": warning: "), 1u) << Configured.Out;
}

TEST(Ci, ListChecksShowsTheProfileWithSections) {
  Workspace Dir({});
  ProcessResult Run = run(Dir, {"--list-checks"});
  EXPECT_EQ(Run.ExitCode, 0);
  for (const char *Line :
       {"loadcheck-unjoined-thread  [Concurrency, fix-it]",
        "performance-avoid-endl  [Memory]",
        "bugprone-unused-return-value  [Resilience]",
        "bugprone-empty-catch  [Observability]",
        "concurrency-mt-unsafe  [Concurrency]",
        "bugprone-signal-handler  [Resilience]",
        "bugprone-spuriously-wake-up-functions  [Concurrency]",
        "performance-unnecessary-value-param  [Memory]",
        "performance-unnecessary-copy-initialization  [Memory]",
        "performance-inefficient-vector-operation  [Memory]",
        "performance-inefficient-string-concatenation  [Memory]"})
    EXPECT_NE(Run.Out.find(Line), std::string::npos) << Line << "\n" << Run.Out;
  EXPECT_EQ(Run.Out.find("bugprone-use-after-move"), std::string::npos);
}

TEST(Ci, ProfileSnippetForPluginUsersMatchesTheDriver) {
  // The shipped .clang-tidy, copied into a project, enables exactly what
  // the driver enables by default.
  auto Snippet = llvm::MemoryBuffer::getFile(
      LOADCHECK_SOURCE_DIR "/docs/profile/high-traffic.clang-tidy");
  ASSERT_TRUE(Snippet);
  Workspace Default({}),
      Shipped({{".clang-tidy", (*Snippet)->getBuffer().str()}});
  ProcessResult A = run(Default, {"--list-checks"});
  ProcessResult B = run(Shipped, {"--list-checks"});
  EXPECT_EQ(B.ExitCode, 0) << B.Err;
  EXPECT_EQ(A.Out, B.Out);
  // Same options: the stop_token by value stays silent with the snippet.
  Shipped.write("x.cpp", "#include <stop_token>\n#include <string>\n"
                         "void f(std::stop_token s, std::string t) { "
                         "(void)s.stop_requested(); (void)t.size(); }\n");
  ProcessResult Opt = runProcess(LOADCHECK_CLANG_TIDY,
                                 {std::string("-load=") + LOADCHECK_PLUGIN_PATH,
                                  "x.cpp", "--", "-std=c++20"},
                                 Shipped.path());
  EXPECT_NE(Opt.Out.find("x.cpp:3:39: warning: the parameter 't'"),
            std::string::npos)
      << Opt.Out << Opt.Err;
  EXPECT_EQ(Opt.Out.find("parameter 's'"), std::string::npos) << Opt.Out;
}

// --- 7. checklist
// -------------------------------------------------------------

TEST(Ci, ChecklistGroupsFindingsBySection) {
  Workspace Dir(project());
  ProcessResult Run = run(
      Dir, {Stable + ",bugprone-empty-catch", "-p", "build", "--checklist"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  const std::string &Out = Run.Out;
  EXPECT_NE(Out.find("Review checklist (custom checks from --checks, 4 "
                     "checks): 3 files analysed"),
            std::string::npos)
      << Out;
  // Sections in checklist order.
  size_t Last = 0;
  for (const char *Section :
       {"\nConcurrency: ", "\nMemory: ", "\nConnections: ", "\nResilience: ",
        "\nObservability: ", "\nSecurity: "}) {
    size_t At = Out.find(Section);
    ASSERT_NE(At, std::string::npos) << Section << "\n" << Out;
    EXPECT_GT(At, Last) << Section;
    Last = At;
  }
  EXPECT_NE(Out.find("Concurrency: 3 findings; worst files: "),
            std::string::npos)
      << Out;
  EXPECT_NE(Out.find("[ ]   2 loadcheck-detached-thread"), std::string::npos)
      << Out;
  EXPECT_NE(Out.find("in inc/shared.h (1), src/b.cpp (1)"), std::string::npos)
      << Out;
  EXPECT_NE(Out.find("Memory: 1 finding; worst files: src/b.cpp (1)"),
            std::string::npos)
      << Out;
  EXPECT_NE(Out.find("[x] ok  bugprone-empty-catch"), std::string::npos) << Out;
  EXPECT_NE(Out.find("Observability: pass"), std::string::npos) << Out;
  EXPECT_NE(Out.find("Resilience: no check enabled"), std::string::npos) << Out;
  // The listing itself is replaced by the checklist.
  EXPECT_EQ(Out.find(": warning: "), std::string::npos) << Out;
}

// --- 8. explain
// ---------------------------------------------------------------

TEST(Ci, ExplainPrintsTheDocsPage) {
  Workspace Dir({});
  ProcessResult Run = run(Dir, {"--explain", "loadcheck-detached-thread"});
  EXPECT_EQ(Run.ExitCode, 0) << Run.Err;
  auto Page = llvm::MemoryBuffer::getFile(
      LOADCHECK_SOURCE_DIR "/docs/checks/loadcheck-detached-thread.md");
  ASSERT_TRUE(Page);
  EXPECT_EQ(Run.Out, (*Page)->getBuffer());

  ProcessResult Upstream = run(Dir, {"--explain", "performance-avoid-endl"});
  EXPECT_EQ(Upstream.ExitCode, 0);
  EXPECT_NE(Upstream.Out.find("clang-tidy/checks/performance/avoid-endl.html"),
            std::string::npos)
      << Upstream.Out;

  ProcessResult Unknown = run(Dir, {"--explain", "loadcheck-nosuch"});
  EXPECT_EQ(Unknown.ExitCode, 2);
  EXPECT_NE(Unknown.Err.find("unknown check 'loadcheck-nosuch'"),
            std::string::npos);
}

// --- 9. exit codes
// --------------------------------------------------------------

TEST(Ci, BrokenTranslationUnitIsCountedAndOthersReported) {
  Workspace Dir(projectWithBrokenFile());
  ProcessResult Run = run(Dir, {"-p", "build", "-j2", "--format=json"});
  EXPECT_EQ(Run.ExitCode, 3) << Run.Err;
  json::Value V = parseJson(Run.Out);
  const json::Object *Root = V.getAsObject();
  ASSERT_TRUE(Root);
  const json::Array *Failures = Root->getArray("failures");
  ASSERT_EQ(Failures->size(), 1u);
  EXPECT_EQ(Failures->front().getAsObject()->getString("file"),
            "src/broken.cpp");
  size_t Checks = 0;
  for (const json::Value &F : *Root->getArray("findings"))
    Checks += F.getAsObject()->getString("check")->starts_with("loadcheck-");
  EXPECT_EQ(Checks, 3u) << Run.Out;
  EXPECT_NE(Run.Err.find("3 files analysed, 1 not analysed"), std::string::npos)
      << Run.Err;
}

// Crashes, hangs and killed workers: tests/cli/ReliabilityTests.cpp.

TEST(Ci, WarningsAsErrorsInEveryFormat) {
  Workspace Dir(project());
  ProcessResult Text =
      run(Dir, {Stable, "-p", "build", "--warnings-as-errors=loadcheck-*"});
  EXPECT_EQ(Text.ExitCode, 1);
  EXPECT_NE(Text.Out.find("src/a.cpp:3:15: error: thread 't' may be "
                          "destroyed while joinable"),
            std::string::npos)
      << Text.Out;
  ProcessResult Sarif = run(Dir, {Stable, "-p", "build", "--format=sarif",
                                  "--warnings-as-errors=loadcheck-*"});
  EXPECT_NE(Sarif.Out.find("\"level\": \"error\""), std::string::npos);
  Dir.write(".clang-tidy",
            "HeaderFilterRegex: 'inc/'\nWarningsAsErrors: '*'\n");
  ProcessResult Github = run(Dir, {Stable, "-p", "build", "--format=github"});
  EXPECT_EQ(count(Github.Out, "::error file="), 4u) << Github.Out;
}

TEST(Ci, ChecklistWithMachineFormatNeedsOutputFile) {
  Workspace Dir(project());
  ProcessResult Run =
      run(Dir, {"-p", "build", "--checklist", "--format=sarif"});
  EXPECT_EQ(Run.ExitCode, 2);
  ProcessResult Both = run(
      Dir, {"-p", "build", "--checklist", "--format=sarif", "-o", "r.sarif"});
  EXPECT_EQ(Both.ExitCode, 1);
  EXPECT_NE(Both.Out.find("Review checklist"), std::string::npos);
  EXPECT_NE(Dir.read("r.sarif").find("\"version\": \"2.1.0\""),
            std::string::npos);
}

TEST(Ci, InvalidJobsIsAUsageError) {
  Workspace Dir(project());
  EXPECT_EQ(run(Dir, {"-j0", "-p", "build"}).ExitCode, 2);
  EXPECT_EQ(run(Dir, {"--format=xml", "-p", "build"}).ExitCode, 2);
}

// --- 10. one analysis, several reports
// ----------------------------------------------------------

TEST(Ci, OneAnalysisWritesEveryReport) {
  Workspace Dir(project());
  ProcessResult Run =
      run(Dir, {Stable, "-p", "build", "--format=sarif:out/r.sarif",
                "--format=json:r.json", "--format=github"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  // The report without a file on stdout, the others in their files.
  EXPECT_EQ(count(Run.Out, "::warning file="), 4u) << Run.Out;
  EXPECT_EQ(Run.Out.find(": warning: "), std::string::npos) << Run.Out;
  json::Value Sarif = parseJson(Dir.read("out/r.sarif"));
  ASSERT_TRUE(Sarif.getAsObject());
  EXPECT_EQ(Sarif.getAsObject()->getString("version"), "2.1.0");
  EXPECT_EQ(Sarif.getAsObject()
                ->getArray("runs")
                ->front()
                .getAsObject()
                ->getArray("results")
                ->size(),
            4u);
  json::Value Json = parseJson(Dir.read("r.json"));
  ASSERT_TRUE(Json.getAsObject());
  EXPECT_EQ(Json.getAsObject()->getArray("findings")->size(), 4u);

  // Only reports with files: nothing on stdout. --output takes the one
  // without a file.
  ProcessResult Files = run(Dir, {Stable, "-p", "build", "--format=json", "-o",
                                  "j.json", "--format=gitlab:g.json"});
  EXPECT_EQ(Files.ExitCode, 1) << Files.Err;
  EXPECT_EQ(Files.Out, "");
  EXPECT_EQ(
      parseJson(Dir.read("j.json")).getAsObject()->getArray("findings")->size(),
      4u);
  EXPECT_EQ(parseJson(Dir.read("g.json")).getAsArray()->size(), 4u);
}

TEST(Ci, ReportsThatCollideAreAReadableUsageError) {
  Workspace Dir(project());
  struct Case {
    std::vector<std::string> Args;
    std::string Error;
  };
  const Case Cases[] = {
      {{"--format=json", "--format=sarif"},
       "loadcheck: error: --format=json and --format=sarif both write to "
       "stdout: give all but one report its own file, e.g. "
       "--format=sarif:loadcheck.sarif\n"},
      {{"--format=json", "--format=gitlab", "-o", "r.json"},
       "--format=json and --format=gitlab both write to 'r.json'"},
      {{"--format=json:r.json", "--format=sarif:r.json"},
       "--format=json:r.json and --format=sarif:r.json both write to "
       "'r.json': give each report its own file"},
      {{"--format=sarif:"}, "--format 'sarif:' names no file after ':'"},
      {{"--format=xml:r.xml"},
       "--format 'xml:r.xml' is not a report format: use text, json, sarif, "
       "github or gitlab"},
      {{"--format=sarif:r.sarif", "-o", "r.txt"},
       "--output 'r.txt' receives no report: every --format names its own "
       "file"},
  };
  for (const Case &C : Cases) {
    std::vector<std::string> Args = {"-p", "build"};
    Args.insert(Args.end(), C.Args.begin(), C.Args.end());
    ProcessResult Run = run(Dir, Args);
    EXPECT_EQ(Run.ExitCode, 2) << llvm::join(C.Args, " ");
    EXPECT_NE(Run.Err.find(C.Error), std::string::npos) << Run.Err;
    EXPECT_EQ(count(Run.Err, "\n"), 1u) << Run.Err; // one line, no usage
    EXPECT_EQ(Run.Out, "");
  }
}

TEST(Ci, MergeWritesGithubAndTextAndSeveralReports) {
  Workspace Dir(project());
  for (const char *Shard : {"1/2", "2/2"})
    run(Dir, {Stable, "-p", "build", std::string("--shard=") + Shard,
              std::string("--format=json:shard") + Shard[0] + ".json"});
  ProcessResult Merged =
      runProcess(LOADCHECK_BINARY,
                 {"merge", "--format=github", "--format=text:merged.txt",
                  "--format=sarif:merged.sarif", "shard1.json", "shard2.json"},
                 Dir.path(), "-u NO_COLOR");
  EXPECT_EQ(Merged.ExitCode, 1) << Merged.Err;
  EXPECT_EQ(count(Merged.Out, "::warning file="), 4u) << Merged.Out;
  EXPECT_NE(Merged.Out.find("::warning file=src/a.cpp,line=3,"),
            std::string::npos)
      << Merged.Out;
  std::string Text = Dir.read("merged.txt");
  EXPECT_EQ(count(Text, ": warning: "), 4u) << Text;
  EXPECT_NE(Text.find("/src/b.cpp:5:5: warning: thread 't' is detached"),
            std::string::npos)
      << Text;
  EXPECT_NE(Dir.read("merged.sarif").find("\"version\": \"2.1.0\""),
            std::string::npos);
  EXPECT_NE(Merged.Err.find("4 findings in 3 files; 3 files analysed, 0 not "
                            "analysed"),
            std::string::npos)
      << Merged.Err;

  // SARIF results cannot give annotations; two reports to stdout neither.
  ProcessResult FromSarif =
      runProcess(LOADCHECK_BINARY, {"merge", "--format=github", "merged.sarif"},
                 Dir.path());
  EXPECT_EQ(FromSarif.ExitCode, 2);
  EXPECT_NE(FromSarif.Err.find("SARIF results merge into SARIF only"),
            std::string::npos)
      << FromSarif.Err;
  ProcessResult Twice = runProcess(
      LOADCHECK_BINARY,
      {"merge", "--format=github", "--format=text", "shard1.json"}, Dir.path());
  EXPECT_EQ(Twice.ExitCode, 2);
  EXPECT_NE(Twice.Err.find("both write to stdout"), std::string::npos)
      << Twice.Err;
}

// --- 11. small frictions
// ----------------------------------------------------------

TEST(Ci, FixSummarySaysWhatWasFixedAndWhatRemains) {
  Workspace Dir(project());
  // Two of the four findings have a fix-it (unjoined thread, std::endl).
  ProcessResult Some = run(Dir, {Stable, "-p", "build", "--fix"});
  EXPECT_EQ(Some.ExitCode, 1) << Some.Err;
  EXPECT_NE(Some.Err.find("loadcheck: 4 findings in 3 files; 3 files "
                          "analysed, 0 not analysed; 2 fixed by --fix, 2 "
                          "remain\n"),
            std::string::npos)
      << Some.Err;

  // Every finding fixed: nothing remains, exit 0.
  Workspace All(project());
  std::string Fixable =
      "--checks=-*,loadcheck-unjoined-thread,performance-avoid-endl";
  ProcessResult Fixed = run(All, {Fixable, "-p", "build", "--fix"});
  EXPECT_EQ(Fixed.ExitCode, 0) << Fixed.Err;
  EXPECT_NE(Fixed.Err.find("2 fixed by --fix, 0 remain\n"), std::string::npos)
      << Fixed.Err;
  // Without --fix the same findings are findings (exit 1), and no fix
  // count is printed.
  Workspace Report(project());
  ProcessResult Listed = run(Report, {Fixable, "-p", "build"});
  EXPECT_EQ(Listed.ExitCode, 1) << Listed.Err;
  EXPECT_EQ(Listed.Err.find("fixed by --fix"), std::string::npos) << Listed.Err;
}

/// Runs `Loadcheck | Reader` with bash in \p Dir and returns what it
/// printed, with `status=<exit status of loadcheck>` as the last line of
/// stdout. loadcheck starts after half a second: a reader that reads
/// nothing has surely exited by then.
ProcessResult pipeline(const Workspace &Dir, const std::string &Loadcheck,
                       const std::string &Reader) {
  return runProcess("/bin/bash",
                    {"-c", "{ sleep 0.5; exec " + Loadcheck + "; } | " +
                               Reader + "; echo \"status=${PIPESTATUS[0]}\""},
                    Dir.path(), "-u NO_COLOR");
}

TEST(Ci, ClosedPipeEndsQuietly) {
  Workspace Dir(project());
  std::string Loadcheck = std::string("'") + LOADCHECK_BINARY +
                          "' --root=" + Dir.path() + " " + Stable;
  // `true` exits without reading: the report meets a closed pipe. The run
  // ends as Unix tools do (killed by SIGPIPE: 128 + 13), saying nothing,
  // after --fix and the report files.
  for (const std::string &Args :
       {std::string(" -p build --fix --format=json:r.json --format=text"),
        std::string(" --list-checks"),
        std::string(" --explain loadcheck-detached-thread")}) {
    ProcessResult Run = pipeline(Dir, Loadcheck + Args, "true");
    EXPECT_NE(Run.Out.find("status=141"), std::string::npos)
        << Args << "\n"
        << Run.Out << Run.Err;
    EXPECT_EQ(Run.Err, "") << Args;
  }
  EXPECT_NE(Dir.read("src/a.cpp").find("std::jthread"), std::string::npos);
  EXPECT_EQ(
      parseJson(Dir.read("r.json")).getAsObject()->getArray("findings")->size(),
      4u);
  // A reader that reads everything: the usual exit code.
  ProcessResult Whole =
      pipeline(Dir, Loadcheck + " --quiet -p build", "cat >/dev/null");
  EXPECT_NE(Whole.Out.find("status=1"), std::string::npos) << Whole.Out;
  EXPECT_EQ(Whole.Err, "");
}

TEST(Ci, SummaryNamesFilesWithFindingsAndFilesAnalysed) {
  Workspace Dir(project());
  // Findings in inc/shared.h, src/a.cpp and src/b.cpp; c.cpp has none.
  ProcessResult Run =
      run(Dir, {"--checks=-*,loadcheck-detached-thread", "-p", "build"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_NE(Run.Err.find("loadcheck: 2 findings in 2 files; 3 files "
                         "analysed, 0 not analysed\n"),
            std::string::npos)
      << Run.Err;
  ProcessResult One = run(Dir, {"--checks=-*,loadcheck-detached-thread", "-p",
                                "build", "src/c.cpp"});
  EXPECT_EQ(One.ExitCode, 1) << One.Err;
  EXPECT_NE(One.Err.find("loadcheck: 1 finding in 1 file; 1 file analysed, "
                         "0 not analysed\n"),
            std::string::npos)
      << One.Err;
}

TEST(Ci, ChecklistNamesTheCheckSetUsed) {
  Workspace Dir(project());
  ProcessResult Profile = run(Dir, {"-p", "build", "--checklist"});
  llvm::Regex ProfileHeading(
      "^Review checklist \\(the high-traffic profile, [0-9]+ checks\\): 3 "
      "files analysed\n");
  EXPECT_TRUE(ProfileHeading.match(Profile.Out)) << Profile.Out;

  Dir.write(".clang-tidy", "HeaderFilterRegex: 'inc/'\n"
                           "Checks: '-loadcheck-sleep-polling'\n");
  ProcessResult Changed = run(Dir, {"-p", "build", "--checklist"});
  EXPECT_NE(Changed.Out.find("Review checklist (the high-traffic profile "
                             "changed by .clang-tidy, "),
            std::string::npos)
      << Changed.Out;
  EXPECT_EQ(Changed.Out.find("loadcheck-sleep-polling"), std::string::npos);

  ProcessResult Both = run(
      Dir, {"-p", "build", "--checklist", "--checks=-bugprone-empty-catch"});
  EXPECT_NE(Both.Out.find("(the high-traffic profile changed by .clang-tidy "
                          "and --checks, "),
            std::string::npos)
      << Both.Out;

  ProcessResult Custom = run(Dir, {Stable, "-p", "build", "--checklist"});
  EXPECT_NE(Custom.Out.find("Review checklist (custom checks from --checks, 3 "
                            "checks): 3 files analysed\n"),
            std::string::npos)
      << Custom.Out;
}

TEST(Ci, ListChecksAsJson) {
  Workspace Dir({});
  ProcessResult Run = run(Dir, {"--list-checks", "--format=json"});
  EXPECT_EQ(Run.ExitCode, 0) << Run.Err;
  json::Value V = parseJson(Run.Out);
  const json::Object *Root = V.getAsObject();
  ASSERT_TRUE(Root);
  EXPECT_TRUE(
      Root->getString("checkSet")->starts_with("the high-traffic profile, "));
  std::map<std::string, const json::Object *> ByName;
  for (const json::Value &C : *Root->getArray("checks"))
    ByName[C.getAsObject()->getString("name")->str()] = C.getAsObject();
  ASSERT_TRUE(ByName.count("loadcheck-unjoined-thread"));
  const json::Object &Unjoined = *ByName["loadcheck-unjoined-thread"];
  EXPECT_EQ(Unjoined.getString("section"), "Concurrency");
  EXPECT_EQ(Unjoined.getBoolean("fixIt"), true);
  EXPECT_TRUE(Unjoined.getArray("languages"));
  EXPECT_FALSE(Unjoined.getString("summary")->empty());
  ASSERT_TRUE(ByName.count("loadcheck-detached-thread"));
  EXPECT_EQ(ByName["loadcheck-detached-thread"]->getBoolean("fixIt"), false);
  ASSERT_TRUE(ByName.count("performance-avoid-endl"));
  EXPECT_FALSE(ByName["performance-avoid-endl"]->getArray("languages"));
  // As many as the text listing.
  ProcessResult Text = run(Dir, {"--list-checks"});
  EXPECT_EQ(count(Text.Out, "\n    "), ByName.size()) << Text.Out;

  ProcessResult Sarif = run(Dir, {"--list-checks", "--format=sarif"});
  EXPECT_EQ(Sarif.ExitCode, 2);
  EXPECT_NE(Sarif.Err.find("--list-checks prints text or json, not sarif"),
            std::string::npos)
      << Sarif.Err;
}

TEST(Ci, ListChecksWritesToOutput) {
  Workspace Dir({});
  ProcessResult Text = run(Dir, {"--list-checks", "-o", "lists/checks.txt"});
  EXPECT_EQ(Text.ExitCode, 0) << Text.Err;
  EXPECT_EQ(Text.Out, "");
  EXPECT_TRUE(llvm::StringRef(Dir.read("lists/checks.txt"))
                  .starts_with("Enabled checks:\n    "))
      << Dir.read("lists/checks.txt");

  ProcessResult Json =
      run(Dir, {"--list-checks", "--format=json", "--output", "checks.json"});
  EXPECT_EQ(Json.ExitCode, 0) << Json.Err;
  EXPECT_EQ(Json.Out, "");
  json::Value V = parseJson(Dir.read("checks.json"));
  ASSERT_TRUE(V.getAsObject());
  EXPECT_TRUE(V.getAsObject()->getArray("checks"));

  // A list with its own file leaves -o nothing to receive.
  ProcessResult Both =
      run(Dir, {"--list-checks", "--format=json:own.json", "-o", "checks.txt"});
  EXPECT_EQ(Both.ExitCode, 2);
  EXPECT_NE(Both.Err.find("--output 'checks.txt' receives no report"),
            std::string::npos)
      << Both.Err;
}

} // namespace
} // namespace loadcheck::testing
