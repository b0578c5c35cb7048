//===--- HeaderFilterTests.cpp - findings in the project's headers --------===//
//
// The driver reports findings in every non-system header by default, once
// each however many translation units include it; HeaderFilterRegex and
// --header-filter narrow that, ExcludeHeaderFilterRegex and
// --exclude-header-filter remove, and the summary counts what they hid.
//
//===----------------------------------------------------------------------===//
#include "tests/Artifacts.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"
#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

/// A header-only library: two headers with one finding each, used by two
/// translation units (its test and an example).
FileMap headerOnlyLibrary() {
  return {{"include/pool/detach.h", R"(#pragma once
#include <thread>
inline void work() {}
inline void spawn() {
  std::thread t(work);
  t.detach();
}
)"},
          {"include/pool/detail/reaper.h", R"(#pragma once
#include <thread>
inline void reap() {
  std::thread t([] {});
  t.detach();
}
)"},
          {"example/one.cpp", "#include \"pool/detach.h\"\n"
                              "#include \"pool/detail/reaper.h\"\n"
                              "void one() { spawn(); reap(); }\n"},
          {"example/two.cpp", "#include \"pool/detach.h\"\n"
                              "#include \"pool/detail/reaper.h\"\n"
                              "void two() { spawn(); reap(); }\n"}};
}

ProcessResult run(const Workspace &Dir, std::vector<std::string> Extra = {}) {
  std::vector<std::string> Args = {"--root=" + Dir.path(),
                                   "--checks=-*,loadcheck-detached-thread"};
  Args.insert(Args.end(), Extra.begin(), Extra.end());
  Args.insert(Args.end(), {"example/one.cpp", "example/two.cpp", "--",
                           "-std=c++17", "-Iinclude"});
  return runProcess(LOADCHECK_BINARY, Args, Dir.path(), "-u NO_COLOR");
}

/// The integer at \p Path (keys, or array indices as numbers) in \p Text,
/// -1 when the JSON or the member is missing.
int64_t integerAt(const std::string &Text,
                  std::initializer_list<llvm::StringRef> Path) {
  auto Parsed = llvm::json::parse(Text);
  if (!Parsed) {
    llvm::consumeError(Parsed.takeError());
    return -1;
  }
  const llvm::json::Value *V = &*Parsed;
  for (llvm::StringRef Key : Path) {
    unsigned Index = 0;
    if (const llvm::json::Array *A = V->getAsArray();
        A && !Key.getAsInteger(10, Index))
      V = Index < A->size() ? &(*A)[Index] : nullptr;
    else if (const llvm::json::Object *O = V->getAsObject())
      V = O->get(Key);
    else
      V = nullptr;
    if (!V)
      return -1;
  }
  return V->getAsInteger().value_or(-1);
}

unsigned occurrences(llvm::StringRef Text, llvm::StringRef What) {
  return Text.count(What);
}

TEST(HeaderFilter, HeaderOnlyLibraryIsReportedByDefaultOnceEach) {
  Workspace Dir(headerOnlyLibrary());
  ProcessResult Run = run(Dir);
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_EQ(occurrences(Run.Out, "pool/detach.h:6:5: warning:"), 1u) << Run.Out;
  EXPECT_EQ(occurrences(Run.Out, "pool/detail/reaper.h:5:5: warning:"), 1u)
      << Run.Out;
  EXPECT_NE(Run.Err.find("2 findings in 2 files"), std::string::npos)
      << Run.Err;
  EXPECT_EQ(Run.Err.find("hidden"), std::string::npos) << Run.Err;
}

TEST(HeaderFilter, HeaderFilterNarrowsAndTheSummaryCountsWhatItHid) {
  Workspace Dir(headerOnlyLibrary());
  ProcessResult Run = run(Dir, {"--header-filter=detail/"});
  EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_EQ(occurrences(Run.Out, "reaper.h:5:5: warning:"), 1u) << Run.Out;
  EXPECT_EQ(occurrences(Run.Out, "detach.h"), 0u) << Run.Out;
  // Hidden in both translation units, counted once.
  EXPECT_NE(Run.Err.find(
                "1 finding in 1 file; 2 files analysed, 0 not "
                "analysed; 1 finding in headers hidden by the header filter"),
            std::string::npos)
      << Run.Err;
}

