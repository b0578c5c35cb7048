//===--- ProgramFactsTests.cpp - program facts through the driver ---------===//
//
// Every translation unit's program facts travel from the worker to the
// driver's link stage, through the result cache and through JSON shards:
// the worker's result and the JSON report carry them (a TU that does not
// compile has none), a warm run's facts equal the cold run's, an entry with
// damaged facts is analysed again, merged JSON shards carry the facts and
// findings of one run, and facts the link refuses are one warning naming
// the translation unit, the others still linked.
//
//===----------------------------------------------------------------------===//
#include "checks/model/ProgramLink.h"
#include "tests/Artifacts.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"
#include "tool/run/Cache.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

namespace json = llvm::json;

// A small program across files: a lock wrapper and a counter in one file,
// a thread that calls them in another, main in a third.
const char *const Counters = R"(#include <cstdlib>
#include <mutex>
std::mutex counters_mu;
int requests = 0;
void counters_lock() { counters_mu.lock(); }
void counters_unlock() { counters_mu.unlock(); }
void count_request() { counters_lock(); ++requests; counters_unlock(); }
void fail_hard() { std::abort(); }
)";

const char *const Worker = R"(#include <thread>
void count_request();
void fail_hard();
void serve() { count_request(); fail_hard(); }
void start() {
  std::thread t(serve);
  t.detach();
}
)";

const char *const Main = R"(#include <cstdlib>
void start();
int main() {
  start();
  std::exit(0);
}
)";

const std::vector<std::string> Sources = {"src/counters.cpp", "src/main.cpp",
                                          "src/worker.cpp"};

FileMap project() {
  return {
      {"src/counters.cpp", Counters},
      {"src/worker.cpp", Worker},
      {"src/main.cpp", Main},
      {"build/compile_commands.json", compileDatabase(Sources, "-std=c++20")}};
}

