//===--- CacheTests.cpp - --cache-dir end to end
//---------------------------===//
//
// The real loadcheck binary with a result cache on a small project: a warm
// run reuses every result (the summary's cache counts, and an entry edited
// by the test shows up in the report), every input of the key invalidates
// (NOLINT comment, whitespace, -D flag, check option, header), corrupt
// entries are reported once, ignored and rewritten, an unusable cache
// directory is a warning, and concurrent runs never tear an entry. Direct
// mode: a warm run skips the preprocessor (summary "(N direct)"), a changed
// or shadowing header and a corrupt manifest fall back to the preprocessed
// key.
//
//===----------------------------------------------------------------------===//
#include "checks/model/ProgramLink.h"
#include "tests/Artifacts.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"
#include "tool/run/Cache.h"
#include "clang/Frontend/ASTUnit.h"
#include "clang/Tooling/Tooling.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/Regex.h"
#include <functional>
#include <gtest/gtest.h>
#include <iterator>
#include <unistd.h>

namespace loadcheck::testing {
namespace {

// Light headers only: these tests run loadcheck some forty times.
const char *const Header = R"(#pragma once
#include <cstdlib>
inline int code() { return 1; }
)";

// An abrupt termination on line 3 of each file.
const char *const AbortA = R"(#include "shared.h"
void failA() {
  std::abort();
}
)";

const char *const AbortB = R"(#include "shared.h"
void failB() {
  std::abort();
}
#ifdef WITH_EXIT
void exitB() { std::exit(code()); }
#endif
)";

const char *const Aborting = R"(#include <cstdlib>
void fatal() { std::abort(); }
)";

std::string database(const std::vector<std::string> &Files) {
  return compileDatabase(Files, "-std=c++20 -I@DIR@/inc");
}

FileMap project() {
  return {{"inc/shared.h", Header},
          {"src/a.cpp", AbortA},
          {"src/b.cpp", AbortB},
          {"src/c.cpp", Aborting},
          {"build/compile_commands.json",
           database({"src/a.cpp", "src/b.cpp", "src/c.cpp"})}};
}

const std::string Checks = "--checks=-*,loadcheck-abrupt-termination";

ProcessResult run(const Workspace &Dir, std::vector<std::string> Args = {}) {
  std::vector<std::string> All = {"--root=" + Dir.path(),
                                  Checks,
                                  "-p",
                                  "build",
                                  "--format=json",
                                  "--cache-dir=" + Dir.path("cache")};
  All.insert(All.end(), Args.begin(), Args.end());
  return runProcess(LOADCHECK_BINARY, All, Dir.path(), "-u NO_COLOR");
}

/// The summary's "cache: H hits (D direct), M misses" ("(D direct)" only
/// when H > 0).
const llvm::Regex CountsPattern(
    "cache: ([0-9]+) hits?( \\(([0-9]+) direct\\))?, ([0-9]+) miss(es)?");

/// The hits and misses of the summary line.
std::pair<int, int> cacheCounts(const ProcessResult &Run) {
  llvm::SmallVector<llvm::StringRef, 6> Match;
  if (!CountsPattern.match(Run.Err, &Match)) {
    ADD_FAILURE() << "no cache counts in: " << Run.Err;
    return {-1, -1};
  }
  return {std::stoi(Match[1].str()), std::stoi(Match[4].str())};
}

/// How many of the hits were direct (no preprocessing, via a manifest).
int directHits(const ProcessResult &Run) {
  llvm::SmallVector<llvm::StringRef, 6> Match;
  if (!CountsPattern.match(Run.Err, &Match)) {
    ADD_FAILURE() << "no cache counts in: " << Run.Err;
    return -1;
  }
  return Match[3].empty() ? 0 : std::stoi(Match[3].str());
}

using Counts = std::pair<int, int>;

size_t occurrences(llvm::StringRef Text, llvm::StringRef Needle) {
  size_t N = 0;
  for (size_t At = Text.find(Needle); At != llvm::StringRef::npos;
       At = Text.find(Needle, At + 1))
    ++N;
  return N;
}

