//===--- Cache.h - per-translation-unit result cache ------------*- C++ -*-===//
//
// --cache-dir DIR keeps each translation unit's FileResult under a key that
// changes whenever anything the result depends on changes: the preprocessed
// TU (comments kept, macro definitions shown), the bytes and paths of every
// file the TU reads, the effective compile command, the effective
// clang-tidy configuration for the file, the loadcheck version, LLVM version
// and a hash of the loadcheck executable itself. The lookup happens in the
// worker before any AST is built. docs/ci.md documents the key,
// invalidation and pruning.
//
// Direct mode (as ccache's): a manifest, stored under a key made of
// everything above except the preprocessor's output, replaced by the main
// file's bytes, lists every file the preprocessor read (absolute path, size,
// content hash) and the result key. When every listed file is unchanged the
// result key is taken from the manifest and the preprocessor does not run.
// The manifest also lists every path the preprocessor looked for and did
// not find, so a header that now shadows one read (same name, earlier -I
// directory) or a __has_include that now succeeds invalidates it (ccache
// does not see these). Otherwise the preprocessed key decides, as without a
// manifest, and the manifest is rewritten.
//
// An entry is a small text header (format version, key, payload size,
// payload checksum) followed by the worker protocol's JSON of the result
// (ResultCodec.h), the program facts included: a warm run links the program
// from the cache. An entry whose facts the link would refuse (damaged, of
// another facts version) is treated as corrupt, and the file analysed again.
// Entries are written to a temporary file in the same directory and renamed
// into place, so concurrent writers never leave a torn entry;
// a corrupt, truncated or foreign entry is reported, ignored and rewritten.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_RUN_CACHE_H
#define LOADCHECK_TOOL_RUN_CACHE_H

#include "tool/run/Analyzer.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>
#include <vector>

namespace loadcheck {

/// Version of the entry layout; part of every key and every entry header.
/// 2: entries hold the translation unit's program facts.
/// 3: findings carry the function they are in.
inline constexpr unsigned CacheFormatVersion = 3;

/// The key of \p File (64 hex digits), or nullopt when the file cannot be
/// preprocessed without errors (such results are never cached).
std::optional<std::string>
computeCacheKey(const std::string &File,
                const clang::tooling::CompilationDatabase &Database,
                const DriverOptions &Opts);

/// BLAKE3 of the running executable (hex). The driver computes it once and
/// passes it to the workers (hidden --internal-executable-hash).
std::string cacheExecutableHash();

/// What a direct-mode manifest records.
struct CacheManifest {
  std::string ResultKey; ///< 64 hex digits
  struct ReadFile {
    std::string Path; ///< absolute
    uint64_t Size = 0;
    std::string Hash; ///< BLAKE3-128 of the bytes, 32 hex digits
  };
  std::vector<ReadFile> Files; ///< every file the preprocessor read
  /// Every path the preprocessor looked for and did not find (include
  /// directories searched before the one holding a header...): if one
  /// appears, the manifest no longer holds.
  std::vector<std::string> Absent;
};

std::string encodeCacheManifest(llvm::StringRef ManifestKey,
                                const CacheManifest &Manifest);
/// Like decodeCacheEntry, for a manifest.
bool decodeCacheManifest(llvm::StringRef Data, llvm::StringRef ManifestKey,
                         CacheManifest &Manifest, std::string &Reason);
/// Where the manifest of \p ManifestKey lives under \p Dir.
std::string cacheManifestPath(llvm::StringRef Dir, llvm::StringRef ManifestKey);

/// The bytes of an entry holding \p Result under \p Key.
std::string encodeCacheEntry(llvm::StringRef Key, const FileResult &Result);

/// Reads an entry written by encodeCacheEntry. Returns false and a short
/// reason (truncated, checksum mismatch...) when \p Data is not a valid
/// entry of \p Key.
bool decodeCacheEntry(llvm::StringRef Data, llvm::StringRef Key,
                      FileResult &Result, std::string &Reason);

/// Where the entry of \p Key lives under \p Dir.
std::string cacheEntryPath(llvm::StringRef Dir, llvm::StringRef Key);

/// analyzeFile() through the cache of Opts.CacheDir: a valid entry is
/// returned without analysing; otherwise the file is analysed and, when it
/// compiled, stored. Cache problems become Result.CacheWarnings, never
/// failures.
FileResult
analyzeFileCached(const std::string &File,
                  const clang::tooling::CompilationDatabase &Database,
                  const DriverOptions &Opts);

/// What a translation unit depends on, for the changed-lines mode.
struct UnitDependencies {
  std::vector<std::string> Read;   ///< absolute; the main file included
  std::vector<std::string> Absent; ///< looked for, not found
  /// Its cached result (findings and program facts), when the cache of
  /// Opts.CacheDir holds one for the files as they are now.
  std::optional<FileResult> Cached;
  std::vector<std::string> Warnings; ///< the cache's, one line each
};

/// The files \p File reads, from a still-valid manifest of Opts.CacheDir
/// (no preprocessing) or else from the preprocessor; nullopt when it cannot
/// be preprocessed without errors. Nothing is written to the cache.
std::optional<UnitDependencies>
unitDependencies(const std::string &File,
                 const clang::tooling::CompilationDatabase &Database,
                 const DriverOptions &Opts);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_RUN_CACHE_H
