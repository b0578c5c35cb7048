//===--- ShardMergeTests.cpp - --shard K/N and `loadcheck merge` ----------===//
//
// The split is deterministic, balanced and independent of input order; the
// shards of N = 1, 2, 3 are disjoint and, merged, equal the unsharded run in
// JSON and in SARIF (validated against the OASIS schema), a header finding
// seen by several shards is kept once, and bad inputs of merge are one-line
// errors that do not lose the other results.
//
//===----------------------------------------------------------------------===//
#include "tests/Artifacts.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"
#include "tool/Paths.h"
#include "tool/front/Options.h"
#include "tool/results/Shard.h"

#include "llvm/Support/JSON.h"
#include <algorithm>
#include <gtest/gtest.h>
#include <set>

namespace loadcheck::testing {
namespace {

namespace json = llvm::json;

// --- the split --------------------------------------------------------------

TEST(Shard, AssignmentIgnoresInputOrder) {
  std::vector<SizedFile> Files = {
      {"/p/a.cpp", 700},  {"/p/b.cpp", 300}, {"/p/c.cpp", 300}, {"/p/d.cpp", 0},
      {"/p/e.cpp", 1200}, {"/p/f.cpp", 50},  {"/p/g.cpp", 0}};
  for (unsigned Count : {1u, 2u, 3u, 7u, 9u}) {
    std::map<std::string, unsigned> Expected;
    std::vector<unsigned> Shards = assignShards(Files, Count);
    for (size_t I = 0; I < Files.size(); ++I)
      Expected[Files[I].Path] = Shards[I];
    auto ByPath = [](const SizedFile &A, const SizedFile &B) {
      return A.Path < B.Path;
    };
    auto ExpectSame = [&](const std::vector<SizedFile> &Order) {
      std::vector<unsigned> Again = assignShards(Order, Count);
      for (size_t I = 0; I < Order.size(); ++I)
        ASSERT_EQ(Again[I], Expected[Order[I].Path]) << Count;
    };
    std::vector<SizedFile> Permuted = Files;
    std::sort(Permuted.begin(), Permuted.end(), ByPath);
    do // every order of the first four files, the rest after them
      ExpectSame(Permuted);
    while (
        std::next_permutation(Permuted.begin(), Permuted.begin() + 4, ByPath));
    std::reverse(Permuted.begin(), Permuted.end());
    ExpectSame(Permuted);
  }
}

struct Balance {
  std::vector<uint64_t> Sizes;
  unsigned Count;
  std::vector<uint64_t> Loads; ///< bytes per shard (+1 per file)
};

class ShardBalance : public ::testing::TestWithParam<Balance> {};

TEST_P(ShardBalance, GreedyLargestFirstIntoTheLightestShard) {
  const Balance &Case = GetParam();
  std::vector<SizedFile> Files;
  Files.reserve(Case.Sizes.size());
  for (size_t I = 0; I < Case.Sizes.size(); ++I)
    Files.push_back({"/f" + std::to_string(I), Case.Sizes[I]});
  std::vector<unsigned> Shards = assignShards(Files, Case.Count);
  std::vector<uint64_t> Loads(Case.Count, 0);
  for (size_t I = 0; I < Files.size(); ++I) {
    ASSERT_LT(Shards[I], Case.Count);
    Loads[Shards[I]] += Files[I].Size + 1;
  }
  EXPECT_EQ(Loads, Case.Loads);
}

INSTANTIATE_TEST_SUITE_P(
    Sizes, ShardBalance,
    ::testing::Values(Balance{{10, 20, 30}, 1, {63}},
                      Balance{{100, 90, 50, 40, 30, 20}, 2, {173, 163}},
                      Balance{{5, 5, 5, 5}, 2, {12, 12}},
                      Balance{{1000, 1, 1, 1}, 2, {1001, 6}},
                      Balance{{7, 3}, 4, {8, 4, 0, 0}},
                      Balance{{0, 0, 0, 0, 0, 0}, 3, {2, 2, 2}}));

struct ShardText {
  const char *Text;
  bool Valid;
  unsigned Index, Count;
};

TEST(Shard, ParsesKOverN) {
  for (const ShardText &Case :
       {ShardText{"1/1", true, 1, 1}, ShardText{"2/3", true, 2, 3},
        ShardText{"12/12", true, 12, 12}, ShardText{"0/2", false, 0, 0},
        ShardText{"3/2", false, 0, 0}, ShardText{"1/0", false, 0, 0},
        ShardText{"2", false, 0, 0}, ShardText{"a/b", false, 0, 0},
        ShardText{"1/2/3", false, 0, 0}, ShardText{"-1/2", false, 0, 0},
        ShardText{"/2", false, 0, 0}, ShardText{"", false, 0, 0}}) {
    unsigned Index = 0, Count = 0;
    EXPECT_EQ(parseShard(Case.Text, Index, Count), Case.Valid) << Case.Text;
    if (Case.Valid) {
      EXPECT_EQ(Index, Case.Index);
      EXPECT_EQ(Count, Case.Count);
    }
  }
}

// --- the project ------------------------------------------------------------

// Light headers only: these tests run loadcheck some forty times.
const char *const Header = R"(#pragma once
#include <cstdlib>
inline void failShared() { std::abort(); }
)";

/// A file of about \p Padding bytes more than the others, with an abrupt
/// termination in function \p Name and a use of the header.
std::string source(const std::string &Name, size_t Padding) {
  return "#include \"shared.h\"\n// " + std::string(Padding, 'x') + "\nvoid " +
         Name + "() {\n  std::exit(2);\n}\nvoid use_" + Name +
         "() { failShared(); }\n";
}

const std::vector<std::string> Sources = {"src/a.cpp", "src/b.cpp", "src/c.cpp",
                                          "src/d.cpp", "src/e.cpp"};

FileMap project() {
  FileMap Files = {{"inc/shared.h", Header},
                   {".clang-tidy", "HeaderFilterRegex: 'inc/'\n"}};
  std::string Json = "[\n";
  for (size_t I = 0; I < Sources.size(); ++I) {
    Files[Sources[I]] = source("start" + std::to_string(I), 40 * I);
    Json += std::string(I ? ",\n" : "") +
            "  {\"directory\": \"@DIR@\", \"file\": \"@DIR@/" + Sources[I] +
            "\", \"command\": \"clang++-19 -std=c++20 -I@DIR@/inc -c @DIR@/" +
            Sources[I] + "\"}";
  }
  Files["build/compile_commands.json"] = Json + "\n]\n";
  return Files;
}

const std::string Checks =
    "--checks=-*,loadcheck-abrupt-termination,loadcheck-detached-thread";

ProcessResult analyse(const Workspace &Dir, std::vector<std::string> Args) {
  Args.insert(Args.begin(), {"--root=" + Dir.path(), Checks, "-p", "build"});
  return runProcess(LOADCHECK_BINARY, Args, Dir.path(), "-u NO_COLOR");
}

ProcessResult merge(const Workspace &Dir, std::vector<std::string> Args) {
  Args.insert(Args.begin(), "merge");
  return runProcess(LOADCHECK_BINARY, Args, Dir.path(), "-u NO_COLOR");
}

json::Value parse(const std::string &Text) {
  auto Value = json::parse(Text);
  if (!Value) {
    ADD_FAILURE() << llvm::toString(Value.takeError()) << "\n" << Text;
    return nullptr;
  }
  return std::move(*Value);
}

/// A reference, not a copy: callers keep pointers into it (getAsArray).
const json::Value &member(const json::Value &V, llvm::StringRef Key) {
  static const json::Value Null(nullptr);
  const json::Object *O = V.getAsObject();
  const json::Value *M = O ? O->get(Key) : nullptr;
  return M ? *M : Null;
}

json::Value firstRun(const json::Value &Log) {
  const json::Array *Runs = member(Log, "runs").getAsArray();
  return Runs && Runs->size() == 1 ? (*Runs)[0] : json::Value(nullptr);
}

void expectValidSarif(const std::string &Path) {
  ProcessResult Check = runProcess(
      "/usr/bin/python3",
      {LOADCHECK_SOURCE_DIR "/tests/cli/validate_sarif.py",
       LOADCHECK_SOURCE_DIR "/tests/data/sarif-schema-2.1.0.json", Path});
  EXPECT_EQ(Check.ExitCode, 0) << Check.Out << Check.Err;
}

/// The main files (src/...) that have a finding in a JSON result.
std::set<std::string> mainFilesWithFindings(const json::Value &Result) {
  std::set<std::string> Files;
  if (const json::Array *Findings = member(Result, "findings").getAsArray())
    for (const json::Value &F : *Findings)
      if (auto File = member(F, "file").getAsString())
        if (File->starts_with("src/"))
          Files.insert(File->str());
  return Files;
}

// --- union of the shards ----------------------------------------------------

class ShardUnion : public ::testing::TestWithParam<unsigned> {};

TEST_P(ShardUnion, DisjointShardsMergeIntoTheUnshardedRun) {
  unsigned N = GetParam();
  Workspace Dir(project());
  ProcessResult Full = analyse(Dir, {"--format=json", "-o", "full.json"});
  ASSERT_EQ(Full.ExitCode, 1) << Full.Err;
  json::Value Whole = parse(Dir.read("full.json"));
  ASSERT_EQ(mainFilesWithFindings(Whole).size(), Sources.size());

  std::vector<std::string> Args = {"-o", "merged.json"};
  std::set<std::string> Seen;
  int64_t Analysed = 0;
  for (unsigned K = 1; K <= N; ++K) {
    std::string Out = "shard" + std::to_string(K) + ".json";
    // -j differs per shard: the split must not depend on it.
    ProcessResult Shard =
        analyse(Dir, {"--shard=" + std::to_string(K) + "/" + std::to_string(N),
                      "-j" + std::to_string(K), "--format=json", "-o", Out});
    ASSERT_EQ(Shard.ExitCode, 1) << Shard.Err;
    json::Value Part = parse(Dir.read(Out));
    Analysed += member(Part, "filesAnalysed").getAsInteger().value_or(0);
    for (const std::string &File : mainFilesWithFindings(Part))
      EXPECT_TRUE(Seen.insert(File).second) << File << " in two shards";
    Args.push_back(Out);
  }
  EXPECT_EQ(Analysed, int64_t(Sources.size()));
  EXPECT_EQ(Seen, mainFilesWithFindings(Whole));

  ProcessResult Merged = merge(Dir, Args);
  ASSERT_EQ(Merged.ExitCode, 1) << Merged.Err;
  json::Value Union = parse(Dir.read("merged.json"));
  for (const char *Key :
       {"findings", "failures", "filesAnalysed", "enabledChecks", "root"})
    EXPECT_EQ(member(Union, Key), member(Whole, Key)) << Key;
  // The header's finding was reported by every shard, and is kept once.
  EXPECT_NE(Dir.read("merged.json").find("\"file\": \"inc/shared.h\""),
            std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(N, ShardUnion, ::testing::Values(1u, 2u, 3u));

TEST(ShardMerge, SarifShardsAndJsonShardsMergeIntoTheUnshardedSarif) {
  Workspace Dir(project());
  ASSERT_EQ(analyse(Dir, {"--format=sarif", "-o", "full.sarif"}).ExitCode, 1);
  for (const char *Format : {"sarif", "json"})
    for (const char *K : {"1", "2"})
      ASSERT_EQ(analyse(Dir, {std::string("--shard=") + K + "/2",
                              std::string("--format=") + Format, "-o",
                              std::string("s") + K + "." + Format})
                    .ExitCode,
                1);
  ProcessResult FromSarif =
      merge(Dir, {"-o", "merged.sarif", "s1.sarif", "s2.sarif"});
  EXPECT_EQ(FromSarif.ExitCode, 1) << FromSarif.Err;
  ProcessResult FromJson = merge(
      Dir, {"--format=sarif", "-o", "converted.sarif", "s1.json", "s2.json"});
  EXPECT_EQ(FromJson.ExitCode, 1) << FromJson.Err;

  json::Value Whole = firstRun(parse(Dir.read("full.sarif")));
  for (const char *Out : {"merged.sarif", "converted.sarif"}) {
    expectValidSarif(Dir.path(Out));
    json::Value Run = firstRun(parse(Dir.read(Out)));
    EXPECT_EQ(member(Run, "results"), member(Whole, "results")) << Out;
    EXPECT_EQ(member(member(member(Run, "tool"), "driver"), "rules"),
              member(member(member(Whole, "tool"), "driver"), "rules"))
        << Out;
    EXPECT_EQ(member(Run, "originalUriBaseIds"),
              member(Whole, "originalUriBaseIds"))
        << Out;
  }
}

TEST(ShardMerge, MoreShardsThanFilesLeavesValidEmptyShards) {
  Workspace Dir(project());
  ProcessResult Empty = analyse(
      Dir, {"src/a.cpp", "--shard=2/2", "--format=sarif", "-o", "empty.sarif"});
  EXPECT_EQ(Empty.ExitCode, 0) << Empty.Err;
  EXPECT_NE(Empty.Err.find("0 findings in 0 files"), std::string::npos)
      << Empty.Err;
  expectValidSarif(Dir.path("empty.sarif"));
  // The rules are those of the whole run, so merged rules do not depend on
  // which shard was empty.
  EXPECT_NE(Dir.read("empty.sarif").find("loadcheck-detached-thread"),
            std::string::npos);
}

// --- merge: deduplication, exit codes, bad inputs ---------------------------

/// One analysed project shared by the merge tests: full.json and full.sarif
/// of src/a.cpp, and inputs that are not loadcheck results.
class Merge : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    FileMap Files = project();
    Files["src/broken.cpp"] = "int main( {\n";
    Files["build/compile_commands.json"].insert(
        Files["build/compile_commands.json"].rfind(']'),
        ",{\"directory\": \"@DIR@\", \"file\": \"@DIR@/src/broken.cpp\", "
        "\"command\": \"clang++-19 -c @DIR@/src/broken.cpp\"}\n");
    Dir = new Workspace(Files);
    analyse(*Dir, {"--format=json", "-o", "full.json", "src/a.cpp"});
    analyse(*Dir, {"--format=sarif", "-o", "full.sarif", "src/a.cpp"});
    Dir->write("baseline.json", "{\"version\": 1, \"tool\": \"loadcheck\", "
                                "\"findings\": []}\n");
    Dir->write("other.sarif",
               "{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": "
               "{\"name\": \"cppcheck\"}}, \"results\": []}]}\n");
    Dir->write("garbage.json", "{\"findings\": [\n");
  }
  static void TearDownTestSuite() {
    delete Dir;
    Dir = nullptr;
  }
  static Workspace *Dir;
};

Workspace *Merge::Dir = nullptr;

TEST_F(Merge, SameResultTwiceIsDeduplicated) {
  ProcessResult Twice =
      merge(*Dir, {"-o", "twice.json", "full.json", "full.json"});
  EXPECT_EQ(Twice.ExitCode, 1) << Twice.Err;
  json::Value Once = parse(Dir->read("full.json"));
  json::Value Both = parse(Dir->read("twice.json"));
  EXPECT_EQ(member(Both, "findings"), member(Once, "findings"));
  EXPECT_EQ(member(Both, "filesAnalysed").getAsInteger(),
            2 * member(Once, "filesAnalysed").getAsInteger().value_or(0));
  // Into GitLab Code Quality: one issue per distinct finding.
  ProcessResult Gitlab = merge(*Dir, {"--format=gitlab", "-o", "twice.gl.json",
                                      "full.json", "full.json"});
  EXPECT_EQ(Gitlab.ExitCode, 1) << Gitlab.Err;
  json::Value Report = parse(Dir->read("twice.gl.json"));
  const json::Array *Issues = Report.getAsArray();
  ASSERT_TRUE(Issues);
  EXPECT_EQ(Issues->size(), member(Once, "findings").getAsArray()->size());
  EXPECT_GE(Issues->size(), 2u);
  ProcessResult Sarif =
      merge(*Dir, {"-o", "twice.sarif", "full.sarif", "full.sarif"});
  EXPECT_EQ(Sarif.ExitCode, 1) << Sarif.Err;
  EXPECT_EQ(member(firstRun(parse(Dir->read("twice.sarif"))), "results"),
            member(firstRun(parse(Dir->read("full.sarif"))), "results"));
}

TEST_F(Merge, ExitCodeIsThatOfTheMergedResult) {
  // A result with a file that does not compile, and one without findings.
  analyse(*Dir, {"--format=json", "-o", "broken.json", "src/broken.cpp"});
  runProcess(LOADCHECK_BINARY,
             {"--root=" + Dir->path(), "--checks=-*,loadcheck-detached-thread",
              "-p", "build", "--format=json", "-o", "clean.json", "src/a.cpp"},
             Dir->path());
  struct Case {
    std::vector<std::string> Inputs;
    int Exit;
  };
  for (const Case &C : {Case{{"clean.json"}, 0}, Case{{"full.json"}, 1},
                        Case{{"clean.json", "full.json"}, 1},
                        Case{{"full.json", "broken.json"}, 3}}) {
    std::vector<std::string> Args = {"-q", "-o", "out.json"};
    Args.insert(Args.end(), C.Inputs.begin(), C.Inputs.end());
    ProcessResult Run = merge(*Dir, Args);
    EXPECT_EQ(Run.ExitCode, C.Exit) << Run.Err;
    EXPECT_EQ(Run.Err, "");
  }
  // Failures are carried over, into JSON and into SARIF.
  merge(*Dir, {"-o", "failed.json", "full.json", "broken.json"});
  EXPECT_NE(Dir->read("failed.json").find("src/broken.cpp"), std::string::npos);
  merge(*Dir,
        {"--format=sarif", "-o", "failed.sarif", "full.json", "broken.json"});
  EXPECT_NE(Dir->read("failed.sarif").find("\"executionSuccessful\": false"),
            std::string::npos);
  expectValidSarif(Dir->path("failed.sarif"));
}

struct BadInput {
  const char *Name;
  std::vector<std::string> Args;
  const char *Error;  ///< the whole stderr line after "loadcheck: error: "
  bool OutputWritten; ///< the good inputs are still merged
};

class MergeBadInput : public Merge,
                      public ::testing::WithParamInterface<BadInput> {};

TEST_P(MergeBadInput, IsOneLineNamingItAndExit2) {
  const BadInput &Case = GetParam();
  bestEffort(llvm::sys::fs::remove(Dir->path("bad-out.json")));
  std::vector<std::string> Args = {"-o", "bad-out.json"};
  Args.insert(Args.end(), Case.Args.begin(), Case.Args.end());
  ProcessResult Run = merge(*Dir, Args);
  EXPECT_EQ(Run.ExitCode, 2);
  std::string Expected = "loadcheck: error: merge: " + std::string(Case.Error);
  llvm::StringRef Err(Run.Err);
  EXPECT_TRUE(Err.starts_with(Expected)) << Run.Err;
  EXPECT_EQ(Err.count("loadcheck: error:"), 1u) << Run.Err;
  std::string Output = Dir->read("bad-out.json");
  if (Case.OutputWritten)
    EXPECT_NE(Output.find("src/a.cpp"), std::string::npos) << Output;
  else
    EXPECT_EQ(Output, "");
}

INSTANTIATE_TEST_SUITE_P(
    Inputs, MergeBadInput,
    ::testing::Values(
        BadInput{"Missing",
                 {"full.json", "missing.json"},
                 "cannot read 'missing.json': No such file or directory",
                 true},
        BadInput{"NotJson",
                 {"garbage.json", "full.json"},
                 "'garbage.json' is not valid JSON: ",
                 true},
        BadInput{"Baseline",
                 {"full.json", "baseline.json"},
                 "'baseline.json' is not a loadcheck JSON or SARIF result",
                 true},
        BadInput{"OtherTool",
                 {"full.sarif", "other.sarif", "--format=sarif"},
                 "'other.sarif' is a SARIF log of 'cppcheck', not of "
                 "loadcheck",
                 true},
        BadInput{"MixedFormats",
                 {"full.json", "full.sarif"},
                 "'full.sarif' is SARIF but 'full.json' is JSON: merge "
                 "results of one format",
                 true},
        BadInput{"SarifIntoJson",
                 {"--format=json", "full.sarif"},
                 "SARIF results merge into SARIF only",
                 false},
        BadInput{"NoInput", {}, "no result files given", false},
        BadInput{"BadFormat",
                 {"--format=xml", "full.json"},
                 "--format 'xml' is not a report format: use text, json, "
                 "sarif, github or gitlab",
                 false}),
    [](const ::testing::TestParamInfo<BadInput> &Info) {
      return std::string(Info.param.Name);
    });

TEST(Shard, InvalidValueIsAOneLineUsageError) {
  Workspace Dir(project());
  for (const char *Value : {"0/2", "3/2", "2", "a/b", "1/0", "-1/2"}) {
    ProcessResult Run = analyse(Dir, {std::string("--shard=") + Value});
    EXPECT_EQ(Run.ExitCode, 2) << Value;
    EXPECT_EQ(Run.Err, "loadcheck: error: --shard '" + std::string(Value) +
                           "' is invalid: expected K/N with 1 <= K <= N, "
                           "e.g. 2/4\n");
    EXPECT_EQ(Run.Out, "");
  }
}

} // namespace
} // namespace loadcheck::testing