TEST(HeaderFilter, HiddenCountIsInTheReportsAndMergeAddsItUp) {
  Workspace Dir(headerOnlyLibrary());
  for (const char *Format : {"json", "sarif"}) {
    std::string Report = std::string("hidden.") + Format;
    ProcessResult Run =
        run(Dir, {"--header-filter=detail/", std::string("--format=") + Format,
                  "--output=" + Report});
    EXPECT_EQ(Run.ExitCode, 1) << Run.Err;
    ProcessResult Merged = runProcess(
        LOADCHECK_BINARY,
        {"merge", "-o", std::string("merged.") + Format, Report, Report},
        Dir.path(), "-u NO_COLOR");
    EXPECT_EQ(Merged.ExitCode, 1) << Merged.Err;
    // Each input hid one finding: merge adds the inputs' counts up.
    EXPECT_NE(Merged.Err.find("; 2 findings in headers hidden by the header "
                              "filter"),
              std::string::npos)
        << Merged.Err;
    if (llvm::StringRef(Format) == "json") {
      EXPECT_EQ(integerAt(Dir.read(Report), {"hiddenInHeaders"}), 1);
      EXPECT_EQ(integerAt(Dir.read("merged.json"), {"hiddenInHeaders"}), 2);
    } else {
      EXPECT_EQ(integerAt(Dir.read(Report),
                          {"runs", "0", "properties", "hiddenInHeaders"}),
                1);
      EXPECT_EQ(integerAt(Dir.read("merged.sarif"),
                          {"runs", "0", "properties", "hiddenInHeaders"}),
                2);
    }
  }
  // Nothing hidden: the count is there, and 0.
  ProcessResult Plain = run(Dir, {"--format=json", "--output=plain.json"});
  EXPECT_EQ(Plain.ExitCode, 1) << Plain.Err;
  EXPECT_EQ(integerAt(Dir.read("plain.json"), {"hiddenInHeaders"}), 0);
}

TEST(HeaderFilter, ClangTidyFileNarrowsLikeTheCommandLine) {
  FileMap Files = headerOnlyLibrary();
  Files[".clang-tidy"] = "HeaderFilterRegex: 'nothing-matches-this'\n";
  Workspace Dir(Files);
  ProcessResult Run = run(Dir);
  EXPECT_EQ(Run.ExitCode, 0) << Run.Out << Run.Err;
  EXPECT_NE(Run.Err.find(
                "0 findings in 0 files; 2 files analysed, 0 not "
                "analysed; 2 findings in headers hidden by the header filter"),
            std::string::npos)
      << Run.Err;
}

TEST(HeaderFilter, ExcludeHeaderFilterRemoves) {
  FileMap Files = headerOnlyLibrary();
  Files[".clang-tidy"] = "ExcludeHeaderFilterRegex: '/detail/'\n";
  Workspace Dir(Files);
  ProcessResult FromFile = run(Dir);
  EXPECT_EQ(FromFile.ExitCode, 1) << FromFile.Err;
  EXPECT_EQ(occurrences(FromFile.Out, "detach.h:6:5: warning:"), 1u)
      << FromFile.Out;
  EXPECT_EQ(occurrences(FromFile.Out, "reaper.h"), 0u) << FromFile.Out;
  EXPECT_NE(FromFile.Err.find("1 finding in headers hidden"), std::string::npos)
      << FromFile.Err;

  // The command line wins over the file.
  ProcessResult FromFlag = run(Dir, {"--exclude-header-filter=pool/detach"});
  EXPECT_EQ(occurrences(FromFlag.Out, "reaper.h:5:5: warning:"), 1u)
      << FromFlag.Out;
  EXPECT_EQ(occurrences(FromFlag.Out, "detach.h"), 0u) << FromFlag.Out;
}

TEST(HeaderFilter, InvalidExcludeHeaderFilterIsAUsageError) {
  Workspace Dir(headerOnlyLibrary());
  ProcessResult Run = run(Dir, {"--exclude-header-filter=("});
  EXPECT_EQ(Run.ExitCode, 2) << Run.Err;
  EXPECT_NE(Run.Err.find("invalid --exclude-header-filter '('"),
            std::string::npos)
      << Run.Err;
}

} // namespace
} // namespace loadcheck::testing
