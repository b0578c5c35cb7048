#include "tool/Cache.h"
#include "tool/Config.h"
#include "tool/Paths.h"
#include "tool/TidyRunner.h"
#include "tool/Worker.h"

#include "clang-tidy/ClangTidyDiagnosticConsumer.h"
#include "clang-tidy/ClangTidyOptions.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Frontend/PreprocessorOutputOptions.h"
#include "clang/Frontend/Utils.h"
#include "clang/Lex/PreprocessorOptions.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/BLAKE3.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>

using namespace clang;
using namespace clang::tooling;
namespace fs = llvm::sys::fs;
namespace json = llvm::json;

namespace loadcheck {

namespace {

constexpr llvm::StringLiteral Magic = "loadcheck result cache";

/// A hash that cannot confuse ("ab","c") with ("a","bc"): every field is
/// preceded by its length.
class KeyHasher {
public:
  void field(llvm::StringRef Text) {
    uint64_t Size = Text.size();
    Hasher.update(llvm::ArrayRef<uint8_t>(
        reinterpret_cast<const uint8_t *>(&Size), sizeof(Size)));
    Hasher.update(Text);
  }
  llvm::BLAKE3 &raw() { return Hasher; }
  std::string hex() { return llvm::toHex(Hasher.final(), /*LowerCase=*/true); }

private:
  llvm::BLAKE3 Hasher;
};

/// Streams the preprocessor's output into the hash instead of memory: the
/// preprocessed text of a TU with heavy headers is megabytes.
class HashingStream : public llvm::raw_ostream {
public:
  explicit HashingStream(llvm::BLAKE3 &Hasher) : Hasher(Hasher) {}
  ~HashingStream() override { flush(); }

private:
  void write_impl(const char *Ptr, size_t Size) override {
    Hasher.update(llvm::StringRef(Ptr, Size));
    Written += Size;
  }
  uint64_t current_pos() const override { return Written; }

  llvm::BLAKE3 &Hasher;
  uint64_t Written = 0;
};

/// `-E -C -CC -dD` into the hash, then the path and bytes of every file the
/// preprocessor read. The preprocessed text alone is not enough: it
/// collapses runs of spaces, so an edit that moves a finding's column (and
/// the offsets of its fix-it) would not change it.
class KeyAction : public PreprocessorFrontendAction {
public:
  explicit KeyAction(KeyHasher &Key) : Key(Key) {}

private:
  void ExecuteAction() override {
    CompilerInstance &CI = getCompilerInstance();
    PreprocessorOutputOptions Out;
    Out.ShowCPP = true;
    Out.ShowComments = true;      // NOLINT comments count
    Out.ShowMacroComments = true; // including those in macro definitions
    Out.ShowMacros = true;        // and the definitions themselves
    Out.ShowLineMarkers = true;
    {
      HashingStream OS(Key.raw());
      DoPrintPreprocessedInput(CI.getPreprocessor(), &OS, Out);
    }
    SourceManager &SM = CI.getSourceManager();
    std::vector<std::pair<std::string, llvm::StringRef>> Files;
    for (auto It = SM.fileinfo_begin(); It != SM.fileinfo_end(); ++It)
      if (std::optional<llvm::StringRef> Data =
              It->second->getBufferDataIfLoaded())
        Files.emplace_back(It->first.getName().str(), *Data);
    llvm::sort(Files);
    for (const auto &[Name, Data] : Files) {
      Key.field(Name);
      Key.field(Data);
    }
  }

