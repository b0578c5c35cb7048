//===--- BadInputTests.cpp - every bad input of docs/reliability.md -------===//
//
// One row per bad input of the table in docs/reliability.md: the exact
// error line, the exit code, and, whenever other files are analysed in the
// same run, that their findings are still reported.
//
//===----------------------------------------------------------------------===//
#include "tests/Artifacts.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"

#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include <chrono>
#include <functional>
#include <gtest/gtest.h>
#include <unistd.h>

namespace loadcheck::testing {
namespace {

namespace json = llvm::json;

/// The finding of good.cpp, which every multi-file case must still report.
const std::string GoodFinding = "good.cpp:5:5: warning: thread 't' is detached";

std::string entry(const std::string &File,
                  const std::string &Directory = "@DIR@") {
  return "{\"directory\": \"" + Directory + "\", \"file\": \"" + File +
         "\", \"command\": \"clang++-19 -std=c++17 -c " + File + "\"}";
}

std::string database(const std::vector<std::string> &Entries) {
  std::string Json = "[\n";
  for (size_t I = 0; I < Entries.size(); ++I)
    Json += (I ? ",\n  " : "  ") + Entries[I];
  return Json + "\n]\n";
}

/// A source of about \p Bytes: a generated data table (as resource
/// compilers and protobuf emit) around one real finding.
std::string generatedSource(size_t Bytes) {
  std::string Text =
      std::string(Detaching) + "extern const unsigned char blob[] = {\n";
  Text.reserve(Bytes + 64);
  while (Text.size() < Bytes) {
    for (int I = 0; I < 16; ++I)
      Text += "0x5a, ";
    Text += "\n";
  }
  return Text + "};\n";
}

std::string binaryContent() {
  std::string Bytes = "\x7f"
                      "ELF\x02\x01\x01";
  for (unsigned I = 0; I < 4096; ++I)
    Bytes += static_cast<char>((I * 2654435761u) >> 24);
  return Bytes;
}

struct BadInput {
  const char *Name;
  FileMap Files;
  std::vector<std::string> Args;
  int ExitCode;
  std::vector<std::string> ErrContains;
  bool OthersReported = false; ///< good.cpp's finding must be on stdout
  /// Runs in the workspace before loadcheck; may skip the test.
  std::function<void(Workspace &)> Setup = nullptr;
  /// Checks the workspace after the run (reports written...).
  std::function<void(Workspace &, const ProcessResult &)> Verify = nullptr;
};

void PrintTo(const BadInput &C, std::ostream *OS) { *OS << C.Name; }

FileMap goodAnd(const FileMap &Extra, const std::vector<std::string> &Entries) {
  FileMap Files = Extra;
  Files["good.cpp"] = Detaching;
  std::vector<std::string> All = {entry("@DIR@/good.cpp")};
  All.insert(All.end(), Entries.begin(), Entries.end());
  Files["build/compile_commands.json"] = database(All);
  return Files;
}

void expectValidUtf8Json(const std::string &Text) {
  EXPECT_TRUE(llvm::json::isUTF8(Text));
  auto Value = json::parse(Text);
  EXPECT_TRUE(bool(Value)) << (Value ? "" : llvm::toString(Value.takeError()))
                           << Text;
}

const std::string NonUtf8Name = "caf\xe9.cpp"; // Latin-1 "café.cpp"

std::vector<BadInput> badInputs() {
  return {
      // --- compilation database
      {"DatabaseMissing",
       {{"good.cpp", Detaching}},
       {"-p", "build"},
       2,
       {"loadcheck: error: no compilation database: 'build' does not "
        "exist\n"}},
      {"DatabaseEmptyFile",
       {{"build/compile_commands.json", ""}},
       {"-p", "build"},
       2,
       {"loadcheck: error: cannot load compilation database "
        "'build/compile_commands.json'"}},
      {"DatabaseEmptyArray",
       {{"build/compile_commands.json", "[]\n"}},
       {"-p", "build"},
       2,
       {"loadcheck: error: compilation database "
        "'build/compile_commands.json' has no entries\n"}},
      {"DatabaseNotJson",
       {{"build/compile_commands.json", "\x89PNG\r\n\x1a\n garbage"}},
       {"-p", "build"},
       2,
       {"loadcheck: error: cannot load compilation database "
        "'build/compile_commands.json'"}},
      {"DatabaseWrongShape",
       {{"build/compile_commands.json", "{\"file\": \"good.cpp\"}\n"}},
       {"-p", "build"},
       2,
       {"loadcheck: error: cannot load compilation database "
        "'build/compile_commands.json'"}},
      {"DatabaseEntryWithoutFile",
       {{"build/compile_commands.json",
         "[{\"directory\": \"/\", \"command\": \"cc -c x.c\"}]"}},
       {"-p", "build"},
       2,
       {"loadcheck: error: cannot load compilation database "
        "'build/compile_commands.json'"}},
      {"DatabaseEntryFileMissing",
       goodAnd({}, {entry("@DIR@/gone.cpp")}),
       {"-p", "build"},
       3,
       {"loadcheck: error: cannot read '@DIR@/gone.cpp': No such file or "
        "directory\n"},
       true},
      {"DatabaseRelativeDirectory",
       {{"src/rel.cpp", Detaching},
        {"build/compile_commands.json",
         database({entry("src/rel.cpp", "..")})}},
       {"-p", "build"},
       1,
       {"loadcheck: 1 finding in 1 file; 1 file analysed, 0 not analysed"}},
      {"DatabaseDirectoryDoesNotExist",
       goodAnd({{"lost.cpp", Detaching}},
               {entry("@DIR@/lost.cpp", "@DIR@/no/such/dir")}),
       {"-p", "build"},
       3,
       {"loadcheck: error: cannot analyse '@DIR@/lost.cpp': the directory of "
        "its compile command, '@DIR@/no/such/dir', does not exist\n"},
       true},
      // --- source files
      {"FileUnreadable",
       goodAnd({{"secret.cpp", Detaching}}, {entry("@DIR@/secret.cpp")}),
       {"-p", "build"},
       3,
       {"loadcheck: error: cannot read '@DIR@/secret.cpp': Permission "
        "denied\n"},
       true,
       [](Workspace &Dir) {
         if (::geteuid() == 0)
           GTEST_SKIP() << "root reads files whatever their permissions; "
                           "FileIsADirectory covers the unreadable path";
         llvm::sys::fs::setPermissions(Dir.path("secret.cpp"),
                                       llvm::sys::fs::no_perms);
       }},
      {"FileIsADirectory",
       goodAnd({{"dir.cpp/keep", ""}}, {entry("@DIR@/dir.cpp")}),
       {"-p", "build"},
       3,
       {"loadcheck: error: cannot read '@DIR@/dir.cpp': Is a directory\n"},
       true},
      {"FileIsBinary",
       goodAnd({{"blob.cpp", binaryContent()}}, {entry("@DIR@/blob.cpp")}),
       {"-p", "build", "--format=json", "-o", "report.json"},
       3,
       {"loadcheck: error: '@DIR@/blob.cpp' could not be analysed: it does "
        "not compile"},
       false,
       nullptr,
       [](Workspace &Dir, const ProcessResult &) {
         std::string Report = Dir.read("report.json");
         expectValidUtf8Json(Report);
         EXPECT_NE(Report.find("thread 't' is detached"), std::string::npos);
       }},
      // The 10 MB source is written by Setup, not held in the table: every
      // process of the test binary builds this table when it starts.
      {"FileOfTenMegabytes",
       {{"build/compile_commands.json", database({entry("@DIR@/huge.cpp")})}},
       // The loadcheck checks whose model does not ask clang for parent
       // nodes: with them, clang's parent map of the 2.2 M initializers
       // takes 5 GB (docs/reliability.md, known limits), too much for CI.
       {"-p", "build", "--timeout-per-file=300",
        "--checks=-*,loadcheck-*,-loadcheck-client-per-request,"
        "-loadcheck-missing-graceful-shutdown,"
        "-loadcheck-unbounded-thread-spawn,-loadcheck-unjoined-thread"},
       1,
       {"loadcheck: 1 finding in 1 file; 1 file analysed, 0 not analysed"},
       false,
       [](Workspace &Dir) {
         Dir.write("huge.cpp", generatedSource(10u << 20));
       },
       [](Workspace &, const ProcessResult &Run) {
         EXPECT_NE(Run.Out.find("huge.cpp:5:5: warning: thread 't' is "
                                "detached"),
                   std::string::npos);
       }},
      {"NonUtf8PathAndContent",
       goodAnd({{NonUtf8Name, "// Latin-1 comment: \xe9t\xe9\n" +
                                  std::string(Detaching) +
                                  "const char *motd = \"caf\xe9\";\n"}},
               {entry("@DIR@/" + NonUtf8Name)}),
       {"-p", "build", "--format=json", "-o", "report.json"},
       1,
       {"loadcheck: 2 findings in 2 files; 2 files analysed, 0 not analysed"},
       false,
       nullptr,
       [](Workspace &Dir, const ProcessResult &) {
         std::string Report = Dir.read("report.json");
         expectValidUtf8Json(Report);
         // The name is kept, its invalid byte shown as U+FFFD.
         EXPECT_NE(Report.find("\"file\": \"caf\xef\xbf\xbd.cpp\""),
                   std::string::npos)
             << Report;
       }},
      {"NonUtf8PathInSarifIsPercentEncoded",
       goodAnd({{NonUtf8Name, Detaching}}, {entry("@DIR@/" + NonUtf8Name)}),
       {"-p", "build", "--format=sarif", "-o", "report.sarif"},
       1,
       {},
       false,
       nullptr,
       [](Workspace &Dir, const ProcessResult &) {
         std::string Report = Dir.read("report.sarif");
         expectValidUtf8Json(Report);
         EXPECT_NE(Report.find("\"uri\": \"caf%E9.cpp\""), std::string::npos)
             << Report;
       }},
      // --- configuration and options
      {"ClangTidyInvalid",
       goodAnd({{".clang-tidy", "Checks: '-*,loadcheck-*'\nFooBar: 1\n"}}, {}),
       {"-p", "build"},
       2,
       {"loadcheck: error: @DIR@/.clang-tidy:2:1: unknown key 'FooBar'\n"}},
      {"CheckOptionNotANumber",
       goodAnd({{".clang-tidy",
                 "CheckOptions:\n"
                 "  loadcheck-missing-timeout.DefaultTimeoutMs: 'soon'\n"}},
               {}),
       {"-p", "build"},
       2,
       {"loadcheck: error: invalid configuration value 'soon' for option "
        "'loadcheck-missing-timeout.DefaultTimeoutMs'; expected an integer"}},
      {"JobsZero",
       goodAnd({}, {}),
       {"-p", "build", "--jobs", "0"},
       2,
       {"loadcheck: error: --jobs: Value 0 not in range"}},
      {"FormatBogus",
       goodAnd({}, {}),
       {"-p", "build", "--format", "bogus"},
       2,
       {"loadcheck: error: --format 'bogus' is not a report format: use text, "
        "json, sarif, github or gitlab, optionally with :FILE, e.g. "
        "--format=sarif:loadcheck.sarif\n"}},
      {"TimeoutZero",
       goodAnd({}, {}),
       {"-p", "build", "--timeout-per-file", "0"},
       2,
       {"loadcheck: error: --timeout-per-file: must be a number of seconds "
        "greater than 0 and at most 1000000, got '0'"}},
      {"TimeoutNotANumber",
       goodAnd({}, {}),
       {"-p", "build", "--timeout-per-file=ten"},
       2,
       {"--timeout-per-file: must be a number of seconds greater than 0"}},
      // --- baseline (the cache rows are added with --cache-dir)
      {"BaselineNotJson",
       goodAnd({{"baseline.json", "{\"version\": 1, \"findings\": ["}}, {}),
       {"-p", "build", "--baseline", "baseline.json"},
       2,
       {"loadcheck: error: baseline 'baseline.json' is not valid JSON: "}},
      {"BaselineWrongShape",
       goodAnd({{"baseline.json", "[1, 2, 3]"}}, {}),
       {"-p", "build", "--baseline", "baseline.json"},
       2,
       {"loadcheck: error: baseline 'baseline.json' is not a loadcheck "
        "baseline (an object with \"version\" and \"findings\")\n"}},
      {"BaselineMissing",
       goodAnd({}, {}),
       {"-p", "build", "--baseline", "nothere.json"},
       2,
       {"loadcheck: error: cannot read baseline 'nothere.json': No such file "
        "or directory\n"}},
      // --- outputs that cannot be written (a regular file as parent
      // directory: not writable even by root)
      {"OutputUnwritable",
       goodAnd({}, {}),
       {"-p", "build", "--format=json", "-o", "good.cpp/report.json"},
       2,
       {"loadcheck: error: cannot write 'good.cpp/report.json': Not a "
        "directory\n"}},
      {"OutputIsADirectory",
       goodAnd({{"out/keep", ""}}, {}),
       {"-p", "build", "-o", "out"},
       2,
       {"loadcheck: error: cannot write 'out': it is a directory\n"}},
      {"ExportFixesUnwritable",
       goodAnd({}, {}),
       {"-p", "build", "--export-fixes", "good.cpp/fixes.yaml"},
       2,
       {"loadcheck: error: cannot write 'good.cpp/fixes.yaml': Not a "
        "directory\n"}},
      {"WriteBaselineUnwritable",
       goodAnd({}, {}),
       {"-p", "build", "--write-baseline", "good.cpp/b.json"},
       2,
       {"loadcheck: error: cannot write 'good.cpp/b.json': Not a "
        "directory\n"}},
  };
}

class BadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, MessageExitCodeAndOtherResults) {
  const BadInput &C = GetParam();
  Workspace Dir(C.Files);
  if (C.Setup) {
    C.Setup(Dir);
    if (IsSkipped())
      return;
  }
  ProcessResult Run =
      runProcess(LOADCHECK_BINARY, C.Args, Dir.path(), "-u NO_COLOR");
  // Restore permissions so that the workspace can be removed.
  llvm::sys::fs::setPermissions(Dir.path("secret.cpp"),
                                llvm::sys::fs::all_read |
                                    llvm::sys::fs::owner_write);
  EXPECT_EQ(Run.ExitCode, C.ExitCode) << Run.Out << Run.Err;
  for (std::string Expected : C.ErrContains) {
    for (size_t At; (At = Expected.find("@DIR@")) != std::string::npos;)
      Expected.replace(At, 5, Dir.path());
    EXPECT_NE(Run.Err.find(Expected), std::string::npos)
        << "stderr lacks: " << Expected << "\nstderr:\n"
        << Run.Err;
  }
  if (C.OthersReported)
    EXPECT_NE(Run.Out.find(GoodFinding), std::string::npos) << Run.Out;
  // No crash, and every line on stderr is loadcheck's own.
  EXPECT_EQ(Run.Err.find("crashed"), std::string::npos) << Run.Err;
  llvm::SmallVector<llvm::StringRef> Lines;
  llvm::StringRef(Run.Err).split(Lines, '\n', -1, false);
  for (llvm::StringRef Line : Lines)
    EXPECT_TRUE(Line.starts_with("loadcheck: ")) << Line.str();
  if (C.Verify)
    C.Verify(Dir, Run);
}

INSTANTIATE_TEST_SUITE_P(Table, BadInputTest, ::testing::ValuesIn(badInputs()),
                         [](const auto &Info) { return Info.param.Name; });

// Refused before the analysis starts: nothing is analysed, so no finding is
// lost and no minutes are spent on a report that could not be written.
TEST(BadInput, UnusableOutputOrBaselineIsRefusedBeforeAnalysis) {
  Workspace Dir(goodAnd({{"baseline.json", "not json"}}, {}));
  for (std::vector<std::string> Args :
       {std::vector<std::string>{"-p", "build", "-o", "good.cpp/r.txt"},
        {"-p", "build", "--baseline", "baseline.json"}}) {
    ProcessResult Run = runProcess(LOADCHECK_BINARY, Args, Dir.path());
    EXPECT_EQ(Run.ExitCode, 2);
    EXPECT_EQ(Run.Out, "");
    EXPECT_EQ(Run.Err.find("findings in"), std::string::npos) << Run.Err;
  }
}

} // namespace
} // namespace loadcheck::testing
