//===--- Cache.h - per-translation-unit result cache ------------*- C++ -*-===//
//
// --cache-dir DIR keeps each translation unit's FileResult under a key that
// changes whenever anything the result depends on changes: the preprocessed
// TU (comments kept, macro definitions shown), the bytes and paths of every
// file the TU reads, the effective compile command, the effective
// clang-tidy configuration for the file, the loadcheck version, LLVM version
// and a hash of the loadcheck executable itself. The lookup happens in the
// worker, after preprocessing and before any AST is built: a hit costs one
// preprocessor run. docs/ci.md documents the key, invalidation and pruning.
//
// An entry is a small text header (format version, key, payload size,
// payload checksum) followed by the worker protocol's JSON of the result
// (Worker.h). Entries are written to a temporary file in the same directory
// and renamed into place, so concurrent writers never leave a torn entry;
// a corrupt, truncated or foreign entry is reported, ignored and rewritten.
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_CACHE_H
#define LOADCHECK_TOOL_CACHE_H

#include "tool/Analyzer.h"
#include "llvm/ADT/StringRef.h"
#include <optional>
#include <string>

namespace loadcheck {

/// Version of the entry layout; part of every key and every entry header.
inline constexpr unsigned CacheFormatVersion = 1;

/// The key of \p File (64 hex digits), or nullopt when the file cannot be
/// preprocessed without errors (such results are never cached).
std::optional<std::string>
computeCacheKey(const std::string &File,
                const clang::tooling::CompilationDatabase &Database,
                const DriverOptions &Opts);

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

} // namespace loadcheck

#endif // LOADCHECK_TOOL_CACHE_H
