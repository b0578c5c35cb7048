#include "tool/Analyzer.h"
#include "tool/Config.h"
#include "tool/Paths.h"
#include "tool/TidyRunner.h"

#include "clang-tidy/ClangTidy.h"
#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"
#include <fmt/core.h>
#include <map>

using namespace clang::tidy;

namespace loadcheck {

namespace {

/// Turns byte offsets into lines and columns, reading each file once.
class LineTable {
public:
  Location locate(const std::string &File, unsigned Offset) {
    Location L;
    L.File = File;
    L.Offset = Offset;
    const std::vector<unsigned> &Starts = lineStarts(File);
    auto It = std::upper_bound(Starts.begin(), Starts.end(), Offset);
    unsigned LineIndex = It == Starts.begin() ? 0 : (It - Starts.begin()) - 1;
    L.Line = LineIndex + 1;
    L.Column = Offset - (Starts.empty() ? 0 : Starts[LineIndex]) + 1;
    return L;
  }

private:
  const std::vector<unsigned> &lineStarts(const std::string &File) {
    auto [It, Inserted] = Cache.try_emplace(File);
    if (Inserted) {
      It->second.push_back(0);
      if (auto Buffer = llvm::MemoryBuffer::getFile(File)) {
        llvm::StringRef Text = (*Buffer)->getBuffer();
        for (size_t I = 0; I < Text.size(); ++I)
          if (Text[I] == '\n')
            It->second.push_back(I + 1);
      }
    }
    return It->second;
  }
  std::map<std::string, std::vector<unsigned>> Cache;
};

Finding toFinding(const ClangTidyError &Error, LineTable &Lines) {
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

} // namespace

std::vector<std::string> enabledChecks(const DriverOptions &Opts,
                                       const std::string &File) {
  std::string Probe = File.empty() ? currentDirectoryProbe() : File;
  ClangTidyOptions Options = createOptionsProvider(Opts)->getOptions(Probe);
  return getCheckNames(Options, /*AllowEnablingAnalyzerAlphaCheckers=*/false);
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

  ClangTidyContext Context(createOptionsProvider(Opts));
  std::vector<ClangTidyError> Errors = runChecksOnFile(Context, Database, File);

  LineTable Lines;
  unsigned CompilerErrors = 0;
  for (const ClangTidyError &Error : Errors) {
    Finding F = toFinding(Error, Lines);
    if (F.isCompilerError())
      ++CompilerErrors;
    Result.Findings.push_back(std::move(F));
  }
  if (CompilerErrors)
    Result.Failure = fmt::format(
        "'{}' could not be analysed: it does not compile ({} error{})", File,
        CompilerErrors, CompilerErrors == 1 ? "" : "s");
  return Result;
}

} // namespace loadcheck
