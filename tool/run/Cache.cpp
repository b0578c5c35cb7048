#include "tool/run/Cache.h"
#include "tool/Paths.h"
#include "tool/front/Config.h"
#include "tool/link/LinkStage.h"
#include "tool/run/ResultCodec.h"
#include "tool/run/TidyRunner.h"

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
#include "llvm/Support/VirtualFileSystem.h"
#include "llvm/Support/raw_ostream.h"
#include <fcntl.h>
#include <fmt/core.h>
#include <functional>
#include <set>
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

/// `-E -C -dD` into the hash, then the path and bytes of every file the
/// preprocessor read. The preprocessed text alone is not enough: it
/// collapses runs of spaces, so an edit that moves a finding's column (and
/// the offsets of its fix-it) would not change it.
/// BLAKE3-128 of a file's bytes, in hex.
std::string contentHash(llvm::StringRef Data) {
  return llvm::toHex(llvm::BLAKE3::hash<16>(llvm::arrayRefFromStringRef(Data)),
                     /*LowerCase=*/true);
}

class KeyAction : public PreprocessorFrontendAction {
public:
  KeyAction(KeyHasher &Key, std::vector<CacheManifest::ReadFile> &Read)
      : Key(Key), Read(Read) {}

private:
  void ExecuteAction() override {
    CompilerInstance &CI = getCompilerInstance();
    PreprocessorOutputOptions Out;
    Out.ShowCPP = true;
    Out.ShowComments = true; // NOLINT comments count
    // Not ShowMacroComments (-CC): it keeps comments inside macro expansions,
    // which breaks computed includes such as Boost.MPL's
    // `#include BOOST_PP_STRINGIZE(.../apply_wrap.hpp /**/)` (the key's run
    // then fails and the TU is never cached). A comment in a macro
    // definition still counts: the bytes of every file read are in the key.
    Out.ShowMacros = true; // and the definitions themselves
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
      // For the manifest: absolute (the worker's directory is not the
      // compile directory), with the content's hash.
      llvm::SmallString<256> Absolute(Name);
      CI.getFileManager().makeAbsolutePath(Absolute);
      Read.push_back({std::string(Absolute), Data.size(), contentHash(Data)});
    }
  }

  KeyHasher &Key;
  std::vector<CacheManifest::ReadFile> &Read;
};

/// The real file system, recording while the key's preprocessor runs every
/// path it looked for and did not find: the include directories searched
/// before the one that held a header, __has_include misses. A manifest
/// lists them, so a header that appears earlier on the include path
/// (shadowing the one read) invalidates it.
///
/// Its working directory is its own: ClangTool enters each command's
/// directory through the file system, and the real one would change the
/// process's, which threads computing keys side by side (changed lines) then
/// restore to one another's, leaving relative paths of the command line
/// (`-p build`, `-o report.json`) to resolve in the build directory.
class AbsenceRecorder : public llvm::vfs::ProxyFileSystem {
public:
  AbsenceRecorder()
      : ProxyFileSystem(llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem>(
            llvm::vfs::createPhysicalFileSystem())) {}
  bool Recording = false;
  std::set<std::string> Absent; ///< absolute paths

  llvm::ErrorOr<llvm::vfs::Status> status(const llvm::Twine &Path) override {
    return noted(Path, ProxyFileSystem::status(Path));
  }
  llvm::ErrorOr<std::unique_ptr<llvm::vfs::File>>
  openFileForRead(const llvm::Twine &Path) override {
    return noted(Path, ProxyFileSystem::openFileForRead(Path));
  }
  bool exists(const llvm::Twine &Path) override {
    return static_cast<bool>(status(Path));
  }

private:
  template <typename T>
  llvm::ErrorOr<T> noted(const llvm::Twine &Path, llvm::ErrorOr<T> Result) {
    if (Recording && !Result &&
        Result.getError() == std::errc::no_such_file_or_directory) {
      llvm::SmallString<256> Absolute;
      Path.toVector(Absolute);
      if (!makeAbsolute(Absolute)) {
        llvm::sys::path::remove_dots(Absolute, /*remove_dot_dot=*/false);
        Absent.insert(std::string(Absolute));
      }
    }
    return Result;
  }
};

/// What one key computation found.
struct KeyLookup {
  std::optional<std::string> Key; ///< of the result entry
  bool Direct = false;            ///< Key came from a still-valid manifest
  std::string ManifestKey;        ///< "" when direct mode does not apply
  std::vector<CacheManifest::ReadFile> Read; ///< when preprocessed
  std::vector<std::string> Absent;           ///< when preprocessed
  /// The still-valid manifest Key came from (Direct).
  std::optional<CacheManifest> Manifest;
};

