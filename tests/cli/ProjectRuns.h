//===--- ProjectRuns.h - small projects run through the driver -*- C++ -*-===//
//
// The multi-file tests of the program model build a project under src/
// with a compile database, run loadcheck with a few checks over it, and
// read the JSON report back: findings with their notes.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TESTS_CLI_PROJECTRUNS_H
#define LOADCHECK_TESTS_CLI_PROJECTRUNS_H

#include "tests/Artifacts.h"
#include "tests/cli/Workspace.h"
#include "tests/harness/FixtureRunner.h"

namespace loadcheck::testing {

/// \p Sources with build/compile_commands.json: every file whose name ends
/// in \p Ext, compiled with \p Flags.
inline FileMap withCompileDatabase(FileMap Sources, llvm::StringRef Ext,
                                   const std::string &Flags) {
  std::vector<std::string> Files;
  for (const auto &[Path, Text] : Sources)
    if (llvm::StringRef(Path).ends_with(Ext))
      Files.push_back(Path);
  Sources["build/compile_commands.json"] = compileDatabase(Files, Flags);
  return Sources;
}

/// C sources under src/, C11, with -I src.
inline FileMap cProject(FileMap Sources) {
  return withCompileDatabase(std::move(Sources), ".c",
                             "-x c -std=c11 -I@DIR@/src");
}

/// Runs loadcheck with only \p Checks (comma-separated) over \p Dir's
/// build/compile_commands.json; the JSON report is out.json.
inline void runChecks(const Workspace &Dir, const std::string &Checks) {
  ProcessResult Run =
      runProcess(LOADCHECK_BINARY,
                 {"--root=" + Dir.path(), "--checks=-*," + Checks, "-p",
                  "build", "--format=json", "-o", "out.json"},
                 Dir.path(), "-u NO_COLOR");
  EXPECT_LE(Run.ExitCode, 1) << Run.Err;
}

/// One finding of a JSON report: "file:line", its check and message, and
/// its notes, each "file:line message".
struct ReportedFinding {
  std::string Place;
  std::string Check;
  std::string Message;
  std::vector<std::string> Notes;
  /// The notes' messages alone.
  std::vector<std::string> noteMessages() const {
    std::vector<std::string> Out;
    for (llvm::StringRef Note : Notes)
      Out.push_back(Note.split(' ').second.str());
    return Out;
  }
};

/// "file:line" of a finding or note of the report.
inline std::string placeOf(const llvm::json::Object &O) {
  return O.getString("file").value_or("").str() + ":" +
         std::to_string(O.getInteger("line").value_or(0));
}

/// The findings of the JSON report out.json of \p Dir, in report order.
inline std::vector<ReportedFinding> reportedFindingsOf(const Workspace &Dir) {
  std::vector<ReportedFinding> Out;
  auto Value = llvm::json::parse(Dir.read("out.json"));
  if (!Value) {
    ADD_FAILURE() << llvm::toString(Value.takeError());
    return Out;
  }
  const llvm::json::Object *Root = Value->getAsObject();
  const llvm::json::Array *List = Root ? Root->getArray("findings") : nullptr;
  if (!List)
    return Out;
  for (const llvm::json::Value &F : *List) {
    const llvm::json::Object *O = F.getAsObject();
    if (!O)
      continue;
    ReportedFinding R{placeOf(*O),
                      O->getString("check").value_or("").str(),
                      O->getString("message").value_or("").str(),
                      {}};
    if (const llvm::json::Array *Notes = O->getArray("notes"))
      for (const llvm::json::Value &N : *Notes)
        if (const llvm::json::Object *Note = N.getAsObject())
          R.Notes.push_back(placeOf(*Note) + " " +
                            Note->getString("message").value_or("").str());
    Out.push_back(std::move(R));
  }
  return Out;
}

} // namespace loadcheck::testing

#endif // LOADCHECK_TESTS_CLI_PROJECTRUNS_H