/// Every entry file under the cache directory.
std::vector<std::string> entries(const Workspace &Dir) {
  std::vector<std::string> Found;
  std::error_code EC;
  for (llvm::sys::fs::recursive_directory_iterator It(Dir.path("cache"), EC),
       End;
       It != End && !EC; It.increment(EC))
    if (llvm::StringRef(It->path()).ends_with(".entry"))
      Found.push_back(It->path());
  llvm::sort(Found);
  return Found;
}

std::string readFile(const std::string &Path) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  return Buffer ? (*Buffer)->getBuffer().str() : "";
}

void writeFile(const std::string &Path, llvm::StringRef Text) {
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC);
  ASSERT_FALSE(EC) << Path;
  OS << Text;
}

// A computed include whose macro carries a comment, as Boost.MPL's: the
// key's preprocessing must resolve it as the compiler does, else the TU is
// never cached (it was, with comments kept inside macro expansions).
TEST(Cache, ComputedIncludeWithACommentInTheMacroIsCached) {
  FileMap Files = project();
  Files["src/a.cpp"] = "#define LC_STR2(x) #x\n"
                       "#define LC_STR(x) LC_STR2(x)\n"
                       "#define LC_HEADER shared.h /**/\n"
                       "#include LC_STR(LC_HEADER)\n" +
                       Files["src/a.cpp"];
  Workspace Dir(Files);
  ProcessResult Cold = run(Dir);
  ASSERT_EQ(Cold.ExitCode, 1) << Cold.Err;
  EXPECT_EQ(cacheCounts(Cold), Counts(0, 3));
  ProcessResult Warm = run(Dir);
  EXPECT_EQ(cacheCounts(Warm), Counts(3, 0)) << Warm.Err;
  EXPECT_EQ(Warm.Out, Cold.Out);
}

TEST(Cache, WarmRunReusesEveryResultAndReportsIdentically) {
  Workspace Dir(project());
  ProcessResult Cold = run(Dir);
  ASSERT_EQ(Cold.ExitCode, 1) << Cold.Err;
  EXPECT_EQ(cacheCounts(Cold), Counts(0, 3));
  EXPECT_EQ(entries(Dir).size(), 3u);
  ProcessResult Warm = run(Dir);
  EXPECT_EQ(Warm.ExitCode, 1) << Warm.Err;
  EXPECT_EQ(cacheCounts(Warm), Counts(3, 0));
  // Served by the manifests, without preprocessing.
  EXPECT_NE(Warm.Err.find("cache: 3 hits (3 direct), 0 misses"),
            std::string::npos)
      << Warm.Err;
  EXPECT_EQ(Warm.Out, Cold.Out);
  EXPECT_EQ(Warm.Err.find("warning"), std::string::npos) << Warm.Err;
  // Without --cache-dir the summary has no cache part and the same report.
  ProcessResult Plain = runProcess(
      LOADCHECK_BINARY,
      {"--root=" + Dir.path(), Checks, "-p", "build", "--format=json"},
      Dir.path(), "-u NO_COLOR");
  EXPECT_EQ(Plain.Out, Cold.Out);
  EXPECT_EQ(Plain.Err.find("cache:"), std::string::npos);
}

TEST(Cache, AHitIsServedFromTheEntryWithoutAnalysis) {
  Workspace Dir(project());
  ASSERT_EQ(run(Dir, {"src/a.cpp"}).ExitCode, 1);
  std::vector<std::string> Files = entries(Dir);
  ASSERT_EQ(Files.size(), 1u);
  // Re-sign the entry with an edited message: a valid entry whose content
  // the analysis could never produce.
  std::string Entry = readFile(Files[0]);
  llvm::StringRef Key =
      llvm::StringRef(Entry).split('\n').second.split('\n').first.drop_front(4);
  FileResult Result;
  std::string Reason;
  ASSERT_TRUE(decodeCacheEntry(Entry, Key, Result, Reason)) << Reason;
  ASSERT_EQ(Result.Findings.size(), 1u);
  Result.Findings[0].Message = "served from the cache";
  writeFile(Files[0], encodeCacheEntry(Key, Result));
  ProcessResult Warm = run(Dir, {"src/a.cpp"});
  EXPECT_EQ(cacheCounts(Warm), Counts(1, 0));
  EXPECT_NE(Warm.Out.find("served from the cache"), std::string::npos)
      << Warm.Out;
}

