//===--- DiffBaseTests.cpp - the changed-lines mode end to end ------------===//
//
// --diff-base REV and --diff FILE on small C projects in git repositories
// made by the tests: a changed source file (and the merge base: main's own
// later commits do not count), a changed header (its includers analysed,
// the others not), renames (the new name, only the modified lines), deleted
// files (an includer of a deleted header is analysed and fails), a diff on
// standard input and a `diff -u` file, a bad revision and a directory
// outside git (one error line each), and the link stage: a finding a full
// run drops for a caller in an unaffected file stays dropped, with and
// without the cache. The diff parser is also tested directly.
//
//===----------------------------------------------------------------------===//
#include "tests/Artifacts.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"
#include "tool/changed/ChangeSet.h"

#include "llvm/Support/JSON.h"
#include <gtest/gtest.h>
#include <set>

namespace loadcheck::testing {
namespace {

namespace json = llvm::json;

const std::string AT = "loadcheck-abrupt-termination";

/// Each file has a finding on line 3 that the changes below never touch.
const char *const UtilHeader = "#include <stdlib.h>\nint twice(int x);\n";
const char *const FileA = R"(#include "util.h"
void fail_a(void) {
  abort();
}
int twice(int x) { return 2 * x; }
)";
const char *const FileB = R"(#include "other.h"
void fail_b(void) {
  abort();
}
)";
const char *const FileC = R"(#include <stdlib.h>
void fail_c(void) {
  abort();
}
int add_one(int x) { return x + 1; }
int add_two(int x) { return x + 2; }
int add_three(int x) { return x + 3; }
int add_four(int x) { return x + 4; }
)";
/// FileA with a new function on lines 5-7: a finding on line 6.
const char *const FileAChanged = R"(#include "util.h"
void fail_a(void) {
  abort();
}
void fail_a2(void) {
  exit(1);
}
int twice(int x) { return 2 * x; }
)";

std::string database(const std::vector<std::string> &Files) {
  return compileDatabase(Files, "-x c -std=c11 -I@DIR@/src");
}

/// The project: three translation units, two headers, the database outside
/// version control.
FileMap project() {
  return {{"src/util.h", UtilHeader},
          {"src/other.h", "#include <stdlib.h>\n"},
          {"src/a.c", FileA},
          {"src/b.c", FileB},
          {"src/c.c", FileC},
          {".gitignore", "build/\nout.json\n"},
          {"build/compile_commands.json",
           database({"src/a.c", "src/b.c", "src/c.c"})}};
}

void git(const Workspace &Dir, std::vector<std::string> Args) {
  Args.insert(Args.begin(), {"-c", "user.name=loadcheck", "-c",
                             "user.email=loadcheck@example.com", "-c",
                             "init.defaultBranch=main"});
  ProcessResult Git = runProcess("git", Args, Dir.path(), "-u NO_COLOR");
  ASSERT_EQ(Git.ExitCode, 0) << Git.Err;
}

void commitAll(const Workspace &Dir, const std::string &Message) {
  git(Dir, {"add", "-A"});
  git(Dir, {"commit", "-q", "-m", Message});
}

/// A repository holding \p Files in one commit on main.
void initRepository(const Workspace &Dir) {
  git(Dir, {"init", "-q"});
  commitAll(Dir, "base");
}

std::vector<std::string> commonArgs(const Workspace &Dir) {
  return {"--root=" + Dir.path(),
          "--checks=-*," + AT,
          "-p",
          "build",
          "--format=json",
          "-o",
          "out.json"};
}

ProcessResult run(const Workspace &Dir, std::vector<std::string> Args,
                  const std::string &Environment = "-u NO_COLOR") {
  std::vector<std::string> All = commonArgs(Dir);
  All.insert(All.end(), Args.begin(), Args.end());
  return runProcess(LOADCHECK_BINARY, All, Dir.path(), Environment);
}

