#include "tool/front/SourceFiles.h"

#include <algorithm>

namespace loadcheck {

const SourceFiles::Entry &SourceFiles::entry(const std::string &File) {
  auto [It, Inserted] = Files.try_emplace(File);
  Entry &E = It->second;
  if (!Inserted)
    return E;
  E.LineStarts.push_back(0);
  if (auto Buffer = llvm::MemoryBuffer::getFile(File)) {
    E.Buffer = std::move(*Buffer);
    llvm::StringRef Text = E.Buffer->getBuffer();
    for (size_t I = 0; I < Text.size(); ++I)
      if (Text[I] == '\n')
        E.LineStarts.push_back(I + 1);
  }
  return E;
}

Location SourceFiles::locate(const std::string &File, unsigned Offset) {
  const std::vector<unsigned> &Starts = entry(File).LineStarts;
  auto After = std::upper_bound(Starts.begin(), Starts.end(), Offset);
  unsigned LineIndex = (After - Starts.begin()) - 1; // Starts[0] == 0
  Location L;
  L.File = File;
  L.Offset = Offset;
  L.Line = LineIndex + 1;
  L.Column = Offset - Starts[LineIndex] + 1;
  return L;
}

llvm::StringRef SourceFiles::text(const std::string &File) {
  const Entry &E = entry(File);
  return E.Buffer ? E.Buffer->getBuffer() : "";
}

llvm::StringRef SourceFiles::line(const std::string &File, unsigned Line) {
  const Entry &E = entry(File);
  if (!E.Buffer || Line == 0 || Line > E.LineStarts.size())
    return "";
  llvm::StringRef Text =
      E.Buffer->getBuffer().drop_front(E.LineStarts[Line - 1]);
  return Text.take_until([](char C) { return C == '\n' || C == '\r'; });
}

} // namespace loadcheck