/// An edit of the project and what it does to src/b.cpp's findings.
struct Invalidation {
  const char *Name;
  std::function<void(Workspace &)> Edit;
  std::vector<std::string> ExtraArgs; ///< of the run after the edit
  Counts Expected;                    ///< hits, misses after the edit
  const char *MustAppear;             ///< in the JSON report, or ""
  const char *MustVanish;             ///< from the JSON report, or ""
};

class CacheInvalidation : public ::testing::TestWithParam<Invalidation> {};

TEST_P(CacheInvalidation, ChangedInputIsAnalysedAgain) {
  const Invalidation &Case = GetParam();
  Workspace Dir(project());
  Dir.write(".clang-tidy", "CheckOptions:\n"
                           "  loadcheck-abrupt-termination.AllowedFunctions: "
                           "'^nothing$'\n");
  ProcessResult Cold = run(Dir);
  ASSERT_EQ(cacheCounts(Cold), Counts(0, 3)) << Cold.Err;
  ProcessResult Warm = run(Dir);
  ASSERT_EQ(cacheCounts(Warm), Counts(3, 0));
  EXPECT_EQ(directHits(Warm), 3);
  Case.Edit(Dir);
  ProcessResult After = run(Dir, Case.ExtraArgs);
  EXPECT_EQ(cacheCounts(After), Case.Expected) << After.Err;
  // The files the edit does not touch still skip the preprocessor; an
  // edited one never does (its manifest no longer matches).
  EXPECT_EQ(directHits(After), Case.Expected.first) << After.Err;
  if (*Case.MustAppear) {
    EXPECT_EQ(Cold.Out.find(Case.MustAppear), std::string::npos);
    EXPECT_NE(After.Out.find(Case.MustAppear), std::string::npos) << After.Out;
  }
  if (*Case.MustVanish) {
    EXPECT_NE(Cold.Out.find(Case.MustVanish), std::string::npos);
    EXPECT_EQ(After.Out.find(Case.MustVanish), std::string::npos) << After.Out;
  }
  // The new results and manifests were stored: one more run hits
  // everything, directly.
  ProcessResult Again = run(Dir, Case.ExtraArgs);
  EXPECT_EQ(cacheCounts(Again), Counts(3, 0));
  EXPECT_EQ(directHits(Again), 3) << Again.Err;
}

INSTANTIATE_TEST_SUITE_P(
    Key, CacheInvalidation,
    ::testing::Values(
        Invalidation{"NolintComment",
                     [](Workspace &Dir) {
                       std::string Text = AbortB;
                       Text.replace(Text.find("abort();"), 8,
                                    "abort(); // NOLINT");
                       Dir.write("src/b.cpp", Text);
                     },
                     {},
                     {2, 1},
                     "",
                     "in 'failB'"},
        // Inner spaces: `clang -E` prints them as one, so
        // only the file's bytes in the key catch this edit.
        Invalidation{"InnerWhitespaceMovesTheColumn",
                     [](Workspace &Dir) {
                       std::string Text = Aborting;
                       Text.replace(Text.find("{ std"), 2, "{    ");
                       Dir.write("src/c.cpp", Text);
                     },
                     {},
                     {2, 1},
                     "\"column\": 19",
                     ""},
        Invalidation{"DefineFlag",
                     [](Workspace &) {},
                     {"--extra-arg=-DWITH_EXIT"},
                     {0, 3},
                     "exitB",
                     ""},
        Invalidation{"CheckOption",
                     [](Workspace &Dir) {
                       Dir.write(".clang-tidy",
                                 "CheckOptions:\n"
                                 "  loadcheck-abrupt-termination."
                                 "AllowedFunctions: '^fatal$'\n");
                     },
                     {},
                     {0, 3},
                     "",
                     "\"function\": \"fatal\""},
        // Same size: only the content hash of the
        // manifest's file list sees it.
        Invalidation{"HeaderEditOfTheSameSize",
                     [](Workspace &Dir) {
                       std::string Text = Header;
                       Text.replace(Text.find("return 1"), 8, "return 2");
                       Dir.write("inc/shared.h", Text);
                     },
                     {},
                     {1, 2},
                     "",
                     ""},
        Invalidation{"HeaderEdit",
                     [](Workspace &Dir) {
                       Dir.write("inc/shared.h",
                                 std::string(Header) + "// a comment\n");
                     },
                     {},
                     {1, 2},
                     "",
                     ""}),
    [](const ::testing::TestParamInfo<Invalidation> &Info) {
      return std::string(Info.param.Name);
    });