  KeyHasher &Key;
};

class KeyActionFactory : public FrontendActionFactory {
public:
  explicit KeyActionFactory(KeyHasher &Key) : Key(Key) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<KeyAction>(Key);
  }
  bool runInvocation(std::shared_ptr<CompilerInvocation> Invocation,
                     FileManager *Files,
                     std::shared_ptr<PCHContainerOperations> PCHContainerOps,
                     DiagnosticConsumer *DiagConsumer) override {
    // The same predefines as the analysis (TidyRunner.cpp).
    Invocation->getPreprocessorOpts().SetUpStaticAnalyzer = true;
    return FrontendActionFactory::runInvocation(
        std::move(Invocation), Files, std::move(PCHContainerOps), DiagConsumer);
  }

private:
  KeyHasher &Key;
};

/// Counts errors (ClangTool fails on them) and prints nothing.
class SilentConsumer : public DiagnosticConsumer {};

/// The executable's own bytes: a rebuilt loadcheck whose checks changed
/// must not reuse the results of the previous build, whatever its version.
std::string executableHash() {
  std::string Self = fs::getMainExecutable(nullptr, nullptr);
  auto Buffer = llvm::MemoryBuffer::getFile(Self, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!Buffer)
    return "unreadable:" + Self;
  return llvm::toHex(llvm::BLAKE3::hash<16>(
                         llvm::arrayRefFromStringRef((*Buffer)->getBuffer())),
                     /*LowerCase=*/true);
}

std::string payloadChecksum(llvm::StringRef Payload) {
  return llvm::toHex(
      llvm::BLAKE3::hash<16>(llvm::arrayRefFromStringRef(Payload)),
      /*LowerCase=*/true);
}

std::string writeFailure(llvm::StringRef Dir, const std::error_code &EC) {
  return fmt::format("cannot write to the cache directory '{}': {}; results "
                     "are not cached",
                     Dir.str(), EC.message());
}

/// Writes \p Data to \p Path through a temporary file in the same directory
/// and a rename, so a reader sees the old entry, no entry or the whole new
/// one. Returns a warning line, or "".
std::string writeAtomically(llvm::StringRef Dir, const std::string &Path,
                            llvm::StringRef Data) {
  if (std::error_code EC =
          fs::create_directories(llvm::sys::path::parent_path(Path)))
    return writeFailure(Dir, EC);
  llvm::SmallString<256> Temp;
  int FD = -1;
  if (std::error_code EC =
          fs::createUniqueFile(Path + ".tmp-%%%%%%%%", FD, Temp))
    return writeFailure(Dir, EC);
  {
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << Data;
    OS.close();
    if (OS.has_error()) {
      std::error_code EC = OS.error();
      OS.clear_error();
      bestEffort(fs::remove(Temp));
      return writeFailure(Dir, EC);
    }
  }
  if (std::error_code EC = fs::rename(Temp, Path)) {
    bestEffort(fs::remove(Temp));
    return writeFailure(Dir, EC);
  }
  return "";
}

} // namespace

std::optional<std::string> computeCacheKey(const std::string &File,
                                           const CompilationDatabase &Database,
                                           const DriverOptions &Opts) {
  KeyHasher Key;
  Key.field(fmt::format("loadcheck cache key v{}", CacheFormatVersion));
  Key.field(LOADCHECK_VERSION);
  Key.field(LLVM_VERSION_STRING);
  Key.field(executableHash());
  Key.field(File);

  // The effective configuration, as clang-tidy computes it for this file.
  clang::tidy::ClangTidyContext Context(createOptionsProvider(Opts));
  clang::tidy::ClangTidyOptions Options = Context.getOptionsForFile(File);
  Options.User.reset(); // read by no linked check; differs between machines
  Key.field(clang::tidy::configurationAsText(Options));

  for (const CompileCommand &Command : Database.getCompileCommands(File))
    Key.field(Command.Directory);
  // The command line exactly as the analysis gets it: the same adjusters,
  // the last one records the result.
  ClangTool Tool(Database, {File});
  Tool.setPrintErrorMessage(false);
  Tool.appendArgumentsAdjuster(configExtraArgs(Context));
  Tool.appendArgumentsAdjuster(getStripPluginsAdjuster());
  Tool.appendArgumentsAdjuster(
      [&Key](const CommandLineArguments &Args, llvm::StringRef) {
        for (const std::string &Arg : Args)
          Key.field(Arg);
        return Args;
      });
  SilentConsumer Silent;
  Tool.setDiagnosticConsumer(&Silent);
  KeyActionFactory Factory(Key);
  if (Tool.run(&Factory) != 0)
    return std::nullopt;
  return Key.hex();
}

std::string encodeCacheEntry(llvm::StringRef Key, const FileResult &Result) {
  FileResult Stored = Result;
  Stored.Cache = FileResult::CacheStatus::Off;
  Stored.CacheWarnings.clear();
  std::string Payload;
  llvm::raw_string_ostream(Payload) << resultToJSON(Stored);
  return fmt::format("{} {}\nkey {}\npayload {} {}\n{}", Magic.str(),
                     CacheFormatVersion, Key.str(), Payload.size(),
                     payloadChecksum(Payload), Payload);
}

