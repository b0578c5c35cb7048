//===--- Workspace.h - temporary fixture projects for CLI tests -*- C++ -*-===//
#ifndef LOADCHECK_TESTS_CLI_WORKSPACE_H
#define LOADCHECK_TESTS_CLI_WORKSPACE_H

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <gtest/gtest.h>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace loadcheck::testing {

using FileMap = std::map<std::string, std::string>;

/// A temporary directory holding \p Files (`@DIR@` in their text becomes
/// the directory's path), removed when the test ends, even on failure.
class Workspace {
public:
  explicit Workspace(const FileMap &Files) {
    llvm::SmallString<128> Created;
    EXPECT_FALSE(
        llvm::sys::fs::createUniqueDirectory("loadcheck-cli", Created));
    EXPECT_FALSE(llvm::sys::fs::real_path(Created, Root)); // as in output
    for (const auto &[Rel, Text] : Files)
      write(Rel, Text);
  }
  ~Workspace() { EXPECT_FALSE(llvm::sys::fs::remove_directories(Root)); }
  Workspace(const Workspace &) = delete;
  Workspace &operator=(const Workspace &) = delete;

  std::string path() const { return std::string(Root); }
  std::string path(llvm::StringRef Rel) const {
    llvm::SmallString<256> Path(Root);
    llvm::sys::path::append(Path, Rel);
    return std::string(Path);
  }

  void write(llvm::StringRef Rel, std::string Content) {
    std::string Path = path(Rel);
    EXPECT_FALSE(
        llvm::sys::fs::create_directories(llvm::sys::path::parent_path(Path)));
    for (size_t At; (At = Content.find("@DIR@")) != std::string::npos;)
      Content.replace(At, 5, Root.str());
    std::error_code EC;
    llvm::raw_fd_ostream OS(Path, EC);
    EXPECT_FALSE(EC) << Path;
    OS << Content;
  }

  std::string read(llvm::StringRef Rel) const {
    auto Buffer = llvm::MemoryBuffer::getFile(path(Rel));
    return Buffer ? (*Buffer)->getBuffer().str() : std::string();
  }

private:
  llvm::SmallString<128> Root;
};

/// A translation unit with one finding (loadcheck-detached-thread),
/// the "good file" whose finding multi-file CLI tests expect to survive.
inline const char *const Detaching = R"(#include <thread>
void work();
void spawn() {
  std::thread t(work);
  t.detach();
}
)";

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

/// The findings of the JSON report \p Report of \p Dir, in report order.
inline std::vector<ReportedFinding>
reportedFindingsOf(const Workspace &Dir,
                   const std::string &Report = "out.json") {
  std::vector<ReportedFinding> Out;
  auto Value = llvm::json::parse(Dir.read(Report));
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

/// "file:line check" of every finding of the JSON report \p Report in
/// \p Dir; the check is left out where it is \p OmitCheck.
inline std::set<std::string> reportedFindings(const Workspace &Dir,
                                              const std::string &Report,
                                              llvm::StringRef OmitCheck = "") {
  std::set<std::string> Out;
  for (const ReportedFinding &F : reportedFindingsOf(Dir, Report))
    Out.insert(F.Place + (F.Check == OmitCheck ? "" : " " + F.Check));
  return Out;
}

/// compile_commands.json for \p Files (relative to the workspace, `@DIR@`),
/// each compiled by `clang++-19 <Flags> -c <file>` in the workspace.
inline std::string compileDatabase(const std::vector<std::string> &Files,
                                   const std::string &Flags) {
  std::string Json = "[\n";
  for (size_t I = 0; I < Files.size(); ++I)
    Json += std::string(I ? ",\n" : "") +
            "  {\"directory\": \"@DIR@\", \"file\": \"@DIR@/" + Files[I] +
            "\", \"command\": \"clang++-19 " + Flags + " -c @DIR@/" + Files[I] +
            "\"}";
  return Json + "\n]\n";
}

} // namespace loadcheck::testing

#endif