/// A way of damaging an entry.
struct Corruption {
  const char *Name;
  std::function<std::string(const std::string &)> Damage;
  const char *Reason; ///< in the warning
};

const Corruption Corruptions[] = {
    {"Truncated",
     [](const std::string &E) { return E.substr(0, E.size() * 2 / 3); },
     "truncated"},
    {"Empty", [](const std::string &) { return std::string(); },
     "not a loadcheck cache entry"},
    {"Garbage",
     [](const std::string &E) {
       std::string G(E.size(), '\0');
       for (size_t I = 0; I < G.size(); ++I)
         G[I] = char((I * 7919) % 251);
       return G;
     },
     "not a loadcheck cache entry"},
    {"WrongChecksum",
     [](const std::string &E) {
       std::string Flipped = E; // same size, other payload
       Flipped.replace(Flipped.find("\"findings\""), 10, "\"findingz\"");
       return Flipped;
     },
     "checksum mismatch"},
    {"OtherFormatVersion",
     [](const std::string &E) {
       std::string Other = E;
       std::string Version = " " + std::to_string(CacheFormatVersion) + "\n";
       Other.replace(Other.find(Version), Version.size(), " 99\n");
       return Other;
     },
     "format version '99', expected 3"}};

TEST(Cache, CorruptEntriesAreReportedOnceIgnoredAndRewritten) {
  // Five files, five entries, each damaged in its own way.
  FileMap Files = project();
  Files["src/d.cpp"] = AbortA;
  Files["src/e.cpp"] = Aborting;
  Files["build/compile_commands.json"] = database(
      {"src/a.cpp", "src/b.cpp", "src/c.cpp", "src/d.cpp", "src/e.cpp"});
  Workspace Dir(Files);
  ProcessResult Cold = run(Dir);
  std::vector<std::string> Found = entries(Dir);
  ASSERT_EQ(Found.size(), std::size(Corruptions)) << Cold.Err;
  for (size_t I = 0; I < Found.size(); ++I)
    writeFile(Found[I], Corruptions[I].Damage(readFile(Found[I])));

  ProcessResult Damaged = run(Dir);
  EXPECT_EQ(Damaged.ExitCode, Cold.ExitCode) << Damaged.Err;
  EXPECT_EQ(Damaged.Out, Cold.Out);
  EXPECT_EQ(cacheCounts(Damaged), Counts(0, 5));
  for (size_t I = 0; I < Found.size(); ++I)
    EXPECT_EQ(occurrences(Damaged.Err,
                          "loadcheck: warning: ignoring corrupt cache entry '" +
                              Found[I] + "' (" + Corruptions[I].Reason),
              1u)
        << Corruptions[I].Name << "\n"
        << Damaged.Err;
  EXPECT_EQ(occurrences(Damaged.Err, "warning:"), 5u) << Damaged.Err;

  ProcessResult Repaired = run(Dir);
  EXPECT_EQ(cacheCounts(Repaired), Counts(5, 0));
  EXPECT_EQ(Repaired.Err.find("warning"), std::string::npos) << Repaired.Err;
  EXPECT_EQ(Repaired.Out, Cold.Out);
}

