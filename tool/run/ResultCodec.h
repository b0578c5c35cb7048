//===--- ResultCodec.h - a translation unit's result as JSON ----*- C++ -*-===//
//
// The one JSON shape of a FileResult: what a worker writes for the driver
// and what a result cache entry holds (Cache.h). Lossless: JSON strings must
// be UTF-8 but paths and source text need not be, so a string that is not
// travels as {"hex": "..."} and comes back byte for byte. (Reports, meant
// for people and CI services, replace such bytes with U+FFFD instead: see
// jsonText in report/Reporters.h.)
//
//===----------------------------------------------------------------------===//
#ifndef LOADCHECK_TOOL_RUN_RESULTCODEC_H
#define LOADCHECK_TOOL_RUN_RESULTCODEC_H

#include "tool/run/FileResult.h"
#include "llvm/Support/JSON.h"
#include <optional>
#include <string>

namespace loadcheck {

/// JSON strings must be UTF-8, paths and source text need not be: bytes
/// that are not UTF-8 travel as {"hex": "..."} and come back byte for byte
/// (JSON would replace them with U+FFFD).
llvm::json::Value textToJSON(llvm::StringRef Text);
/// The text of textToJSON's value; nullopt when \p Value is neither shape.
std::optional<std::string> textFromJSON(const llvm::json::Value *Value);

/// \p Result as JSON. Taken by value: a result written once is moved in, so
/// that its program facts (most of its size) are not copied.
llvm::json::Value resultToJSON(FileResult Result);

/// Fills \p Result from \p Value; false when \p Value is not a result.
/// Taken by value: the facts are moved out, not copied.
bool resultFromJSON(llvm::json::Value Value, FileResult &Result);

} // namespace loadcheck

#endif // LOADCHECK_TOOL_RUN_RESULTCODEC_H
