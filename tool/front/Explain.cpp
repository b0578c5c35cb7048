#include "tool/front/Explain.h"
#include "tool/front/Config.h"
#include "tool/front/Profile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include <fmt/core.h>
#include <fmt/ranges.h>

namespace path = llvm::sys::path;

namespace loadcheck {

std::vector<std::string> checkPageDirs(const std::string &Executable) {
  std::vector<std::string> Dirs;
  if (auto Env = llvm::sys::Process::GetEnv("LOADCHECK_DOCS_DIR"))
    Dirs.push_back(*Env);
  // Installed: <prefix>/bin/loadcheck reads <prefix>/share/loadcheck/docs
  // (cmake/Install.cmake); not share/doc, which container images often drop.
  llvm::SmallString<256> Installed(path::parent_path(Executable));
  path::append(Installed, "..", "share", "loadcheck");
  path::append(Installed, "docs", "checks");
  path::remove_dots(Installed, /*remove_dot_dot=*/true);
  Dirs.push_back(std::string(Installed));
  // The build tree: the source checkout it was built from.
  Dirs.push_back(LOADCHECK_SOURCE_DIR "/docs/checks");
  return Dirs;
}

std::optional<std::string> checkPage(const std::string &Check,
                                     const std::string &Executable) {
  for (const std::string &Dir : checkPageDirs(Executable)) {
    llvm::SmallString<256> Page(Dir);
    path::append(Page, Check + ".md");
    if (auto Buffer = llvm::MemoryBuffer::getFile(Page))
      return (*Buffer)->getBuffer().str();
  }
  return std::nullopt;
}

bool explainCheck(llvm::raw_ostream &OS, const std::string &Check,
                  const std::string &Executable, std::string &Error) {
  std::vector<std::string> Known = knownCheckNames();
  if (!llvm::is_contained(Known, Check)) {
    Error = fmt::format("unknown check '{}' (see --list-checks)", Check);
    return false;
  }
  if (!llvm::StringRef(Check).starts_with("loadcheck-")) {
    std::string Summary = summaryOf(Check);
    OS << Check << " (upstream clang-tidy check, checklist section "
       << sectionOf(Check) << ")\n\n";
    if (!Summary.empty())
      OS << Summary << "\n\n";
    OS << "Documentation: " << helpUri(Check) << "\n";
    return true;
  }
  if (std::optional<std::string> Page = checkPage(Check, Executable)) {
    OS << *Page;
    if (!llvm::StringRef(*Page).ends_with("\n"))
      OS << "\n";
    return true;
  }
  Error = fmt::format("no documentation page for '{}' (looked in {}); see {}",
                      Check, fmt::join(checkPageDirs(Executable), ", "),
                      helpUri(Check));
  return false;
}

} // namespace loadcheck