TEST(Cache, UnusableDirectoryIsOneWarningAndTheAnalysisGoesOn) {
  Workspace Dir(project());
  Dir.write("not-a-dir", "a file\n");
  ProcessResult Plain = runProcess(
      LOADCHECK_BINARY,
      {"--root=" + Dir.path(), Checks, "-p", "build", "--format=json"},
      Dir.path(), "-u NO_COLOR");
  ProcessResult Run = runProcess(LOADCHECK_BINARY,
                                 {"--root=" + Dir.path(), Checks, "-p", "build",
                                  "--format=json",
                                  "--cache-dir=" + Dir.path("not-a-dir/cache")},
                                 Dir.path(), "-u NO_COLOR");
  EXPECT_EQ(Run.ExitCode, Plain.ExitCode) << Run.Err;
  EXPECT_EQ(Run.Out, Plain.Out);
  EXPECT_EQ(occurrences(Run.Err, "loadcheck: warning: cannot write to the "
                                 "cache directory '" +
                                     Dir.path("not-a-dir/cache") +
                                     "': Not a directory; results are not "
                                     "cached\n"),
            1u)
      << Run.Err;
  EXPECT_EQ(occurrences(Run.Err, "warning:"), 1u) << Run.Err;
  EXPECT_NE(Run.Err.find("cache: 0 hits, 3 misses"), std::string::npos);
}

TEST(Cache, ReadOnlyDirectoryStillServesHits) {
  if (::geteuid() == 0)
    GTEST_SKIP() << "root writes to read-only directories";
  Workspace Dir(project());
  ASSERT_EQ(cacheCounts(run(Dir)), Counts(0, 3));
  for (const std::string &F : entries(Dir))
    EXPECT_FALSE(llvm::sys::fs::setPermissions(llvm::sys::path::parent_path(F),
                                               llvm::sys::fs::perms(0555)));
  Dir.write("src/a.cpp", std::string(AbortA) + "\n");
  ProcessResult Run = run(Dir);
  EXPECT_EQ(cacheCounts(Run), Counts(2, 1));
  EXPECT_EQ(occurrences(Run.Err, "cannot write to the cache directory"), 1u)
      << Run.Err;
  for (const std::string &F : entries(Dir))
    EXPECT_FALSE(llvm::sys::fs::setPermissions(llvm::sys::path::parent_path(F),
                                               llvm::sys::fs::all_all));
}

TEST(Cache, ConcurrentRunsNeverTearAnEntry) {
  Workspace Dir(project());
  std::string Command;
  for (int I = 0; I < 4; ++I)
    Command += std::string(LOADCHECK_BINARY) + " --root=" + Dir.path() + " " +
               Checks + " -p build -q -j2 --cache-dir=" + Dir.path("cache") +
               " > /dev/null 2>&1 & ";
  Command += "wait";
  ProcessResult Race = runProcess("/bin/sh", {"-c", Command}, Dir.path());
  ASSERT_EQ(Race.ExitCode, 0) << Race.Err;
  EXPECT_EQ(entries(Dir).size(), 3u);
  ProcessResult After = run(Dir);
  EXPECT_EQ(cacheCounts(After), Counts(3, 0)) << After.Err;
  EXPECT_EQ(After.Err.find("warning"), std::string::npos) << After.Err;
  // No temporary file is left behind.
  std::error_code EC;
  for (llvm::sys::fs::recursive_directory_iterator It(Dir.path("cache"), EC),
       End;
       It != End && !EC; It.increment(EC))
    EXPECT_EQ(llvm::StringRef(It->path()).find(".tmp-"), llvm::StringRef::npos)
        << It->path();
}

/// The program facts of a small translation unit, as a worker collects them.
llvm::json::Value factsOfCode(llvm::StringRef Code) {
  std::unique_ptr<clang::ASTUnit> AST = clang::tooling::buildASTFromCode(Code);
  return AST ? model::collectTUFacts(AST->getASTContext())
             : llvm::json::Value(nullptr);
}

