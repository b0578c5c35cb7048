#include "tool/front/Preflight.h"
#include "tool/Paths.h"
#include "tool/results/Baseline.h"

#include "llvm/Support/FileSystem.h"
#include <fmt/core.h>
#include <unistd.h>

namespace fs = llvm::sys::fs;

namespace loadcheck {

namespace {

/// "" when \p Path can be created or overwritten, else why not. Leaves an
/// existing file as it is and removes the probe file it had to create.
std::string checkWritable(const std::string &Path) {
  if (fs::is_directory(Path))
    return fmt::format("cannot write '{}': it is a directory", Path);
  createParentDirectories(Path);
  bool Existed = fs::exists(Path);
  int FD = -1;
  if (std::error_code EC =
          fs::openFileForWrite(Path, FD, fs::CD_OpenAlways, fs::OF_Append))
    return fmt::format("cannot write '{}': {}", Path, EC.message());
  ::close(FD);
  if (!Existed)
    bestEffort(fs::remove(Path));
  return "";
}

} // namespace

std::vector<std::string> preflightErrors(const DriverOptions &Opts) {
  std::vector<std::string> Errors;
  std::vector<std::string> Written = {Opts.Output, Opts.ExportFixes,
                                      Opts.WriteBaseline};
  for (const ReportRequest &R : Opts.Reports)
    Written.push_back(R.File);
  for (const std::string &Path : Written)
    if (!Path.empty())
      if (std::string E = checkWritable(Path); !E.empty())
        Errors.push_back(E);
  if (!Opts.Baseline.empty()) {
    Baseline Known;
    if (std::string E = readBaseline(Opts.Baseline, Known); !E.empty())
      Errors.push_back(E);
  }
  return Errors;
}

} // namespace loadcheck
