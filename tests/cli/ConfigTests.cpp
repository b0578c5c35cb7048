//===--- ConfigTests.cpp - configuration as clang-tidy users expect -------===//
//
// A .clang-tidy shared with other clang-tidy versions: their keys warn and
// the rest of the file applies; a key no version knows is an error with a
// "did you mean"; a misspelt option of an enabled check warns with the
// check's real options. --config, --config-file, --dump-config (read back
// to the same configuration) and --verify-config.
//
//===----------------------------------------------------------------------===//
#include "tests/Artifacts.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"
#include "tool/front/ConfigKeys.h"

#include "llvm/Config/llvm-config.h"
#include "llvm/Support/SourceMgr.h"
#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

const char *const Finding = "good.cpp:5:5: warning: thread 't' is detached";

/// (The harness quotes each argument in single quotes: arguments here use
/// double quotes inside.)
ProcessResult run(const Workspace &Dir, std::vector<std::string> Args) {
  Args.insert(Args.begin(), "--root=" + Dir.path());
  return runProcess(LOADCHECK_BINARY, Args, Dir.path(), "-u NO_COLOR");
}

ProcessResult analyse(const Workspace &Dir, std::vector<std::string> Extra) {
  Extra.insert(Extra.end(), {"good.cpp", "--", "-std=c++17"});
  return run(Dir, Extra);
}

std::string inDir(std::string Text, const Workspace &Dir) {
  for (size_t At; (At = Text.find("@DIR@")) != std::string::npos;)
    Text.replace(At, 5, Dir.path());
  return Text;
}

bool contains(const std::string &Text, const std::string &Part) {
  return Text.find(Part) != std::string::npos;
}

// --- keys across clang-tidy versions

TEST(ConfigKeys, TableMatchesTheLinkedClangTidy) {
  for (const ConfigKey &Key : clangTidyConfigKeys()) {
    std::string Text = Key.Name.str() + ": ~\n";
    std::string Messages;
    (void)clang::tidy::parseConfigurationWithDiags(
        llvm::MemoryBufferRef(Text, "t"),
        [&](const llvm::SMDiagnostic &D) { Messages += D.getMessage().str(); });
    EXPECT_EQ(contains(Messages, "unknown key"),
              !Key.knownBy(LLVM_VERSION_MAJOR))
        << Key.Name.str() << ": " << Messages;
  }
}

TEST(ConfigKeys, VersionsAreNamed) {
  EXPECT_EQ(findConfigKey("AnalyzeTemporaryDtors")->versionsText(),
            "clang-tidy 17 and earlier");
  EXPECT_EQ(findConfigKey("RemovedArgs")->versionsText(),
            "clang-tidy 22 and later");
  EXPECT_EQ(findConfigKey("Checks")->versionsText(), "every clang-tidy");
  EXPECT_EQ(findConfigKey("AnalyseTemporaryDtors"), nullptr);
}

TEST(ConfigKeys, ClosestNameIsAPlausibleMisspellingOnly) {
  std::vector<std::string> Names = {"HeaderFilterRegex", "Checks", "User"};
  EXPECT_EQ(closestName("HeaderFilterRegx", Names), "HeaderFilterRegex");
  EXPECT_EQ(closestName("chekcs", Names), "Checks");
  EXPECT_EQ(closestName("FooBar", Names), "");
  EXPECT_EQ(closestName("Checks", Names), ""); // itself is no suggestion
}

TEST(Config, RemovedKeyWarnsAndTheRestOfTheFileApplies) {
  // clang-tidy 18 and later ignore this whole file; loadcheck drops the key.
  Workspace Dir({{"good.cpp", Detaching},
                 {".clang-tidy", "Checks: '-*,loadcheck-detached-thread'\n"
                                 "AnalyzeTemporaryDtors: false\n"
                                 "WarningsAsErrors: 'loadcheck-*'\n"}});
  ProcessResult Run = analyse(Dir, {});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_TRUE(contains(
      Run.Err, inDir("loadcheck: warning: @DIR@/.clang-tidy:2:1: key "
                     "'AnalyzeTemporaryDtors' is known to clang-tidy 17 and "
                     "earlier only, not to the clang-tidy " +
                         std::to_string(LLVM_VERSION_MAJOR) +
                         " loadcheck is built on; ignored\n",
                     Dir)))
      << Run.Err;
  // WarningsAsErrors after the dropped key still applies.
  EXPECT_TRUE(contains(Run.Out, "good.cpp:5:5: error: thread 't' is detached"))
      << Run.Out;
}