TEST(Cache, EntryRoundTripsAndRejectsAnotherKey) {
  FileResult Result;
  Result.File = "/src/a.cpp";
  Result.Facts = factsOfCode("void f() {}\nvoid g() { f(); }\n");
  Finding F;
  F.Check = "loadcheck-unjoined-thread";
  F.Message = "m\n\"quoted\"";
  F.Where = {"/src/a.cpp", 10, 2, 3};
  F.End = F.Where;
  F.Fixes.push_back({"/src/a.cpp", 10, 6, "jthread"});
  Result.Findings.push_back(F);
  std::string Key(64, 'a');
  std::string Entry = encodeCacheEntry(Key, Result);
  FileResult Back;
  std::string Reason;
  ASSERT_TRUE(decodeCacheEntry(Entry, Key, Back, Reason)) << Reason;
  ASSERT_EQ(Back.Findings.size(), 1u);
  EXPECT_EQ(Back.Findings[0].Message, F.Message);
  EXPECT_EQ(Back.Findings[0].Fixes[0].Text, "jthread");
  EXPECT_EQ(Back.Facts, Result.Facts);
  EXPECT_FALSE(decodeCacheEntry(Entry, std::string(64, 'b'), Back, Reason));
  EXPECT_EQ(Reason, "entry of another key");
  EXPECT_EQ(cacheEntryPath("/c", Key), "/c/aa/" + Key.substr(2) + ".entry");
}

/// Every manifest file under the cache directory, sorted.
std::vector<std::string> manifests(const Workspace &Dir) {
  std::vector<std::string> Found;
  std::error_code EC;
  for (llvm::sys::fs::recursive_directory_iterator It(Dir.path("cache"), EC),
       End;
       It != End && !EC; It.increment(EC))
    if (llvm::StringRef(It->path()).ends_with(".manifest"))
      Found.push_back(It->path());
  llvm::sort(Found);
  return Found;
}

TEST(CacheDirect, CorruptManifestsAreReportedAndThePreprocessedKeyDecides) {
  Workspace Dir(project());
  ProcessResult Cold = run(Dir);
  std::vector<std::string> Found = manifests(Dir);
  ASSERT_EQ(Found.size(), 3u) << Cold.Err;
  const std::pair<std::function<std::string(const std::string &)>, const char *>
      Damages[] = {
          {[](const std::string &M) { return M.substr(0, M.size() / 2); },
           "truncated"},
          {[](const std::string &M) { return std::string(M.size(), 'x'); },
           "not a loadcheck cache manifest"},
          {[](const std::string &M) {
             std::string Other = M;
             std::string Version =
                 " " + std::to_string(CacheFormatVersion) + "\n";
             Other.replace(Other.find(Version), Version.size(), " 7\n");
             return Other;
           },
           "format version '7', expected 3"}};
  for (size_t I = 0; I < Found.size(); ++I)
    writeFile(Found[I], Damages[I].first(readFile(Found[I])));

  ProcessResult Damaged = run(Dir);
  EXPECT_EQ(Damaged.Out, Cold.Out);
  // Hits through the preprocessed key, none direct.
  EXPECT_EQ(cacheCounts(Damaged), Counts(3, 0));
  EXPECT_EQ(directHits(Damaged), 0);
  for (size_t I = 0; I < Found.size(); ++I)
    EXPECT_EQ(
        occurrences(Damaged.Err, "loadcheck: warning: ignoring corrupt cache "
                                 "manifest '" +
                                     Found[I] + "' (" + Damages[I].second),
        1u)
        << Damaged.Err;
  EXPECT_EQ(occurrences(Damaged.Err, "warning:"), 3u) << Damaged.Err;

  // Rewritten by the preprocessed hits.
  ProcessResult Repaired = run(Dir);
  EXPECT_EQ(directHits(Repaired), 3) << Repaired.Err;
  EXPECT_EQ(Repaired.Err.find("warning"), std::string::npos) << Repaired.Err;
  EXPECT_EQ(Repaired.Out, Cold.Out);
}

TEST(CacheDirect, ManifestOfAMissingEntryFallsBackToAnalysis) {
  Workspace Dir(project());
  ProcessResult Cold = run(Dir);
  for (const std::string &E : entries(Dir))
    ASSERT_FALSE(llvm::sys::fs::remove(E));
  ProcessResult After = run(Dir);
  EXPECT_EQ(cacheCounts(After), Counts(0, 3)) << After.Err;
  EXPECT_EQ(After.Err.find("warning"), std::string::npos) << After.Err;
  EXPECT_EQ(After.Out, Cold.Out);
  EXPECT_EQ(directHits(run(Dir)), 3);
}

