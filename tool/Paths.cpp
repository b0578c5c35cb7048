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

std::string relativeToRoot(llvm::StringRef File, llvm::StringRef Root) {
  llvm::SmallString<256> Prefix(Root);
  llvm::sys::path::remove_dots(Prefix, true);
  if (!Prefix.ends_with("/"))
    Prefix += "/";
  if (llvm::StringRef(File).starts_with(Prefix))
    return File.drop_front(Prefix.size()).str();
  return File.str();
}

std::string defaultRoot() {
  llvm::SmallString<256> Dir;
  if (llvm::sys::fs::current_path(Dir))
    return ".";
  llvm::SmallString<256> Probe(Dir);
  for (llvm::StringRef D = Dir; !D.empty();
       D = llvm::sys::path::parent_path(D)) {
    llvm::SmallString<256> Git(D);
    llvm::sys::path::append(Git, ".git");
    if (llvm::sys::fs::exists(Git))
      return D.str();
    if (llvm::sys::path::parent_path(D) == D)
      break;
  }
  return std::string(Dir);
}

std::string underRoot(llvm::StringRef File, llvm::StringRef Root) {
  if (llvm::sys::path::is_absolute(File) || Root.empty())
    return File.str();
  llvm::SmallString<256> Abs(Root);
  llvm::sys::path::append(Abs, File);
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
