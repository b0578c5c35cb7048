#include "tool/front/Database.h"
#include "tool/Paths.h"

#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <algorithm>
#include <fmt/core.h>

using namespace clang::tooling;
namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace loadcheck {

/// Finds compile_commands.json from -p, else in ./build, else in `.`.
static std::string locateDatabase(const DriverOptions &Opts,
                                  std::string &Error) {
  if (!Opts.BuildPath.empty()) {
    std::string Candidate = Opts.BuildPath;
    if (fs::is_directory(Candidate))
      Candidate = (llvm::Twine(Candidate) + "/compile_commands.json").str();
    if (!fs::exists(Candidate)) {
      Error = fmt::format("no compilation database: '{}' does not exist",
                          Candidate);
      return "";
    }
    return Candidate;
  }
  for (const char *Dir : {"build", "."}) {
    std::string Candidate = std::string(Dir) + "/compile_commands.json";
    if (fs::exists(Candidate))
      return Candidate;
  }
  Error = "no compilation database: no compile_commands.json in ./build or "
          "'.'; pass -p <build-dir>, or compiler args after --";
  return "";
}

/// JSONCompilationDatabase, except that a relative "directory" is taken
/// relative to the database's own directory (clang-tidy would take it
/// relative to wherever it was started, and fail in another directory).
static std::unique_ptr<JSONCompilationDatabase>
loadDatabase(const std::string &Path, std::string &Error) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  if (!Buffer) {
    Error = Buffer.getError().message();
    return nullptr;
  }
  std::string Text = (*Buffer)->getBuffer().str();
  bool Utf8 = llvm::json::isUTF8(Text);
  if (!Utf8) // non-UTF-8 paths: only the syntax is checked here
    for (char &C : Text)
      if (static_cast<unsigned char>(C) >= 0x80)
        C = '_';
  llvm::Expected<llvm::json::Value> Parsed = llvm::json::parse(Text);
  if (!Parsed) {
    // Said here, in one line: clang's parser would print the offending
    // bytes to stderr.
    Error = "not valid JSON: " + llvm::toString(Parsed.takeError());
    return nullptr;
  }
  if (!Utf8) // clang's own (YAML) parser keeps the bytes of the paths
    return JSONCompilationDatabase::loadFromFile(
        Path, Error, JSONCommandLineSyntax::AutoDetect);
  llvm::json::Array *Entries = Parsed->getAsArray();
  bool Rewritten = false;
  std::string Base = absolutePath(path::parent_path(Path));
  for (size_t I = 0; Entries && I < Entries->size(); ++I) {
    llvm::json::Object *Command = (*Entries)[I].getAsObject();
    std::optional<llvm::StringRef> Directory =
        Command ? Command->getString("directory") : std::nullopt;
    if (Directory && path::is_relative(*Directory)) {
      (*Command)["directory"] = absolutePath(*Directory, Base);
      Rewritten = true;
    }
  }
  if (!Rewritten)
    return JSONCompilationDatabase::loadFromFile(
        Path, Error, JSONCommandLineSyntax::AutoDetect);
  return JSONCompilationDatabase::loadFromBuffer(
      llvm::formatv("{0}", llvm::json::Value(std::move(*Parsed))).str(), Error,
      JSONCommandLineSyntax::AutoDetect);
}

namespace {

/// A database's commands for a file, each distinct compilation once. Build
/// systems often list a file several times with the same command except its
/// object file (curl's CMake compiles each source for a static and a shared
/// target); analysing each copy would only repeat the same findings.
class DistinctCompilations : public CompilationDatabase {
public:
  explicit DistinctCompilations(std::unique_ptr<CompilationDatabase> Inner)
      : Inner(std::move(Inner)) {}

  std::vector<CompileCommand>
  getCompileCommands(llvm::StringRef File) const override {
    std::vector<CompileCommand> Distinct;
    for (CompileCommand &Command : Inner->getCompileCommands(File))
      if (llvm::none_of(Distinct, [&](const CompileCommand &Kept) {
            return sameCompilation(Kept, Command);
          }))
        Distinct.push_back(std::move(Command));
    return Distinct;
  }
  std::vector<std::string> getAllFiles() const override {
    return Inner->getAllFiles();
  }
  std::vector<CompileCommand> getAllCompileCommands() const override {
    return Inner->getAllCompileCommands();
  }

private:
  /// The command line without its `-o <object>`: what the compiler sees.
  static std::vector<llvm::StringRef>
  withoutOutput(const std::vector<std::string> &CommandLine) {
    std::vector<llvm::StringRef> Kept;
    for (size_t I = 0; I < CommandLine.size(); ++I) {
      if (CommandLine[I] == "-o") {
        ++I; // and its argument
        continue;
      }
      Kept.push_back(CommandLine[I]);
    }
    return Kept;
  }
  static bool sameCompilation(const CompileCommand &A,
                              const CompileCommand &B) {
    return A.Directory == B.Directory && A.Filename == B.Filename &&
           withoutOutput(A.CommandLine) == withoutOutput(B.CommandLine);
  }