TEST(CacheDirect, AHeaderEditedBackAndForthIsNeverServedStale) {
  // The manifest of a.cpp lists shared.h's hash: a.cpp is unchanged, the
  // header it includes is not.
  Workspace Dir(project());
  ASSERT_EQ(cacheCounts(run(Dir, {"src/a.cpp"})), Counts(0, 1));
  Dir.write("inc/shared.h", std::string(Header) + "#define EDITED 1\n");
  ProcessResult Edited = run(Dir, {"src/a.cpp"});
  EXPECT_EQ(cacheCounts(Edited), Counts(0, 1)) << Edited.Err;
  Dir.write("inc/shared.h", Header);
  // Back to the first header: the first entry serves it, found through the
  // preprocessed key (the manifest now describes the edited header).
  ProcessResult Back = run(Dir, {"src/a.cpp"});
  EXPECT_EQ(cacheCounts(Back), Counts(1, 0)) << Back.Err;
  EXPECT_EQ(directHits(Back), 0);
  EXPECT_EQ(directHits(run(Dir, {"src/a.cpp"})), 1);
}

TEST(CacheDirect, AHeaderShadowingTheOneReadInvalidates) {
  // `#include "shared.h"` looks in the includer's directory before -I inc:
  // a new src/shared.h shadows inc/shared.h although no file the manifest
  // lists changed. It renames failA, so the report shows it was read.
  Workspace Dir(project());
  ProcessResult Cold = run(Dir);
  ASSERT_EQ(directHits(run(Dir)), 3);
  Dir.write("src/shared.h",
            std::string(Header) + "#define failA failShadowed\n");
  ProcessResult After = run(Dir);
  EXPECT_EQ(cacheCounts(After), Counts(1, 2)) << After.Err;
  EXPECT_EQ(directHits(After), 1);
  EXPECT_EQ(Cold.Out.find("failShadowed"), std::string::npos);
  EXPECT_NE(After.Out.find("in 'failShadowed'"), std::string::npos)
      << After.Out;
  EXPECT_EQ(directHits(run(Dir)), 3);
}

TEST(CacheDirect, ManifestRoundTripsAndRejectsDamage) {
  CacheManifest Manifest;
  Manifest.ResultKey = std::string(64, 'c');
  Manifest.Files = {{"/src/a.cpp", 12, std::string(32, '1')},
                    {"/inc/with space.h", 0, std::string(32, '2')}};
  Manifest.Absent = {"/src/shared.h", "/no such/dir"};
  std::string Key(64, 'd');
  std::string Text = encodeCacheManifest(Key, Manifest);
  CacheManifest Back;
  std::string Reason;
  ASSERT_TRUE(decodeCacheManifest(Text, Key, Back, Reason)) << Reason;
  EXPECT_EQ(Back.ResultKey, Manifest.ResultKey);
  ASSERT_EQ(Back.Files.size(), 2u);
  EXPECT_EQ(Back.Files[1].Path, "/inc/with space.h");
  EXPECT_EQ(Back.Files[0].Size, 12u);
  EXPECT_EQ(Back.Files[0].Hash, std::string(32, '1'));
  EXPECT_EQ(Back.Absent, Manifest.Absent);
  EXPECT_FALSE(decodeCacheManifest(Text, std::string(64, 'e'), Back, Reason));
  EXPECT_EQ(Reason, "manifest of another key");
  // An entry is not a manifest, even under the same key.
  EXPECT_FALSE(decodeCacheManifest(encodeCacheEntry(Key, FileResult()), Key,
                                   Back, Reason));
  EXPECT_EQ(Reason, "not a loadcheck cache manifest");
  EXPECT_EQ(cacheManifestPath("/c", Key),
            "/c/dd/" + Key.substr(2) + ".manifest");
}

} // namespace
} // namespace loadcheck::testing
