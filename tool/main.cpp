//===--- main.cpp - the loadcheck command-line driver ---------------------===//
//
// Parses the command line and dispatches: `loadcheck merge`, a worker
// process (hidden --internal-worker), --explain, --list-checks, or an
// analysis run (Pipeline.h).
//
//===----------------------------------------------------------------------===//
#include "checks/CheckRegistry.h"
#include "tool/ExitCodes.h"
#include "tool/Paths.h"
#include "tool/Pipeline.h"
#include "tool/front/Config.h"
#include "tool/front/Explain.h"
#include "tool/front/Options.h"
#include "tool/front/Profile.h"
#include "tool/results/Merge.h"
#include "tool/run/Analyzer.h"
#include "tool/run/Worker.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"
#include <fmt/core.h>

// Keep the statically linked modules' registrations (clang-tidy's anchors).
namespace clang::tidy {
extern volatile int BugproneModuleAnchorSource;
extern volatile int ConcurrencyModuleAnchorSource;
extern volatile int PerformanceModuleAnchorSource;
[[maybe_unused]] static int LinkedModuleAnchors[] = {
    BugproneModuleAnchorSource, ConcurrencyModuleAnchorSource,
    PerformanceModuleAnchorSource, loadcheck::LoadcheckModuleAnchorSource};
} // namespace clang::tidy

using namespace loadcheck;

static void error(llvm::StringRef Message) {
  fmt::print(stderr, "loadcheck: error: {}\n", Message.str());
}

static int listChecks(const DriverOptions &Opts) {
  // The configuration that applies is that of the current directory.
  std::vector<std::string> Warnings;
  std::vector<std::string> Errors =
      validateConfiguration(Opts, {currentDirectoryProbe()}, Warnings);
  for (const std::string &E : Errors)
    error(E);
  if (!Errors.empty())
    return UsageError;
  llvm::outs() << "Enabled checks:\n";
  for (const std::string &Name : enabledChecks(Opts, "")) {
    const CheckInfo *Info = findCheck(Name);
    llvm::outs() << "    " << Name << "  [" << sectionOf(Name)
                 << (Info && Info->OffersFix ? ", fix-it" : "") << "]"
                 << (Info ? "  (" + Info->languagesText().str() + ")" : "")
                 << "\n";
  }
  return Clean;
}

static int explain(const DriverOptions &Opts, const std::string &Executable) {
  std::string Error;
  if (!explainCheck(llvm::outs(), *Opts.Explain, Executable, Error)) {
    error(Error);
    return UsageError;
  }
  return Clean;
}

int main(int Argc, const char **Argv) {
  llvm::InitLLVM Init(Argc, Argv);
  if (Argc > 1 && llvm::StringRef(Argv[1]) == "merge")
    return runMerge(Argc - 1, Argv + 1);
  int ExitNow = Clean;
  std::optional<DriverOptions> Opts = parseCommandLine(Argc, Argv, ExitNow);
  if (!Opts)
    return ExitNow;
  for (const std::string *Path :
       {&Opts->Output, &Opts->ExportFixes, &Opts->WriteBaseline})
    if (Opts->WorkerFile.empty() && !Path->empty())
      createParentDirectories(*Path);
  std::string Executable =
      llvm::sys::fs::getMainExecutable(Argv[0], (void *)&error);

  if (!Opts->WorkerFile.empty())
    return runWorker(Opts->WorkerFile, Opts->WorkerOutput, *Opts);
  if (Opts->Explain)
    return explain(*Opts, Executable);
  if (Opts->DumpConfig)
    return dumpConfiguration(*Opts);
  if (Opts->VerifyConfig)
    return verifyConfiguration(*Opts);
  if (Opts->ListChecks)
    return listChecks(*Opts);
  return runAnalysis(*Opts, Executable);
}
