#include "tool/Paths.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

namespace loadcheck {

std::string absolutePath(llvm::StringRef Path, llvm::StringRef BaseDir) {
  llvm::SmallString<256> Abs;
  if (!llvm::sys::path::is_absolute(Path) && !BaseDir.empty())
    llvm::sys::path::append(Abs, BaseDir, Path);
  else
    Abs = Path;
  if (llvm::sys::fs::make_absolute(Abs))
    return Path.str();
  llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
  return std::string(Abs);
}

std::string currentDirectoryProbe() {
  return absolutePath("loadcheck-probe.cpp");
}

void createParentDirectories(llvm::StringRef Path) {
  llvm::StringRef Parent = llvm::sys::path::parent_path(Path);
  if (!Parent.empty())
    bestEffort(llvm::sys::fs::create_directories(Parent)); // shows on write
}

} // namespace loadcheck
