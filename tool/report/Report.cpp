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

WriteOutcome writeReportFiles(const std::vector<ReportRequest> &Reports,
                              const std::string &Output, ColorMode Color,
                              ReportPrinter Print) {
  // Every file opened before any is written: one that cannot be opened
  // stops the run with nothing written.
  std::vector<std::unique_ptr<llvm::raw_fd_ostream>> Files;
  for (const ReportRequest &R : Reports) {
    std::string Path = R.File.empty() ? Output : R.File;
    if (Path.empty()) {
      Files.push_back(nullptr);
      continue;
    }
    std::error_code EC;
    Files.push_back(std::make_unique<llvm::raw_fd_ostream>(
        Path, EC, llvm::sys::fs::OF_Text));
    if (EC)
      return {fmt::format("cannot write '{}': {}", Path, EC.message()),
              /*NotOpened=*/true};
  }
  WriteOutcome Outcome;
  bool Terminal = llvm::sys::Process::StandardOutIsDisplayed();
  for (size_t I = 0; I < Reports.size(); ++I) {
    bool Text = Reports[I].Format == OutputFormat::Text;
    if (!Files[I]) {
      llvm::raw_string_ostream Stdout(Outcome.Stdout);
      Stdout.enable_colors(Text && useColor(Color, Terminal));
      Print(Stdout, Reports[I].Format);
      continue;
    }
    llvm::raw_fd_ostream &File = *Files[I];
    File.enable_colors(Text && useColor(Color, false));
    Print(File, Reports[I].Format);
    File.close();
    if (File.has_error() && Outcome.Error.empty())
      Outcome.Error =
          fmt::format("cannot write '{}': {}",
                      Reports[I].File.empty() ? Output : Reports[I].File,
                      File.error().message());
    File.clear_error();
  }
  return Outcome;
}

WriteOutcome writeReports(const DriverOptions &Opts,
                          const std::vector<Finding> &Findings,
                          const ReportContext &Context) {
  std::vector<ReportRequest> Reports = Opts.Reports;
  if (Reports.empty())
    Reports.push_back({OutputFormat::Text, ""});
  std::string Checklist;
  if (Opts.Checklist) {
    llvm::raw_string_ostream OS(Checklist);
    printChecklist(OS, Findings, Context);
    // The checklist replaces the text listing on stdout (collectInputs
    // refuses another format there).
    if (Opts.Output.empty())
      llvm::erase_if(Reports, [](const ReportRequest &R) {
        return R.File.empty() && R.Format == OutputFormat::Text;
      });
  }
  WriteOutcome Outcome =
      writeReportFiles(Reports, Opts.Output, Opts.Color,
                       [&](llvm::raw_ostream &OS, OutputFormat Format) {
                         printReport(OS, Format, Findings, Context);
                       });
  Outcome.Stdout.insert(0, Checklist);
  return Outcome;
}

void writeStdout(llvm::StringRef Text) {
  llvm::outs() << Text;
  llvm::outs().flush();
}

} // namespace loadcheck
