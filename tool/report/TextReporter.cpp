#include "tool/report/TextReporter.h"
#include "tool/front/SourceFiles.h"

namespace loadcheck {

namespace {

/// Clang 19's snippet: `   12 | code` and `      |     ^`, tabs expanded.
void printSnippet(llvm::raw_ostream &OS, SourceFiles &Sources,
                  const Location &Where) {
  llvm::StringRef Text = Sources.line(Where.File, Where.Line);
  if (Text.empty() && Where.Column <= 1)
    return;
  std::string Expanded, Caret;
  for (size_t I = 0; I < Text.size(); ++I) {
    size_t Width = Text[I] == '\t' ? 8 - Expanded.size() % 8 : 1;
    if (I + 1 < Where.Column)
      Caret.append(Width, ' ');
    Expanded.append(Width, Text[I] == '\t' ? ' ' : Text[I]);
  }
  std::string Number = std::to_string(Where.Line);
  std::string Gutter(std::max<size_t>(5, Number.size()) - Number.size(), ' ');
  OS << Gutter << Number << " | " << Expanded << "\n";
  OS << std::string(Gutter.size() + Number.size(), ' ') << " | ";
  OS.changeColor(llvm::raw_ostream::GREEN, /*Bold=*/true);
  OS << Caret << "^";
  OS.resetColor();
  OS << "\n";
}

void printHeadline(llvm::raw_ostream &OS, const Location &Where,
                   llvm::StringRef Kind, llvm::raw_ostream::Colors KindColor,
                   llvm::StringRef Message, llvm::StringRef Suffix) {
  OS.changeColor(llvm::raw_ostream::SAVEDCOLOR, /*Bold=*/true);
  if (!Where.File.empty())
    OS << Where.File << ":" << Where.Line << ":" << Where.Column << ": ";
  OS.changeColor(KindColor, /*Bold=*/true);
  OS << Kind << ": ";
  OS.changeColor(llvm::raw_ostream::SAVEDCOLOR, /*Bold=*/true);
  OS << Message;
  OS.resetColor();
  OS << Suffix << "\n";
}

} // namespace

void printText(llvm::raw_ostream &OS, const std::vector<Finding> &Findings) {
  SourceFiles Sources;
  for (const Finding &F : Findings) {
    bool IsError = F.Level == Severity::Error || F.WarningAsError;
    std::string Suffix;
    if (!F.isCompilerError()) // clang prints compiler errors without a name
      Suffix = " [" + F.Check +
               (F.WarningAsError ? ",-warnings-as-errors" : "") + "]";
    printHeadline(OS, F.Where, IsError ? "error" : "warning",
                  IsError ? llvm::raw_ostream::RED : llvm::raw_ostream::MAGENTA,
                  F.Message, Suffix);
    printSnippet(OS, Sources, F.Where);
    for (const Note &N : F.Notes) {
      printHeadline(OS, N.Where, "note", llvm::raw_ostream::BLACK, N.Message,
                    "");
      printSnippet(OS, Sources, N.Where);
    }
  }
}

} // namespace loadcheck
