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
  std::vector<std::string> Dirs;
  if (auto Env = llvm::sys::Process::GetEnv("LOADCHECK_DOCS_DIR"))
    Dirs.push_back(*Env);
  llvm::SmallString<256> Installed(path::parent_path(Executable));
  path::append(Installed, "..", "share", "doc");
  path::append(Installed, "loadcheck", "checks");
  Dirs.push_back(std::string(Installed));
  Dirs.push_back(LOADCHECK_SOURCE_DIR "/docs/checks");
  for (const std::string &Dir : Dirs) {
    llvm::SmallString<256> Page(Dir);
    path::append(Page, Check + ".md");
    if (auto Buffer = llvm::MemoryBuffer::getFile(Page)) {
      OS << (*Buffer)->getBuffer();
      if (!(*Buffer)->getBuffer().ends_with("\n"))
        OS << "\n";
      return true;
    }
  }
  Error = fmt::format("no documentation page for '{}' (looked in {}); see {}",
                      Check, fmt::join(Dirs, ", "), helpUri(Check));
  return false;
}

} // namespace loadcheck
