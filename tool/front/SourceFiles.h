//===--- SourceFiles.h - lines and columns of files on disk -----*- C++ -*-===//
#ifndef LOADCHECK_TOOL_FRONT_SOURCEFILES_H
#define LOADCHECK_TOOL_FRONT_SOURCEFILES_H

#include "tool/results/Finding.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace loadcheck {

/// Reads each file once and answers, from its table of line starts, where an
/// offset is (for findings) and what a line says (for the source snippet).
/// A file that cannot be read behaves as an empty one.
class SourceFiles {
public:
  /// The 1-based line and byte column of \p Offset in \p File.
  Location locate(const std::string &File, unsigned Offset);
  /// The text of 1-based line \p Line of \p File, without its line break.
  llvm::StringRef line(const std::string &File, unsigned Line);
  /// The whole text of \p File ("" when unreadable).
  llvm::StringRef text(const std::string &File);

private:
  struct Entry {
    std::unique_ptr<llvm::MemoryBuffer> Buffer;
    std::vector<unsigned> LineStarts; ///< offsets; LineStarts[0] == 0
  };
  const Entry &entry(const std::string &File);

  std::map<std::string, Entry> Files;
};

} // namespace loadcheck

#endif // LOADCHECK_TOOL_FRONT_SOURCEFILES_H
