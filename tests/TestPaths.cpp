#include "tests/TestPaths.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <algorithm>
#include <cctype>

namespace loadcheck::testing {

std::vector<std::string> allFixtures(llvm::StringRef Section) {
  std::vector<std::string> Out;
  std::string Root = LOADCHECK_SOURCE_DIR "/tests/fixtures";
  if (!Section.empty())
    Root += "/" + Section.str();
  std::error_code EC;
  for (llvm::sys::fs::recursive_directory_iterator It(Root, EC), End;
       It != End && !EC; It.increment(EC)) {
    llvm::StringRef Path = It->path();
    if ((Path.ends_with(".cpp") || Path.ends_with(".c")) &&
        !Path.ends_with(".fixed.cpp") && !Path.ends_with(".fixed.c"))
      Out.push_back(Path.str());
  }
  std::sort(Out.begin(), Out.end());
  return Out;
}

std::string goldenFor(llvm::StringRef Fixture) {
  return (llvm::sys::path::parent_path(Fixture) + "/" +
          llvm::sys::path::stem(Fixture) + ".fixed" +
          llvm::sys::path::extension(Fixture))
      .str();
}

std::vector<std::string>
fixtureCompileArgs(llvm::StringRef Fixture,
                   const std::vector<std::string> &RunArgs) {
  std::vector<std::string> Args;
  if (Fixture.ends_with(".c"))
    Args = {"-x", "c"};
  Args.insert(Args.end(), RunArgs.begin(), RunArgs.end());
  return Args;
}

std::vector<std::string> fixtureSections() {
  std::vector<std::string> Out;
  std::error_code EC;
  for (llvm::sys::fs::directory_iterator
           It(LOADCHECK_SOURCE_DIR "/tests/fixtures", EC),
       End;
       It != End && !EC; It.increment(EC))
    if (It->type() == llvm::sys::fs::file_type::directory_file)
      Out.push_back(llvm::sys::path::filename(It->path()).str());
  std::sort(Out.begin(), Out.end());
  return Out;
}

std::string testNameFor(llvm::StringRef Path) {
  std::string Name = llvm::sys::path::stem(Path).str();
  for (char &C : Name)
    if (!std::isalnum(static_cast<unsigned char>(C)))
      C = '_';
  return Name;
}

} // namespace loadcheck::testing