bool decodeCacheEntry(llvm::StringRef Data, llvm::StringRef Key,
                      FileResult &Result, std::string &Reason) {
  auto Line = [&Data]() {
    auto [Head, Rest] = Data.split('\n');
    Data = Rest;
    return Head;
  };
  llvm::StringRef Header = Line();
  if (!Header.consume_front(Magic) || !Header.consume_front(" ")) {
    Reason = "not a loadcheck cache entry";
    return false;
  }
  unsigned Version = 0;
  if (Header.getAsInteger(10, Version) || Version != CacheFormatVersion) {
    Reason = fmt::format("format version '{}', expected {}", Header.str(),
                         CacheFormatVersion);
    return false;
  }
  llvm::StringRef KeyLine = Line();
  if (!KeyLine.consume_front("key ") || KeyLine != Key) {
    Reason = "entry of another key";
    return false;
  }
  llvm::StringRef PayloadLine = Line();
  auto [SizeText, Checksum] =
      PayloadLine.drop_front(std::min<size_t>(8, PayloadLine.size()))
          .split(' ');
  size_t Size = 0;
  if (!PayloadLine.starts_with("payload ") || SizeText.getAsInteger(10, Size)) {
    Reason = "truncated header";
    return false;
  }
  if (Data.size() != Size) {
    Reason = fmt::format("truncated or padded payload ({} bytes, header says "
                         "{})",
                         Data.size(), Size);
    return false;
  }
  if (payloadChecksum(Data) != Checksum) {
    Reason = "checksum mismatch";
    return false;
  }
  auto Value = json::parse(Data);
  if (!Value) {
    llvm::consumeError(Value.takeError());
    Reason = "payload is not JSON";
    return false;
  }
  FileResult Decoded;
  if (!resultFromJSON(*Value, Decoded)) {
    Reason = "payload is not a result";
    return false;
  }
  Result = std::move(Decoded);
  return true;
}

std::string cacheEntryPath(llvm::StringRef Dir, llvm::StringRef Key) {
  llvm::SmallString<256> Path(Dir);
  llvm::sys::path::append(Path, Key.take_front(2), Key.drop_front(2));
  return std::string(Path) + ".entry";
}

FileResult analyzeFileCached(const std::string &File,
                             const CompilationDatabase &Database,
                             const DriverOptions &Opts) {
  std::optional<std::string> Key = computeCacheKey(File, Database, Opts);
  std::string Dir = absolutePath(Opts.CacheDir);
  std::vector<std::string> Warnings;
  if (Key) {
    std::string Path = cacheEntryPath(Dir, *Key);
    if (auto Buffer = llvm::MemoryBuffer::getFile(
            Path, /*IsText=*/false, /*RequiresNullTerminator=*/false)) {
      FileResult Cached;
      std::string Reason;
      if (decodeCacheEntry((*Buffer)->getBuffer(), *Key, Cached, Reason) &&
          Cached.File == File) {
        // A hit refreshes the entry's time, so pruning by age keeps what
        // is in use. A read-only cache simply keeps the old time.
        [[maybe_unused]] int Touched =
            ::utimensat(AT_FDCWD, Path.c_str(), nullptr, 0);
        Cached.Cache = FileResult::CacheStatus::Hit;
        return Cached;
      }
      if (Reason.empty())
        Reason = "entry of another file";
      Warnings.push_back(fmt::format(
          "ignoring corrupt cache entry '{}' ({}); '{}' is analysed again",
          Path, Reason, File));
    }
  }

  FileResult Result = analyzeFile(File, Database, Opts);
  Result.Cache = FileResult::CacheStatus::Miss;
  // Files that do not compile are not stored: the error may be transient
  // (a generated header not yet written) and is cheap to find again.
  if (Key && Result.Failure.empty()) {
    std::string Warning = writeAtomically(Dir, cacheEntryPath(Dir, *Key),
                                          encodeCacheEntry(*Key, Result));
    if (!Warning.empty())
      Warnings.push_back(Warning);
  }
  Result.CacheWarnings = std::move(Warnings);
  return Result;
}

} // namespace loadcheck