/// "file:line" of every finding of the last run (and " check" for compiler
/// errors).
std::set<std::string> findings(const Workspace &Dir) {
  return reportedFindings(Dir, "out.json", AT);
}

using Set = std::set<std::string>;

TEST(DiffBase, ChangedSourceFileSinceTheMergeBase) {
  Workspace Dir(project());
  initRepository(Dir);
  git(Dir, {"checkout", "-q", "-b", "topic"});
  Dir.write("src/a.c", FileAChanged);
  commitAll(Dir, "topic: a new fatal path");
  // main moves on: its own change to c.c is not the topic's.
  git(Dir, {"checkout", "-q", "main"});
  Dir.write("src/c.c", std::string(FileC) + "void more(void) { abort(); }\n");
  commitAll(Dir, "main: more");
  git(Dir, {"checkout", "-q", "topic"});

  ProcessResult Run = run(Dir, {"--diff-base", "main"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_EQ(findings(Dir), Set({"src/a.c:6"})); // not a.c:3, unchanged
  EXPECT_NE(Run.Err.find("changed lines: 1 of 3 translation units affected "
                         "(1 file changed, 0 removed)"),
            std::string::npos)
      << Run.Err;

  // The whole project, for comparison: every finding.
  ProcessResult Full = run(Dir, {});
  EXPECT_EQ(Full.ExitCode, 1) << Full.Err;
  EXPECT_EQ(findings(Dir),
            Set({"src/a.c:3", "src/a.c:6", "src/b.c:3", "src/c.c:3"}));
}

TEST(DiffBase, NothingChangedAnalysesNothing) {
  Workspace Dir(project());
  initRepository(Dir);
  ProcessResult Run = run(Dir, {"--diff-base=HEAD"});
  EXPECT_EQ(Run.ExitCode, 0) << Run.Err;
  EXPECT_EQ(findings(Dir), Set());
  EXPECT_NE(Run.Err.find("0 of 3 translation units affected"),
            std::string::npos)
      << Run.Err;
}

TEST(DiffBase, ChangedHeaderAnalysesItsIncluders) {
  Workspace Dir(project());
  initRepository(Dir);
  // Uncommitted: a fatal inline function in the header a.c includes.
  Dir.write("src/util.h",
            std::string(UtilHeader) +
                "static inline void die(void) {\n  abort();\n}\n");
  ProcessResult Run = run(Dir, {"--diff-base", "HEAD"});
  EXPECT_NE(Run.Err.find("1 of 3 translation units affected"),
            std::string::npos)
      << Run.Err;
  EXPECT_NE(Run.Err.find("in 1 file"), std::string::npos) << Run.Err;
  // The header's new line only; a.c:3 is unchanged, b.c and c.c do not
  // include the header.
  EXPECT_EQ(findings(Dir), Set({"src/util.h:4"}));

  // The includer of the other header, through a change of that header.
  Dir.write("src/util.h", UtilHeader);
  Dir.write("src/other.h", "#include <stdlib.h>\n#include <stdio.h>\n");
  Run = run(Dir, {"--diff-base", "HEAD"});
  EXPECT_EQ(Run.ExitCode, 0) << Run.Err;
  EXPECT_NE(Run.Err.find("1 of 3 translation units affected"),
            std::string::npos)
      << Run.Err;
  EXPECT_EQ(findings(Dir), Set());
}

TEST(DiffBase, RenamesCountUnderTheNewNameWithTheirModifiedLines) {
  Workspace Dir(project());
  initRepository(Dir);
  git(Dir, {"mv", "src/c.c", "src/d.c"}); // renamed and modified
  Dir.write("src/d.c",
            std::string(FileC) + "void fail_d(void) {\n  exit(1);\n}\n");
  git(Dir, {"mv", "src/b.c", "src/e.c"}); // renamed only
  Dir.write("build/compile_commands.json",
            database({"src/a.c", "src/d.c", "src/e.c"}));
  commitAll(Dir, "renames");

  ProcessResult Run = run(Dir, {"--diff-base", "HEAD~1"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  // d.c:3 came with the rename; e.c is analysed, nothing of it modified.
  EXPECT_EQ(findings(Dir), Set({"src/d.c:10"}));
  EXPECT_NE(Run.Err.find("2 of 3 translation units affected (2 files "
                         "changed, 2 removed)"),
            std::string::npos)
      << Run.Err;
}

TEST(DiffBase, DeletedHeaderMakesItsIncluderFail) {
  Workspace Dir(project());
  initRepository(Dir);
  git(Dir, {"rm", "-q", "src/other.h", "src/c.c"});
  Dir.write("build/compile_commands.json", database({"src/a.c", "src/b.c"}));

  ProcessResult Run = run(Dir, {"--diff-base", "HEAD"});
  // b.c includes the deleted header: analysed, and it does not compile;
  // the deleted c.c has no translation unit left; a.c is unaffected.
  EXPECT_EQ(Run.ExitCode, 3) << Run.Err;
  EXPECT_NE(Run.Err.find("1 of 2 translation units affected (0 files "
                         "changed, 2 removed)"),
            std::string::npos)
      << Run.Err;
  EXPECT_NE(Run.Err.find("src/b.c"), std::string::npos) << Run.Err;
  Set Found = findings(Dir);
  EXPECT_TRUE(Found.count("src/b.c:1 clang-diagnostic-error")) << Run.Err;
  EXPECT_FALSE(Found.count("src/a.c:3"));
  EXPECT_FALSE(Found.count("src/b.c:3"));
}

TEST(DiffBase, DiffOnStandardInput) {
  Workspace Dir(project());
  initRepository(Dir);
  Dir.write("src/a.c", FileAChanged);
  std::string Command = "git diff -U0 | " + std::string(LOADCHECK_BINARY);
  for (const std::string &Arg : commonArgs(Dir))
    Command += " " + Arg;
  Command += " --diff -";
  ProcessResult Run =
      runProcess("/bin/sh", {"-c", Command}, Dir.path(), "-u NO_COLOR");
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_EQ(findings(Dir), Set({"src/a.c:6"}));
  EXPECT_NE(Run.Err.find("1 of 3 translation units affected"),
            std::string::npos)
      << Run.Err;
}

TEST(DiffBase, DiffFileOutsideGitWithContextLines) {
  Workspace Dir(project()); // no repository: --diff needs none
  Dir.write("src/a.c", FileAChanged);
  // As `diff -u` writes it: no a/ b/ prefixes, times after a tab, context.
  Dir.write("change.diff", "--- src/a.c\t2026-01-01 10:00:00\n"
                           "+++ src/a.c\t2026-01-02 10:00:00\n"
                           "@@ -3,3 +3,6 @@\n"
                           "   abort();\n"
                           " }\n"
                           "+void fail_a2(void) {\n"
                           "+  exit(1);\n"
                           "+}\n"
                           " int twice(int x) { return 2 * x; }\n");
  ProcessResult Run = run(Dir, {"--diff", "change.diff"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_EQ(findings(Dir), Set({"src/a.c:6"}));
}

TEST(DiffBase, BadRevisionIsOneErrorLine) {
  Workspace Dir(project());
  initRepository(Dir);
  for (const std::string Revision : {"no-such-rev", "-x"}) {
    ProcessResult Run = run(Dir, {"--diff-base=" + Revision});
    EXPECT_EQ(Run.ExitCode, 2);
    EXPECT_EQ(Run.Err, "loadcheck: error: --diff-base '" + Revision +
                           "' names no commit of the git repository at '" +
                           Dir.path() + "'\n");
  }
}

TEST(DiffBase, OutsideGitIsOneErrorLine) {
  Workspace Dir(project());
  // Whatever holds the temporary directory, git stops looking here.
  ProcessResult Run = run(Dir, {"--diff-base", "main"},
                          "-u NO_COLOR GIT_CEILING_DIRECTORIES=" +
                              llvm::sys::path::parent_path(Dir.path()).str());
  EXPECT_EQ(Run.ExitCode, 2);
  EXPECT_EQ(Run.Err, "loadcheck: error: --diff-base needs a git work tree: '" +
                         Dir.path() + "' is not in one\n");
}

TEST(DiffBase, RefusesToWriteABaselineOfChangedLines) {
  Workspace Dir(project());
  initRepository(Dir);
  ProcessResult Run =
      run(Dir, {"--diff-base", "HEAD", "--write-baseline", "base.json"});
  EXPECT_EQ(Run.ExitCode, 2);
  EXPECT_NE(Run.Err.find("--write-baseline records the findings of the "
                         "whole project"),
            std::string::npos)
      << Run.Err;
  ProcessResult Both = run(Dir, {"--diff-base", "HEAD", "--diff", "x.diff"});
  EXPECT_EQ(Both.ExitCode, 2) << Both.Err;
}

TEST(DiffBase, BaselineEntriesOnUnchangedLinesAreNotCountedGone) {
  Workspace Dir(project());
  initRepository(Dir);
  ProcessResult Written = run(Dir, {"--write-baseline", "base.json"});
  EXPECT_EQ(Written.ExitCode, 0) << Written.Err;
  Dir.write("src/a.c", FileAChanged);
  // a.c:3 is in the baseline and on an unchanged line: not reported, and
  // not gone either; the new a.c:6 is reported.
  ProcessResult Run =
      run(Dir, {"--diff-base", "HEAD", "--baseline", "base.json"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_EQ(findings(Dir), Set({"src/a.c:6"}));
  EXPECT_NE(Run.Err.find("; 0 known from the baseline"), std::string::npos)
      << Run.Err;
  EXPECT_EQ(Run.Err.find("gone"), std::string::npos) << Run.Err;
}

/// load_config() exits, called from main() in another file: startup-only,
/// dropped by the link stage; library_call() aborts, reported.
FileMap startupProject(bool Changed) {
  std::string Ops = std::string("#include <stdlib.h>\n"
                                "void load_config(const char *path) {\n"
                                "  if (!path)\n") +
                    (Changed ? "    exit(2);\n" : "    return;\n") +
                    "}\n"
                    "void library_call(int op) {\n"
                    "  if (op)\n" +
                    (Changed ? "    abort();\n" : "    return;\n") + "}\n";
  return {
      {"src/ops.c", Ops},
      {"src/main.c", "void load_config(const char *path);\n"
                     "int main(int argc, char **argv) {\n"
                     "  load_config(argc > 1 ? argv[1] : 0);\n"
                     "  return 0;\n"
                     "}\n"},
      {".gitignore", "build/\nout.json\ncache/\n"},
      {"build/compile_commands.json", database({"src/main.c", "src/ops.c"})}};
}

TEST(DiffBase, VerdictsNeedTheWholeProgramAsAFullRun) {
  Workspace Dir(startupProject(false));
  initRepository(Dir);
  for (const auto &[Path, Text] : startupProject(true))
    Dir.write(Path, Text);

  // main.c is unaffected and not cached: analysed for its facts, so the
  // startup-only exit stays dropped as in a full run.
  ProcessResult Run = run(Dir, {"--diff-base", "HEAD"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_EQ(findings(Dir), Set({"src/ops.c:8"}));
  EXPECT_NE(Run.Err.find("analysing 1 unaffected translation unit for the "
                         "program facts"),
            std::string::npos)
      << Run.Err;

  // With a warm cache, main.c's facts come from it: nothing more analysed.
  ProcessResult Warm = run(Dir, {"--cache-dir=cache"});
  EXPECT_EQ(findings(Dir), Set({"src/ops.c:8"})) << Warm.Err;
  ProcessResult Cached = run(Dir, {"--diff-base", "HEAD", "--cache-dir=cache"});
  EXPECT_EQ(Cached.ExitCode, 1) << Cached.Err;
  EXPECT_EQ(findings(Dir), Set({"src/ops.c:8"}));
  EXPECT_EQ(Cached.Err.find("analysing"), std::string::npos) << Cached.Err;
  EXPECT_NE(Cached.Err.find("1 of 2 translation units affected"),
            std::string::npos)
      << Cached.Err;
}

// --- the parser

std::string lines(const ChangeSet &Changes, const std::string &File) {
  std::string Out;
  auto It = Changes.Changed.find(File);
  if (It == Changes.Changed.end())
    return "absent";
  for (const LineRange &R : It->second)
    Out += std::to_string(R.First) + "-" + std::to_string(R.Last) + " ";
  return Out;
}

TEST(DiffParser, GitHunksRenamesDeletionsAndQuotedPaths) {
  std::string Error;
  std::optional<ChangeSet> Changes = parseUnifiedDiff(
      "diff --git a/x.cpp b/x.cpp\n"
      "index 1..2 100644\n"
      "--- a/x.cpp\n"
      "+++ b/x.cpp\n"
      "@@ -1,0 +2,2 @@ void f()\n"
      "+a\n"
      "+b\n"
      "@@ -9 +11 @@\n"
      "-old\n"
      "+new\n"
      "@@ -20,2 +22,0 @@\n"
      "-gone\n"
      "-gone\n"
      "diff --git a/old name.h b/new name.h\n"
      "similarity index 100%\n"
      "rename from old name.h\n"
      "rename to new name.h\n"
      "diff --git a/dead.h b/dead.h\n"
      "deleted file mode 100644\n"
      "--- a/dead.h\n"
      "+++ /dev/null\n"
      "@@ -1 +0,0 @@\n"
      "-x\n"
      "diff --git \"a/caf\\303\\251.c\" \"b/caf\\303\\251.c\"\n"
      "--- \"a/caf\\303\\251.c\"\n"
      "+++ \"b/caf\\303\\251.c\"\n"
      "@@ -0,0 +1 @@\n"
      "+int x;\n"
      "\\ No newline at end of file\n",
      "/r", Error);
  ASSERT_TRUE(Changes) << Error;
  EXPECT_EQ(lines(*Changes, "/r/x.cpp"), "2-3 11-11 ");
  EXPECT_EQ(lines(*Changes, "/r/new name.h"), "");
  EXPECT_EQ(lines(*Changes, "/r/caf\xc3\xa9.c"), "1-1 ");
  EXPECT_EQ(Changes->Removed,
            std::set<std::string>({"/r/dead.h", "/r/old name.h"}));
  EXPECT_TRUE(Changes->touchesLine("/r/x.cpp", 11));
  EXPECT_FALSE(Changes->touchesLine("/r/x.cpp", 12));
  EXPECT_FALSE(Changes->touchesLine("/r/x.cpp", 22)); // deleted lines
}

TEST(DiffParser, RejectsWhatIsNoDiff) {
  std::string Error;
  EXPECT_FALSE(parseUnifiedDiff("hello\nworld\n", "/r", Error));
  EXPECT_EQ(Error, "line 1 of the diff: no file header ('diff --git' or "
                   "'---'/'+++'): not a unified diff");
  EXPECT_FALSE(
      parseUnifiedDiff("--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n x\n", "/r", Error));
  EXPECT_NE(Error.find("ends inside a hunk"), std::string::npos) << Error;
  EXPECT_FALSE(
      parseUnifiedDiff("--- a/x\n+++ b/x\n@@ nonsense @@\n", "/r", Error));
  EXPECT_NE(Error.find("malformed hunk header"), std::string::npos) << Error;
  std::optional<ChangeSet> Empty = parseUnifiedDiff("", "/r", Error);
  ASSERT_TRUE(Empty);
  EXPECT_TRUE(Empty->empty());
}

} // namespace
} // namespace loadcheck::testing
