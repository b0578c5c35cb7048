#include "tool/report/Report.h"
#include "tool/report/TextReporter.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Process.h"
#include <fmt/core.h>
#include <memory>
#include <optional>

namespace loadcheck {

namespace {

/// --color=always/never decide; with auto, NO_COLOR (https://no-color.org)
/// turns colour off, else colour goes to a terminal only.
bool useColor(ColorMode Mode, bool ToTerminal) {
  if (Mode != ColorMode::Auto)
    return Mode == ColorMode::Always;
  std::optional<std::string> NoColor = llvm::sys::Process::GetEnv("NO_COLOR");
  if (NoColor && !NoColor->empty())
    return false;
  return ToTerminal;
}

} // namespace

void printReport(llvm::raw_ostream &OS, OutputFormat Format,
                 const std::vector<Finding> &Findings,
                 const ReportContext &Context) {
  switch (Format) {
  case OutputFormat::Text:
    printText(OS, Findings);
    break;
  case OutputFormat::Json:
    printJson(OS, Findings, Context);
    break;
  case OutputFormat::Sarif:
    printSarif(OS, Findings, Context);
    break;
  case OutputFormat::Github:
    printGithub(OS, Findings, Context);
    break;
  case OutputFormat::Gitlab:
    printGitlab(OS, Findings, Context);
    break;
  }
}

WriteOutcome writeReports(const DriverOptions &Opts,
                          const std::vector<Finding> &Findings,
                          const ReportContext &Context) {
  std::unique_ptr<llvm::raw_fd_ostream> File;
  if (!Opts.Output.empty()) {
    std::error_code EC;
    File = std::make_unique<llvm::raw_fd_ostream>(Opts.Output, EC,
                                                  llvm::sys::fs::OF_Text);
    if (EC)
      return {fmt::format("cannot write '{}': {}", Opts.Output, EC.message()),
              /*NotOpened=*/true};
  }
  bool Terminal = llvm::sys::Process::StandardOutIsDisplayed();
  if (Opts.Checklist) {
    llvm::outs().enable_colors(false);
    printChecklist(llvm::outs(), Findings, Context);
  }
  if (File) {
    File->enable_colors(Opts.Format == OutputFormat::Text &&
                        useColor(Opts.Color, false));
    printReport(*File, Opts.Format, Findings, Context);
  } else if (!Opts.Checklist) {
    llvm::outs().enable_colors(Opts.Format == OutputFormat::Text &&
                               useColor(Opts.Color, Terminal));
    printReport(llvm::outs(), Opts.Format, Findings, Context);
  }
  llvm::outs().flush();
  if (File) {
    File->close();
    if (File->has_error()) {
      std::string Error = fmt::format("cannot write '{}': {}", Opts.Output,
                                      File->error().message());
      File->clear_error();
      return {Error};
    }
  }
  return {};
}

} // namespace loadcheck