  std::unique_ptr<CompilationDatabase> Inner;
};

} // namespace

/// Adds what every compile needs whatever the database says: clang 19's
/// builtin headers (the binary may live anywhere), and -Wno-error so that a
/// project's -Werror does not turn compiler warnings into analysis failures.
static std::unique_ptr<CompilationDatabase>
adjust(std::unique_ptr<CompilationDatabase> Database,
       const std::vector<std::string> &ExtraArgs) {
  auto Adjusted = std::make_unique<ArgumentsAdjustingCompilations>(
      std::make_unique<DistinctCompilations>(std::move(Database)));
  Adjusted->appendArgumentsAdjuster(
      [](const CommandLineArguments &Args, llvm::StringRef) {
        bool HasResourceDir = llvm::any_of(Args, [](llvm::StringRef A) {
          return A.starts_with("-resource-dir");
        });
        if (HasResourceDir || Args.empty())
          return Args;
        CommandLineArguments Result(Args);
        Result.insert(Result.begin() + 1,
                      "-resource-dir=" LOADCHECK_CLANG_RESOURCE_DIR);
        return Result;
      });
  CommandLineArguments Extra(ExtraArgs);
  Extra.push_back("-Wno-error");
  Adjusted->appendArgumentsAdjuster(
      getInsertArgumentAdjuster(Extra, ArgumentInsertPosition::END));
  return Adjusted;
}

std::unique_ptr<InputSet> loadInputs(const DriverOptions &Opts,
                                     std::string &Error) {
  auto Set = std::make_unique<InputSet>();
  std::unique_ptr<CompilationDatabase> Database;
  bool Fixed = Opts.HasCompilerArgs && Opts.BuildPath.empty();
  if (Fixed) {
    Database =
        std::make_unique<FixedCompilationDatabase>(".", Opts.CompilerArgs);
    Set->DatabaseSource = "the compiler args after --";
  } else {
    std::string DatabasePath = locateDatabase(Opts, Error);
    if (DatabasePath.empty())
      return nullptr;
    std::string LoadError;
    auto Json = loadDatabase(DatabasePath, LoadError);
    if (!Json) {
      Error = fmt::format("cannot load compilation database '{}': {}",
                          DatabasePath, LoadError);
      return nullptr;
    }
    if (Json->getAllFiles().empty()) {
      Error =
          fmt::format("compilation database '{}' has no entries", DatabasePath);
      return nullptr;
    }
    Database = std::move(Json);
    Set->DatabaseSource = DatabasePath;
  }

  std::vector<std::string> ExtraArgs = Opts.ExtraArgs;
  if (!Fixed && Opts.HasCompilerArgs) // -p and `--`: extra args for all files
    ExtraArgs.insert(ExtraArgs.end(), Opts.CompilerArgs.begin(),
                     Opts.CompilerArgs.end());

  std::vector<std::string> KnownFiles;
  if (!Fixed)
    for (const std::string &F : Database->getAllFiles())
      KnownFiles.push_back(absolutePath(F));

  std::vector<std::string> Inputs = Opts.Inputs;
  if (Inputs.empty()) {
    if (Fixed) {
      Error = "no input files: name the files to analyse before --";
      return nullptr;
    }
    Set->Files = KnownFiles; // the whole database
  }
  for (const std::string &Input : Inputs) {
    std::string Abs = absolutePath(Input);
    if (fs::is_directory(Abs)) {
      if (Fixed) {
        Set->InputErrors.push_back(fmt::format(
            "'{}' is a directory; analysing a directory needs a compilation "
            "database (-p)",
            Input));
        continue;
      }
      std::string Prefix = Abs == "/" ? Abs : Abs + "/";
      size_t Before = Set->Files.size();
      for (const std::string &F : KnownFiles)
        if (llvm::StringRef(F).starts_with(Prefix))
          Set->Files.push_back(F);
      if (Set->Files.size() == Before)
        Set->InputErrors.push_back(fmt::format(
            "no file of the compilation database '{}' is under '{}'",
            Set->DatabaseSource, Input));
      continue;
    }
    if (!Fixed && !llvm::is_contained(KnownFiles, Abs)) {
      Set->InputErrors.push_back(
          fs::exists(Abs)
              ? fmt::format("'{}' is not in the compilation database '{}'",
                            Input, Set->DatabaseSource)
              : fmt::format("'{}' does not exist", Input));
      continue;
    }
    Set->Files.push_back(Abs);
  }
  llvm::sort(Set->Files);
  Set->Files.erase(std::unique(Set->Files.begin(), Set->Files.end()),
                   Set->Files.end());
  Set->Database = adjust(std::move(Database), ExtraArgs);
  return Set;
}

} // namespace loadcheck