/// Runs after the driver built the invocation: first the direct lookup
/// (manifest), then, if that fails, the preprocessor into the full key.
class KeyActionFactory : public FrontendActionFactory {
public:
  KeyActionFactory(KeyHasher &Key, KeyLookup &Out,
                   std::function<bool(const CompilerInvocation &)> DirectLookup,
                   AbsenceRecorder &Recorder)
      : Key(Key), Out(Out), DirectLookup(std::move(DirectLookup)),
        Recorder(Recorder) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<KeyAction>(Key, Out.Read);
  }
  bool runInvocation(std::shared_ptr<CompilerInvocation> Invocation,
                     FileManager *Files,
                     std::shared_ptr<PCHContainerOperations> PCHContainerOps,
                     DiagnosticConsumer *DiagConsumer) override {
    if (DirectLookup && DirectLookup(*Invocation))
      return true; // no preprocessing
    // The same predefines as the analysis (TidyRunner.cpp).
    Invocation->getPreprocessorOpts().SetUpStaticAnalyzer = true;
    Recorder.Recording = true;
    bool Ok = FrontendActionFactory::runInvocation(
        std::move(Invocation), Files, std::move(PCHContainerOps), DiagConsumer);
    Recorder.Recording = false;
    return Ok;
  }

private:
  KeyHasher &Key;
  KeyLookup &Out;
  std::function<bool(const CompilerInvocation &)> DirectLookup;
  AbsenceRecorder &Recorder;
};

/// Counts errors (ClangTool fails on them) and prints nothing.
class SilentConsumer : public DiagnosticConsumer {};

std::string payloadChecksum(llvm::StringRef Payload) {
  return contentHash(Payload);
}

constexpr llvm::StringLiteral ManifestMagic = "loadcheck cache manifest";

/// "<magic> <version>\nkey <key>\npayload <size> <checksum>\n<payload>":
/// the frame of entries and manifests.
std::string encodeFramed(llvm::StringRef FrameMagic, llvm::StringRef Key,
                         llvm::StringRef Payload) {
  return fmt::format("{} {}\nkey {}\npayload {} {}\n{}", FrameMagic.str(),
                     CacheFormatVersion, Key.str(), Payload.size(),
                     payloadChecksum(Payload), Payload.str());
}

