#include "tool/run/Analyzer.h"
#include "tool/Paths.h"
#include "tool/front/Config.h"
#include "tool/front/SourceFiles.h"
#include "tool/run/TidyRunner.h"

#include "checks/utils/LlvmCompat.h"
#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/VirtualFileSystem.h"
#include <fmt/core.h>

using namespace clang::tidy;

namespace loadcheck {

namespace {

Finding toFinding(const ClangTidyError &Error, SourceFiles &Lines) {
  Finding F;
  F.Check = Error.DiagnosticName;
  F.Level = Error.DiagLevel == ClangTidyError::Error ? Severity::Error
                                                     : Severity::Warning;
  F.WarningAsError = Error.IsWarningAsError;
  F.Message = Error.Message.Message;
  if (!Error.Message.FilePath.empty())
    F.Where =
        Lines.locate(absolutePath(Error.Message.FilePath, Error.BuildDirectory),
                     Error.Message.FileOffset);
  F.End = F.Where;
  for (const auto &R : Error.Message.Ranges)
    if (!R.FilePath.empty() &&
        absolutePath(R.FilePath, Error.BuildDirectory) == F.Where.File &&
        R.FileOffset <= F.Where.Offset &&
        R.FileOffset + R.Length >= F.Where.Offset) {
      F.End = Lines.locate(F.Where.File, R.FileOffset + R.Length);
      break;
    }
  for (const auto &N : Error.Notes) {
    Note Out;
    Out.Message = N.Message;
    if (!N.FilePath.empty())
      Out.Where = Lines.locate(absolutePath(N.FilePath, Error.BuildDirectory),
                               N.FileOffset);
    F.Notes.push_back(std::move(Out));
  }
  for (const auto &[File, Replacements] : Error.Message.Fix)
    for (const auto &R : Replacements)
      F.Fixes.push_back({absolutePath(R.getFilePath(), Error.BuildDirectory),
                         R.getOffset(), R.getLength(),
                         R.getReplacementText().str()});
  return F;
}

/// The header filters of a file's configuration, applied as clang-tidy
/// applies them: a finding outside the main file is reported when its file
/// matches HeaderFilterRegex and not ExcludeHeaderFilterRegex (an empty
/// expression matches nothing). The checks run with every header reported,
/// so that the driver can count what these filters hide.
class HeaderFilters {
public:
  explicit HeaderFilters(const ClangTidyOptions &Options)
      : Include(Options.HeaderFilterRegex.value_or("")),
        Exclude(Options.ExcludeHeaderFilterRegex.value_or("")) {}
  bool hides(const ClangTidyError &Error, const Finding &F,
             const std::string &MainFile) const {
    if (F.isCompilerError() || Error.Message.FilePath.empty() ||
        llvm::sys::fs::equivalent(F.Where.File, MainFile))
      return false;
    llvm::StringRef Name = Error.Message.FilePath;
    return !(Include.isValid() && Include.match(Name)) ||
           (Exclude.isValid() && Exclude.match(Name));
  }

private:
  llvm::Regex Include, Exclude;
};

} // namespace

std::vector<std::string> enabledChecks(const DriverOptions &Opts,
                                       const std::string &File) {
  std::string Probe = File.empty() ? currentDirectoryProbe() : File;
  ClangTidyOptions Options = createOptionsProvider(Opts)->getOptions(Probe);
  return compat::enabledCheckNames(Options);
}

FileResult analyzeFile(const std::string &File,
                       const clang::tooling::CompilationDatabase &Database,
                       const DriverOptions &Opts) {
  FileResult Result;
  Result.File = File;
  {
    auto Readable = llvm::MemoryBuffer::getFile(File);
    if (!Readable) {
      Result.Failure = fmt::format("cannot read '{}': {}", File,
                                   Readable.getError().message());
      return Result;
    }
  }

  // ClangTool aborts the process when it cannot enter the directory of a
  // compile command: say it as an error for this file instead.
  for (const clang::tooling::CompileCommand &Command :
       Database.getCompileCommands(File))
    if (!llvm::sys::fs::is_directory(Command.Directory)) {
      Result.Failure = fmt::format(
          "cannot analyse '{}': the directory of its compile command, '{}', "
          "does not exist",
          File, Command.Directory);
      return Result;
    }

  const HeaderFilters Filters(createOptionsProvider(Opts)->getOptions(File));
  ClangTidyContext Context(
      createOptionsProvider(Opts, /*ReportAllHeaders=*/true));
  FileDigests Read;
  FunctionIndex Functions;
  std::vector<ClangTidyError> Errors = runChecksOnFile(
      Context, Database, File, &Read, &Result.Facts, &Functions);

  SourceFiles Lines;
  unsigned CompilerErrors = 0;
  for (const ClangTidyError &Error : Errors) {
    Finding F = toFinding(Error, Lines);
    if (Filters.hides(Error, F, File)) {
      Result.HiddenInHeaders.push_back(std::move(F));
      continue;
    }
    if (F.isCompilerError())
      ++CompilerErrors;
    F.Function = Functions.enclosing(F.Where.File, F.Where.Offset);
    for (const Replacement &R : F.Fixes)
      if (auto It = Read.find(R.File); It != Read.end())
        Result.Analysed.insert(*It);
    Result.Findings.push_back(std::move(F));
  }
  if (CompilerErrors) {
    Result.Facts = nullptr; // a TU that does not compile has no facts
    Result.Failure = fmt::format(
        "'{}' could not be analysed: it does not compile ({} error{})", File,
        CompilerErrors, CompilerErrors == 1 ? "" : "s");
  }
  return Result;
}

} // namespace loadcheck