ProcessResult analyse(const Workspace &Dir, std::vector<std::string> Args) {
  Args.insert(Args.begin(), {"--root=" + Dir.path(), "-p", "build"});
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

const json::Value &member(const json::Value &V, llvm::StringRef Key) {
  static const json::Value Null(nullptr);
  const json::Object *O = V.getAsObject();
  const json::Value *M = O ? O->get(Key) : nullptr;
  return M ? *M : Null;
}

/// The report's facts units: file -> facts.
std::map<std::string, json::Value> units(const json::Value &Report) {
  std::map<std::string, json::Value> Out;
  if (const json::Array *Units =
          member(member(Report, "facts"), "units").getAsArray())
    for (const json::Value &U : *Units)
      if (auto File = member(U, "file").getAsString())
        Out.emplace(File->str(), member(U, "facts"));
  return Out;
}

/// Facts as the link takes them: an object of the current version whose
/// "files" are strings.
void expectFactsShape(const json::Value &Facts, const std::string &What) {
  EXPECT_EQ(member(Facts, "version").getAsInteger(),
            std::optional<int64_t>(model::ProgramFactsVersion))
      << What;
  const json::Array *Files = member(Facts, "files").getAsArray();
  ASSERT_NE(Files, nullptr) << What;
  for (const json::Value &F : *Files)
    EXPECT_TRUE(F.getAsString().has_value()) << What;
}

TEST(ProgramFacts, TheWorkerResultCarriesTheFactsWithAbsolutePaths) {
  Workspace Dir(project());
  ProcessResult Worker =
      analyse(Dir, {"--internal-worker=" + Dir.path("src/worker.cpp"),
                    "--internal-output=" + Dir.path("worker.json")});
  ASSERT_EQ(Worker.ExitCode, 0) << Worker.Err;
  json::Value Result = parse(Dir.read("worker.json"));
  const json::Value &Facts = member(Result, "facts");
  expectFactsShape(Facts, "worker result");
  if (const json::Array *Files = member(Facts, "files").getAsArray())
    for (const json::Value &F : *Files)
      EXPECT_TRUE(llvm::sys::path::is_absolute(F.getAsString().value_or("")))
          << F.getAsString().value_or("(not a string)").str();
}

TEST(ProgramFacts, TheJsonReportCarriesOneUnitPerCompiledFile) {
  FileMap Files = project();
  Files["src/broken.cpp"] = "int broken( {\n";
  Files["build/compile_commands.json"] = compileDatabase(
      {"src/counters.cpp", "src/main.cpp", "src/worker.cpp", "src/broken.cpp"},
      "-std=c++20");
  Workspace Dir(Files);
  ProcessResult Run = analyse(Dir, {"--format=json", "-o", "report.json"});
  ASSERT_EQ(Run.ExitCode, 3) << Run.Err; // broken.cpp does not compile
  json::Value Report = parse(Dir.read("report.json"));
  EXPECT_EQ(member(member(Report, "facts"), "linked").getAsBoolean(),
            std::optional<bool>(true));
  std::map<std::string, json::Value> Units = units(Report);
  std::vector<std::string> Names;
  for (const auto &[File, Facts] : Units) {
    Names.push_back(File);
    expectFactsShape(Facts, File);
    // Paths relative to the root, as everywhere in the report.
    if (const json::Array *Paths = member(Facts, "files").getAsArray())
      for (const json::Value &P : *Paths)
        EXPECT_FALSE(llvm::StringRef(P.getAsString().value_or(""))
                         .starts_with(Dir.path()))
            << P.getAsString().value_or("").str();
  }
  EXPECT_EQ(Names, Sources); // no facts for the file that failed
  // No unusable facts, nothing to warn about.
  EXPECT_EQ(Run.Err.find("program facts"), std::string::npos) << Run.Err;
}

TEST(ProgramFacts, VerboseRunPrintsTheLinkStatistics) {
  Workspace Dir(project());
  ProcessResult Run = analyse(Dir, {"-v", "--format=json", "-o", "r.json"});
  ASSERT_EQ(Run.ExitCode, 1) << Run.Err;
  EXPECT_NE(Run.Err.find("loadcheck: link: 3 translation units, "),
            std::string::npos)
      << Run.Err;
  EXPECT_NE(Run.Err.find(" ms; driver peak RSS "), std::string::npos)
      << Run.Err;
  ProcessResult Quiet = analyse(Dir, {"--format=json", "-o", "r.json"});
  EXPECT_EQ(Quiet.Err.find("loadcheck: link:"), std::string::npos) << Quiet.Err;
}

// --- the result cache --------------------------------------------------------

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

std::string keyOf(llvm::StringRef Entry) {
  return Entry.split('\n').second.split('\n').first.drop_front(4).str();
}

TEST(ProgramFacts, AWarmRunLinksTheFactsOfTheColdRun) {
  Workspace Dir(project());
  std::vector<std::string> Args = {"--format=json", "-o", "cold.json",
                                   "--cache-dir=" + Dir.path("cache")};
  ProcessResult Cold = analyse(Dir, Args);
  ASSERT_EQ(Cold.ExitCode, 1) << Cold.Err;
  Args[2] = "warm.json";
  ProcessResult Warm = analyse(Dir, Args);
  ASSERT_EQ(Warm.ExitCode, 1) << Warm.Err;
  EXPECT_NE(Warm.Err.find("cache: 3 hits"), std::string::npos) << Warm.Err;
  json::Value ColdReport = parse(Dir.read("cold.json"));
  json::Value WarmReport = parse(Dir.read("warm.json"));
  EXPECT_EQ(units(ColdReport).size(), Sources.size());
  EXPECT_EQ(member(WarmReport, "facts"), member(ColdReport, "facts"));
  EXPECT_EQ(member(WarmReport, "findings"), member(ColdReport, "findings"));
  // The entries hold the facts the worker collected.
  for (const std::string &Path : entries(Dir)) {
    auto Buffer = llvm::MemoryBuffer::getFile(Path);
    ASSERT_TRUE(Buffer);
    FileResult Entry;
    std::string Reason;
    ASSERT_TRUE(decodeCacheEntry((*Buffer)->getBuffer(),
                                 keyOf((*Buffer)->getBuffer()), Entry, Reason))
        << Reason;
    expectFactsShape(Entry.Facts, Path);
  }
}

TEST(ProgramFacts, AnEntryWithDamagedFactsIsAnalysedAgain) {
  Workspace Dir(project());
  std::vector<std::string> Args = {"--format=json", "-o", "cold.json",
                                   "--cache-dir=" + Dir.path("cache")};
  ASSERT_EQ(analyse(Dir, Args).ExitCode, 1);
  std::vector<std::string> Found = entries(Dir);
  ASSERT_EQ(Found.size(), Sources.size());
  // Validly framed and checksummed entries whose facts the link refuses:
  // of another version, not an object, missing.
  const json::Value Damaged[] = {
      json::Object{{"version", model::ProgramFactsVersion + 100},
                   {"files", json::Array{}}},
      json::Value("not facts"), json::Value(nullptr)};
  for (size_t I = 0; I < Found.size(); ++I) {
    auto Buffer = llvm::MemoryBuffer::getFile(Found[I]);
    ASSERT_TRUE(Buffer);
    std::string Key = keyOf((*Buffer)->getBuffer());
    FileResult Entry;
    std::string Reason;
    ASSERT_TRUE(decodeCacheEntry((*Buffer)->getBuffer(), Key, Entry, Reason))
        << Reason;
    Entry.Facts = Damaged[I];
    std::error_code EC;
    llvm::raw_fd_ostream OS(Found[I], EC);
    ASSERT_FALSE(EC);
    OS << encodeCacheEntry(Key, Entry);
  }
  Args[2] = "again.json";
  ProcessResult Again = analyse(Dir, Args);
  ASSERT_EQ(Again.ExitCode, 1) << Again.Err;
  EXPECT_NE(Again.Err.find("cache: 0 hits, 3 misses"), std::string::npos)
      << Again.Err;
  for (const std::string &Path : Found)
    EXPECT_NE(Again.Err.find("ignoring corrupt cache entry '" + Path +
                             "' (program facts: "),
              std::string::npos)
        << Again.Err;
  json::Value Cold = parse(Dir.read("cold.json"));
  json::Value Reanalysed = parse(Dir.read("again.json"));
  EXPECT_EQ(member(Reanalysed, "facts"), member(Cold, "facts"));
  EXPECT_EQ(member(Reanalysed, "findings"), member(Cold, "findings"));
}

// --- shards ------------------------------------------------------------------

ProcessResult merge(const Workspace &Dir, std::vector<std::string> Args) {
  Args.insert(Args.begin(), "merge");
  return runProcess(LOADCHECK_BINARY, Args, Dir.path(), "-u NO_COLOR");
}

/// Writes the two JSON shards of the project; true when both ran.
bool writeShards(const Workspace &Dir) {
  for (const char *K : {"1", "2"}) {
    ProcessResult Shard =
        analyse(Dir, {std::string("--shard=") + K + "/2", "--format=json", "-o",
                      std::string("shard") + K + ".json"});
    EXPECT_EQ(Shard.ExitCode, 1) << Shard.Err;
    if (Shard.ExitCode != 1)
      return false;
  }
  return true;
}

TEST(ProgramFacts, MergedJsonShardsEqualOneRun) {
  Workspace Dir(project());
  ASSERT_EQ(analyse(Dir, {"--format=json", "-o", "full.json"}).ExitCode, 1);
  ASSERT_TRUE(writeShards(Dir));
  size_t ShardUnits = 0;
  for (const char *Shard : {"shard1.json", "shard2.json"}) {
    json::Value Part = parse(Dir.read(Shard));
    // A shard sees part of the program: merge decides its findings.
    EXPECT_EQ(member(member(Part, "facts"), "linked").getAsBoolean(),
              std::optional<bool>(false))
        << Shard;
    ShardUnits += units(Part).size();
  }
  EXPECT_EQ(ShardUnits, Sources.size());
  ProcessResult Merged =
      merge(Dir, {"-o", "merged.json", "shard1.json", "shard2.json"});
  ASSERT_EQ(Merged.ExitCode, 1) << Merged.Err;
  EXPECT_EQ(Merged.Err.find("warning"), std::string::npos) << Merged.Err;
  json::Value Whole = parse(Dir.read("full.json"));
  json::Value Union = parse(Dir.read("merged.json"));
  EXPECT_EQ(member(Union, "facts"), member(Whole, "facts"));
  EXPECT_EQ(member(Union, "findings"), member(Whole, "findings"));
}

TEST(ProgramFacts, FactsMergeRefusesAreOneWarningNamingThem) {
  Workspace Dir(project());
  ASSERT_TRUE(writeShards(Dir));
  // The merge of the intact shards: the link keeps or drops candidates.
  merge(Dir, {"-o", "intact.json", "shard1.json", "shard2.json"});
  size_t Intact =
      member(parse(Dir.read("intact.json")), "findings").getAsArray()->size();
  // Damage the first unit's facts in shard 1.
  json::Value Part = parse(Dir.read("shard1.json"));
  json::Array *Units =
      Part.getAsObject()->getObject("facts")->getArray("units");
  ASSERT_TRUE(Units && !Units->empty());
  std::string Damaged =
      member((*Units)[0], "file").getAsString().value_or("").str();
  (*(*Units)[0].getAsObject())["facts"] =
      json::Object{{"version", "not a number"}};
  Dir.write("shard1.json", llvm::formatv("{0:2}", Part).str());

  ProcessResult Merged =
      merge(Dir, {"-o", "merged.json", "shard1.json", "shard2.json"});
  EXPECT_EQ(Merged.ExitCode, 1) << Merged.Err; // the findings, as before
  std::string Warning = "loadcheck: warning: merge: the program facts of '" +
                        Dir.path(Damaged) + "' in 'shard1.json' are unusable";
  EXPECT_NE(Merged.Err.find(Warning), std::string::npos) << Merged.Err;
  EXPECT_EQ(Merged.Err.find("warning:"), Merged.Err.rfind("warning:"))
      << Merged.Err;
  // The others are still linked and carried; the findings all merged.
  json::Value Union = parse(Dir.read("merged.json"));
  std::map<std::string, json::Value> Kept = units(Union);
  EXPECT_EQ(Kept.size(), Sources.size() - 1);
  EXPECT_EQ(Kept.count(Damaged), 0u);
  const json::Array *Findings = member(Union, "findings").getAsArray();
  ASSERT_NE(Findings, nullptr);
  // A unit without facts has its candidates reported as they are.
  EXPECT_GE(Findings->size(), Intact);
}

} // namespace
} // namespace loadcheck::testing