/// The payload of a frame written by encodeFramed for \p Key, or false and
/// a short reason.
bool decodeFramed(llvm::StringRef FrameMagic, llvm::StringRef What,
                  llvm::StringRef Data, llvm::StringRef Key,
                  llvm::StringRef &Payload, std::string &Reason) {
  auto Line = [&Data]() {
    auto [Head, Rest] = Data.split('\n');
    Data = Rest;
    return Head;
  };
  llvm::StringRef Header = Line();
  if (!Header.consume_front(FrameMagic) || !Header.consume_front(" ")) {
    Reason = fmt::format("not a loadcheck cache {}", What.str());
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
    Reason = fmt::format("{} of another key", What.str());
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
  Payload = Data;
  return true;
}

/// True when every file the manifest lists still has the recorded size and
/// content: then the preprocessor would read exactly what it read when the
/// manifest was written (see the shadowing limit in Cache.h).
bool filesUnchanged(const CacheManifest &Manifest) {
  // Cheapest first: sizes, then absences, then contents.
  for (const CacheManifest::ReadFile &F : Manifest.Files) {
    uint64_t Size = 0;
    if (fs::file_size(F.Path, Size) || Size != F.Size)
      return false;
  }
  for (const std::string &Path : Manifest.Absent)
    if (fs::exists(Path))
      return false;
  for (const CacheManifest::ReadFile &F : Manifest.Files) {
    auto Buffer = llvm::MemoryBuffer::getFile(F.Path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!Buffer || contentHash((*Buffer)->getBuffer()) != F.Hash)
      return false;
  }
  return true;
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

std::string cacheExecutableHash() {
  // The executable's own bytes, not its size and time: a rebuilt loadcheck
  // whose checks changed must not reuse old results, and a CI job that
  // rebuilds the same sources (new time, new inode) must still hit.
  std::string Self = fs::getMainExecutable(nullptr, nullptr);
  auto Buffer = llvm::MemoryBuffer::getFile(Self, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!Buffer)
    return "unreadable:" + Self;
  return contentHash((*Buffer)->getBuffer());
}

namespace {

/// Computes the result key of \p File. With a non-empty \p Dir, a manifest
/// under the manifest key is tried first (direct mode); a corrupt one adds
/// a warning.
KeyLookup lookupKey(const std::string &File,
                    const CompilationDatabase &Database,
                    const DriverOptions &Opts, const std::string &Dir,
                    std::vector<std::string> &Warnings) {
  // The fields every key starts with.
  std::vector<std::string> Prefix = {
      fmt::format("loadcheck cache key v{}", CacheFormatVersion),
      LOADCHECK_VERSION, LLVM_VERSION_STRING,
      Opts.ExecutableHash.empty() ? cacheExecutableHash() : Opts.ExecutableHash,
      File};
  // The effective configuration, as clang-tidy computes it for this file.
  clang::tidy::ClangTidyContext Context(createOptionsProvider(Opts));
  clang::tidy::ClangTidyOptions Options = Context.getOptionsForFile(File);
  Options.User.reset(); // read by no linked check; differs between machines
  Prefix.push_back(clang::tidy::configurationAsText(Options));
  std::vector<CompileCommand> Commands = Database.getCompileCommands(File);
  for (const CompileCommand &Command : Commands)
    Prefix.push_back(Command.Directory);

  KeyHasher Key;
  for (const std::string &Field : Prefix)
    Key.field(Field);
  KeyLookup Out;
  std::vector<std::string> CommandLine;

  // Direct mode: the manifest key holds what the result key holds except
  // the preprocessor's work, replaced by the main file's bytes; the
  // manifest lists every other file read. One compile command only.
  std::function<bool(const CompilerInvocation &)> Direct;
  if (!Dir.empty() && Commands.size() == 1)
    Direct = [&](const CompilerInvocation &Invocation) {
      auto Main = llvm::MemoryBuffer::getFile(File, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
      if (!Main)
        return false;
      KeyHasher Manifest;
      Manifest.field("manifest");
      for (const std::string &Field : Prefix)
        Manifest.field(Field);
      for (const std::string &Arg : CommandLine)
        Manifest.field(Arg);
      // What the clang driver made of it: the system include directories
      // it found (a newly installed GCC), CPATH & co. The preprocessed key
      // sees their effect through the files read; a manifest would not.
      for (const std::string &Arg : Invocation.getCC1CommandLine())
        Manifest.field(Arg);
      Manifest.field((*Main)->getBuffer());
      Out.ManifestKey = Manifest.hex();
      std::string Path = cacheManifestPath(Dir, Out.ManifestKey);
      auto Buffer = llvm::MemoryBuffer::getFile(
          Path, /*IsText=*/false, /*RequiresNullTerminator=*/false);
      if (!Buffer)
        return false;
      CacheManifest Found;
      std::string Reason;
      if (!decodeCacheManifest((*Buffer)->getBuffer(), Out.ManifestKey, Found,
                               Reason)) {
        Warnings.push_back(fmt::format("ignoring corrupt cache manifest '{}' "
                                       "({}); '{}' is preprocessed",
                                       Path, Reason, File));
        return false;
      }
      if (!filesUnchanged(Found))
        return false;
      [[maybe_unused]] int Touched =
          ::utimensat(AT_FDCWD, Path.c_str(), nullptr, 0);
      Out.Key = Found.ResultKey;
      Out.Direct = true;
      Out.Manifest = std::move(Found);
      return true;
    };

  // The command line exactly as the analysis gets it: the same adjusters,
  // the last one records the result.
  llvm::IntrusiveRefCntPtr<AbsenceRecorder> Recorder(new AbsenceRecorder);
  ClangTool Tool(Database, {File}, std::make_shared<PCHContainerOperations>(),
                 Recorder);
  Tool.setPrintErrorMessage(false);
  Tool.appendArgumentsAdjuster(configExtraArgs(Context));
  Tool.appendArgumentsAdjuster(getStripPluginsAdjuster());
  Tool.appendArgumentsAdjuster(
      [&Key, &CommandLine](const CommandLineArguments &Args, llvm::StringRef) {
        for (const std::string &Arg : Args)
          Key.field(Arg);
        CommandLine = Args;
        return Args;
      });
  SilentConsumer Silent;
  Tool.setDiagnosticConsumer(&Silent);
  KeyActionFactory Factory(Key, Out, std::move(Direct), *Recorder);
  if (Tool.run(&Factory) != 0) {
    Out.Key.reset();
    return Out;
  }
  Out.Absent.assign(Recorder->Absent.begin(), Recorder->Absent.end());
  if (!Out.Direct)
    Out.Key = Key.hex();
  return Out;
}

} // namespace

std::optional<std::string> computeCacheKey(const std::string &File,
                                           const CompilationDatabase &Database,
                                           const DriverOptions &Opts) {
  std::vector<std::string> Unused;
  return lookupKey(File, Database, Opts, "", Unused).Key;
}

std::string encodeCacheEntry(llvm::StringRef Key, const FileResult &Result) {
  FileResult Stored = Result;
  Stored.Cache = FileResult::CacheStatus::Off;
  Stored.CacheWarnings.clear();
  std::string Payload;
  llvm::raw_string_ostream(Payload) << resultToJSON(std::move(Stored));
  return encodeFramed(Magic, Key, Payload);
}

bool decodeCacheEntry(llvm::StringRef Data, llvm::StringRef Key,
                      FileResult &Result, std::string &Reason) {
  llvm::StringRef Payload;
  if (!decodeFramed(Magic, "entry", Data, Key, Payload, Reason))
    return false;
  auto Value = json::parse(Payload);
  if (!Value) {
    llvm::consumeError(Value.takeError());
    Reason = "payload is not JSON";
    return false;
  }
  FileResult Decoded;
  if (!resultFromJSON(std::move(*Value), Decoded)) {
    Reason = "payload is not a result";
    return false;
  }
  if (std::string Problem = factsProblem(Decoded.Facts); !Problem.empty()) {
    Reason = "program facts: " + Problem;
    return false;
  }
  Result = std::move(Decoded);
  return true;
}

std::string encodeCacheManifest(llvm::StringRef ManifestKey,
                                const CacheManifest &Manifest) {
  std::string Payload = "result " + Manifest.ResultKey + "\n";
  for (const CacheManifest::ReadFile &F : Manifest.Files)
    Payload += fmt::format("{} {} {}\n", F.Size, F.Hash, F.Path);
  for (const std::string &Path : Manifest.Absent)
    Payload += "absent " + Path + "\n";
  return encodeFramed(ManifestMagic, ManifestKey, Payload);
}

bool decodeCacheManifest(llvm::StringRef Data, llvm::StringRef ManifestKey,
                         CacheManifest &Manifest, std::string &Reason) {
  llvm::StringRef Payload;
  if (!decodeFramed(ManifestMagic, "manifest", Data, ManifestKey, Payload,
                    Reason))
    return false;
  CacheManifest Decoded;
  auto [First, Rest] = Payload.split('\n');
  if (!First.consume_front("result ") || First.size() != 64) {
    Reason = "no result key";
    return false;
  }
  Decoded.ResultKey = First.str();
  while (!Rest.empty()) {
    auto [Line, Next] = Rest.split('\n');
    Rest = Next;
    if (Line.consume_front("absent ")) {
      Decoded.Absent.push_back(Line.str());
      continue;
    }
    auto [SizeText, AfterSize] = Line.split(' ');
    auto [Hash, Path] = AfterSize.split(' ');
    CacheManifest::ReadFile F;
    if (SizeText.getAsInteger(10, F.Size) || Hash.size() != 32 ||
        Path.empty()) {
      Reason = "malformed file line";
      return false;
    }
    F.Hash = Hash.str();
    F.Path = Path.str();
    Decoded.Files.push_back(std::move(F));
  }
  Manifest = std::move(Decoded);
  return true;
}

std::string cacheEntryPath(llvm::StringRef Dir, llvm::StringRef Key) {
  llvm::SmallString<256> Path(Dir);
  llvm::sys::path::append(Path, Key.take_front(2), Key.drop_front(2));
  return std::string(Path) + ".entry";
}

std::string cacheManifestPath(llvm::StringRef Dir, llvm::StringRef Key) {
  llvm::SmallString<256> Path(Dir);
  llvm::sys::path::append(Path, Key.take_front(2), Key.drop_front(2));
  return std::string(Path) + ".manifest";
}

namespace {

/// The entry of \p Key under \p Dir when it holds \p File's result, or
/// nullopt (a corrupt one adds a warning).
std::optional<FileResult> loadEntry(const std::string &Dir,
                                    const std::string &Key,
                                    const std::string &File,
                                    std::vector<std::string> &Warnings) {
  std::string Path = cacheEntryPath(Dir, Key);
  auto Buffer = llvm::MemoryBuffer::getFile(Path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!Buffer)
    return std::nullopt;
  FileResult Cached;
  std::string Reason;
  if (decodeCacheEntry((*Buffer)->getBuffer(), Key, Cached, Reason) &&
      Cached.File == File) {
    // A hit refreshes the entry's time, so pruning by age keeps what is
    // in use. A read-only cache simply keeps the old time.
    [[maybe_unused]] int Touched =
        ::utimensat(AT_FDCWD, Path.c_str(), nullptr, 0);
    return Cached;
  }
  if (Reason.empty())
    Reason = "entry of another file";
  Warnings.push_back(fmt::format(
      "ignoring corrupt cache entry '{}' ({}); '{}' is analysed again", Path,
      Reason, File));
  return std::nullopt;
}

} // namespace

FileResult analyzeFileCached(const std::string &File,
                             const CompilationDatabase &Database,
                             const DriverOptions &Opts) {
  std::string Dir = absolutePath(Opts.CacheDir);
  std::vector<std::string> Warnings;
  auto Load = [&](const std::string &Key) {
    return loadEntry(Dir, Key, File, Warnings);
  };
  // After preprocessing: the manifest that lets the next run skip it.
  auto StoreManifest = [&](const KeyLookup &Lookup) {
    if (Lookup.ManifestKey.empty() || Lookup.Read.empty() || !Lookup.Key)
      return;
    for (const CacheManifest::ReadFile &F : Lookup.Read)
      if (F.Path.find('\n') != std::string::npos)
        return; // not representable; the preprocessed key still works
    for (const std::string &Path : Lookup.Absent)
      if (Path.find('\n') != std::string::npos)
        return;
    std::string Warning = writeAtomically(
        Dir, cacheManifestPath(Dir, Lookup.ManifestKey),
        encodeCacheManifest(Lookup.ManifestKey,
                            {*Lookup.Key, Lookup.Read, Lookup.Absent}));
    if (!Warning.empty())
      Warnings.push_back(Warning);
  };
  auto Finish = [&](FileResult Result, FileResult::CacheStatus Status) {
    Result.Cache = Status;
    Result.CacheWarnings = std::move(Warnings);
    return Result;
  };

  KeyLookup Lookup = lookupKey(File, Database, Opts, Dir, Warnings);
  std::string Rejected;
  if (Lookup.Key) {
    if (std::optional<FileResult> Hit = Load(*Lookup.Key)) {
      if (!Lookup.Direct)
        StoreManifest(Lookup);
      return Finish(std::move(*Hit), Lookup.Direct
                                         ? FileResult::CacheStatus::DirectHit
                                         : FileResult::CacheStatus::Hit);
    }
    if (Lookup.Direct) {
      // The manifest names a missing or corrupt entry: the preprocessed key
      // decides, as without a manifest.
      // The manifest is rewritten from this preprocessing.
      Rejected = *Lookup.Key;
      std::string ManifestKey = Lookup.ManifestKey;
      Lookup = lookupKey(File, Database, Opts, "", Warnings);
      Lookup.ManifestKey = ManifestKey;
      if (Lookup.Key && *Lookup.Key != Rejected)
        if (std::optional<FileResult> Hit = Load(*Lookup.Key)) {
          StoreManifest(Lookup);
          return Finish(std::move(*Hit), FileResult::CacheStatus::Hit);
        }
    }
  }

  FileResult Result = analyzeFile(File, Database, Opts);
  // Files that do not compile are not stored: the error may be transient
  // (a generated header not yet written) and is cheap to find again.
  if (Lookup.Key && Result.Failure.empty()) {
    std::string Warning =
        writeAtomically(Dir, cacheEntryPath(Dir, *Lookup.Key),
                        encodeCacheEntry(*Lookup.Key, Result));
    if (!Warning.empty())
      Warnings.push_back(Warning);
    else
      StoreManifest(Lookup);
  }
  return Finish(std::move(Result), FileResult::CacheStatus::Miss);
}

std::optional<UnitDependencies>
unitDependencies(const std::string &File,
                 const clang::tooling::CompilationDatabase &Database,
                 const DriverOptions &Opts) {
  std::string Dir = Opts.CacheDir.empty() ? "" : absolutePath(Opts.CacheDir);
  UnitDependencies Out;
  KeyLookup Lookup = lookupKey(File, Database, Opts, Dir, Out.Warnings);
  if (!Lookup.Key)
    return std::nullopt;
  auto Paths = [](const std::vector<CacheManifest::ReadFile> &Files) {
    std::vector<std::string> Result;
    for (const CacheManifest::ReadFile &F : Files)
      Result.push_back(F.Path);
    return Result;
  };
  if (Lookup.Manifest) {
    Out.Read = Paths(Lookup.Manifest->Files);
    Out.Absent = Lookup.Manifest->Absent;
  } else {
    Out.Read = Paths(Lookup.Read);
    Out.Absent = Lookup.Absent;
  }
  if (!Dir.empty())
    Out.Cached = loadEntry(Dir, *Lookup.Key, File, Out.Warnings);
  return Out;
}

} // namespace loadcheck