TEST(Config, NewerKeyWarnsOnlyWhereThisClangTidyLacksIt) {
  Workspace Dir(
      {{"good.cpp", Detaching},
       {".clang-tidy", "Checks: '-*,loadcheck-detached-thread'\n"
                       "RemovedArgs: ['-Wno-unknown-warning']\n"
                       "ExcludeHeaderFilterRegex: 'third_party/'\n"}});
  ProcessResult Run = analyse(Dir, {});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_TRUE(contains(Run.Out, Finding)) << Run.Out;
  bool Known = findConfigKey("RemovedArgs")->knownBy(LLVM_VERSION_MAJOR);
  EXPECT_EQ(contains(Run.Err, "key 'RemovedArgs' is known to clang-tidy 22 "
                              "and later only"),
            !Known)
      << Run.Err;
  // A key this clang-tidy knows is no warning.
  EXPECT_FALSE(contains(Run.Err, "ExcludeHeaderFilterRegex")) << Run.Err;
}

TEST(Config, OtherVersionsKeyInAJsonConfigIsDroppedToo) {
  Workspace Dir({{"good.cpp", Detaching}});
  ProcessResult Run =
      analyse(Dir, {"--config={\"Checks\": \"-*,loadcheck-detached-thread\", "
                    "\"AnalyzeTemporaryDtors\": false}"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_TRUE(contains(Run.Out, Finding)) << Run.Out;
  EXPECT_TRUE(contains(Run.Err, "loadcheck: warning: --config:1:")) << Run.Err;
  EXPECT_TRUE(contains(Run.Err, "'AnalyzeTemporaryDtors'")) << Run.Err;
}

TEST(Config, UnknownKeyIsAnErrorWithDidYouMean) {
  Workspace Dir({{"good.cpp", Detaching},
                 {".clang-tidy", "Checks: '-*,loadcheck-*'\n"
                                 "HeaderFilterRegx: 'src/'\n"}});
  ProcessResult Run = analyse(Dir, {});
  EXPECT_EQ(Run.ExitCode, 2);
  EXPECT_EQ(Run.Out, "");
  EXPECT_EQ(Run.Err, inDir("loadcheck: error: @DIR@/.clang-tidy:2:1: unknown "
                           "key 'HeaderFilterRegx'; did you mean "
                           "'HeaderFilterRegex'?\n",
                           Dir));
}

// --- check options

TEST(Config, MisspeltOptionOfAnEnabledCheckWarnsWithItsOptions) {
  Workspace Dir(
      {{"good.cpp", Detaching},
       {".clang-tidy",
        "Checks: '-*,loadcheck-detached-thread,loadcheck-missing-timeout'\n"
        "CheckOptions:\n"
        "  loadcheck-missing-timeout.DefaultTimoutMs: 2000\n"
        // Lookalikes that stay silent: a real option, an option of a check
        // that is not enabled, another tool's check, a global option.
        "  loadcheck-missing-timeout.IncludeTestCode: true\n"
        "  loadcheck-unbounded-queue.Bogus: 1\n"
        "  readability-identifier-naming.ClassCase: CamelCase\n"
        "  StrictMode: true\n"}});
  ProcessResult Run = analyse(Dir, {});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_TRUE(contains(Run.Out, Finding)) << Run.Out;
  EXPECT_TRUE(contains(
      Run.Err, inDir("loadcheck: warning: @DIR@/.clang-tidy: check "
                     "'loadcheck-missing-timeout' has no option "
                     "'DefaultTimoutMs' (did you mean 'DefaultTimeoutMs'?); "
                     "its options: DefaultTimeoutMs, IncludeTestCode",
                     Dir)))
      << Run.Err;
  EXPECT_EQ(llvm::StringRef(Run.Err).count("has no option"), 1u) << Run.Err;
  EXPECT_FALSE(contains(Run.Err, "Bogus")) << Run.Err;
  EXPECT_FALSE(contains(Run.Err, "readability")) << Run.Err;
  EXPECT_FALSE(contains(Run.Err, "StrictMode")) << Run.Err;
}

TEST(Config, OptionOfAMisspeltLoadcheckCheckWarns) {
  Workspace Dir({{"good.cpp", Detaching},
                 {".clang-tidy", "CheckOptions:\n"
                                 "  loadcheck-missing-timout.DefaultTimeoutMs: "
                                 "2000\n"}});
  ProcessResult Run = analyse(Dir, {"--checks=-*,loadcheck-detached-thread"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_TRUE(contains(
      Run.Err, "check option 'loadcheck-missing-timout.DefaultTimeoutMs'"
               " names no loadcheck check (did you mean "
               "'loadcheck-missing-timeout.DefaultTimeoutMs'?)"))
      << Run.Err;
}

// --- --config and --config-file

TEST(Config, ConfigReplacesTheClangTidyFiles) {
  // The file enables a check that finds nothing in good.cpp.
  Workspace Dir({{"good.cpp", Detaching},
                 {".clang-tidy", "Checks: '-*,loadcheck-unjoined-thread'\n"}});
  EXPECT_EQ(analyse(Dir, {}).ExitCode, 0);
  ProcessResult Run =
      analyse(Dir, {"--config={Checks: \"-*,loadcheck-detached-thread\"}"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_TRUE(contains(Run.Out, Finding)) << Run.Out;
  // Unless it inherits them, as in clang-tidy.
  Run = analyse(Dir, {"--config={InheritParentConfig: true, "
                      "WarningsAsErrors: \"loadcheck-*\"}"});
  EXPECT_EQ(Run.ExitCode, 0) << Run.Out << Run.Err;
  // An empty --config means the .clang-tidy files.
  EXPECT_EQ(analyse(Dir, {"--config="}).ExitCode, 0);
}

TEST(Config, ConfigFileIsReadAsConfig) {
  Workspace Dir({{"good.cpp", Detaching},
                 {".clang-tidy", "Checks: '-loadcheck-detached-thread'\n"},
                 {"ci/tidy.yaml", "Checks: '-*,loadcheck-detached-thread'\n"
                                  "AnalyzeTemporaryDtors: false\n"}});
  ProcessResult Run = analyse(Dir, {"--config-file=ci/tidy.yaml"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_TRUE(contains(Run.Out, Finding)) << Run.Out;
  EXPECT_TRUE(contains(Run.Err, "loadcheck: warning: ci/tidy.yaml:2:1: key "
                                "'AnalyzeTemporaryDtors'"))
      << Run.Err;

  Run = analyse(Dir, {"--config-file=ci/none.yaml"});
  EXPECT_EQ(Run.ExitCode, 2);
  EXPECT_TRUE(contains(Run.Err, "loadcheck: error: cannot read --config-file "
                                "'ci/none.yaml': No such file or directory"))
      << Run.Err;
  Run =
      analyse(Dir, {"--config-file=ci/tidy.yaml", "--config={Checks: \"*\"}"});
  EXPECT_EQ(Run.ExitCode, 2);
  EXPECT_TRUE(contains(Run.Err, "--config-file excludes --config") ||
              contains(Run.Err, "--config excludes --config-file"))
      << Run.Err;
}

// --- --dump-config

TEST(Config, DumpConfigReadsBackToTheSameConfiguration) {
  Workspace Dir(
      {{"good.cpp", Detaching},
       {".clang-tidy",
        "Checks: '-*,loadcheck-detached-thread,loadcheck-missing-timeout'\n"
        "AnalyzeTemporaryDtors: false\n"
        "CheckOptions:\n"
        "  loadcheck-missing-timeout.DefaultTimeoutMs: 1234\n"}});
  ProcessResult First = run(Dir, {"--dump-config"});
  EXPECT_EQ(First.ExitCode, 0) << First.Err;
  EXPECT_TRUE(contains(First.Out, "Checks:          "
                                  "'-*,loadcheck-detached-thread,"
                                  "loadcheck-missing-timeout'\n"))
      << First.Out;
  // The set value, and the defaults of the enabled checks' other options.
  EXPECT_TRUE(
      contains(First.Out, "loadcheck-missing-timeout.DefaultTimeoutMs: '1234'"))
      << First.Out;
  EXPECT_TRUE(contains(First.Out, "loadcheck-missing-timeout.IncludeTestCode"))
      << First.Out;
  EXPECT_TRUE(contains(First.Err, "'AnalyzeTemporaryDtors'")) << First.Err;

  Dir.write("dumped.yaml", First.Out);
  ProcessResult Second =
      run(Dir, {"--dump-config", "--config-file=dumped.yaml"});
  EXPECT_EQ(Second.ExitCode, 0) << Second.Err;
  EXPECT_EQ(Second.Out, First.Out);
  EXPECT_EQ(Second.Err, "");
  // And it analyses as the original did.
  ProcessResult Run = analyse(Dir, {"--config-file=dumped.yaml"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_TRUE(contains(Run.Out, Finding)) << Run.Out;
}

TEST(Config, DumpConfigRefusesAnInvalidConfiguration) {
  Workspace Dir({{".clang-tidy", "Chekcs: '-*'\n"}});
  ProcessResult Run = run(Dir, {"--dump-config"});
  EXPECT_EQ(Run.ExitCode, 2);
  EXPECT_EQ(Run.Out, "");
  EXPECT_TRUE(contains(Run.Err, "unknown key 'Chekcs'; did you mean 'Checks'?"))
      << Run.Err;
}

// --- --verify-config

TEST(Config, VerifyConfigPassesAValidConfiguration) {
  Workspace Dir(
      {{".clang-tidy", "Checks: '-*,loadcheck-missing-timeout'\n"
                       "CheckOptions:\n"
                       "  loadcheck-missing-timeout.DefaultTimeoutMs: 100\n"}});
  ProcessResult Run = run(Dir, {"--verify-config"});
  EXPECT_EQ(Run.ExitCode, 0) << Run.Err;
  EXPECT_EQ(Run.Out, "No config errors detected.\n");
  EXPECT_EQ(Run.Err, "");
}

TEST(Config, VerifyConfigListsEveryProblem) {
  Workspace Dir({{".clang-tidy",
                  "Checks: '-*,loadcheck-detached-thread'\n"
                  "AnalyzeTemporaryDtors: false\n"
                  "CheckOptions:\n"
                  // Not enabled: the run is silent, --verify-config is not.
                  "  loadcheck-missing-timeout.DefaultTimoutMs: 100\n"}});
  ProcessResult Run = run(Dir, {"--verify-config"});
  EXPECT_EQ(Run.ExitCode, 1);
  EXPECT_EQ(Run.Out, "");
  EXPECT_TRUE(contains(Run.Err, "key 'AnalyzeTemporaryDtors'")) << Run.Err;
  EXPECT_TRUE(contains(Run.Err, "has no option 'DefaultTimoutMs' (did you "
                                "mean 'DefaultTimeoutMs'?)"))
      << Run.Err;

  Dir.write(".clang-tidy", "Checks: '-*'\nUsr: me\n");
  Run = run(Dir, {"--verify-config"});
  EXPECT_EQ(Run.ExitCode, 1);
  EXPECT_TRUE(
      contains(Run.Err, inDir("loadcheck: error: @DIR@/.clang-tidy:2:1: "
                              "unknown key 'Usr'; did you mean 'User'?",
                              Dir)))
      << Run.Err;
}

} // namespace
} // namespace loadcheck::testing
