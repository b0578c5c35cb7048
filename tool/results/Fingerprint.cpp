#include "tool/results/Fingerprint.h"
#include "tool/Paths.h"
#include "tool/front/SourceFiles.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/xxhash.h"
#include <fmt/core.h>
#include <map>

namespace path = llvm::sys::path;

namespace loadcheck {

namespace {

bool isIdentifierChar(char C) { return llvm::isAlnum(C) || C == '_'; }

/// The function name a definition header such as
/// `template <class T> void Server<T>::handle(const Request &r) const`
/// declares, or "" when the header opens no function (namespace, class,
/// initialiser, control statement).
std::string functionName(llvm::StringRef Header) {
  Header = Header.trim();
  for (llvm::StringRef Keyword :
       {"namespace", "class", "struct", "union", "enum", "extern"})
    if (Header.starts_with(Keyword) &&
        (Header.size() == Keyword.size() ||
         !isIdentifierChar(Header[Keyword.size()])))
      return "";
  size_t Paren = Header.find('(');
  if (Paren == llvm::StringRef::npos)
    return "";
  llvm::StringRef Before = Header.take_front(Paren).rtrim();
  size_t Start = Before.size();
  while (Start > 0 && (isIdentifierChar(Before[Start - 1]) ||
                       llvm::StringRef(":~<>").contains(Before[Start - 1])))
    --Start;
  llvm::StringRef Name = Before.drop_front(Start).ltrim(":<>");
  for (llvm::StringRef Statement : {"if", "for", "while", "switch", "catch"})
    if (Name == Statement)
      return "";
  return Name.empty() ? "(lambda)" : Name.str();
}

} // namespace

std::string braceCountedFunction(llvm::StringRef Text, unsigned Offset) {
  struct Scope {
    std::string Function; ///< non-empty for a function body
  };
  std::vector<Scope> Stack;
  std::string Header;
  auto InsideFunction = [&] {
    return llvm::any_of(Stack,
                        [](const Scope &S) { return !S.Function.empty(); });
  };
  size_t End = std::min<size_t>(Offset, Text.size());
  for (size_t I = 0; I < End; ++I) {
    char C = Text[I];
    if (C == '/' && I + 1 < Text.size() && Text[I + 1] == '/') {
      I = Text.find('\n', I);
      if (I == llvm::StringRef::npos)
        break;
      continue;
    }
    if (C == '/' && I + 1 < Text.size() && Text[I + 1] == '*') {
      I = Text.find("*/", I + 2);
      if (I == llvm::StringRef::npos)
        break;
      ++I;
      continue;
    }
    if (C == '#' && Header.find_first_not_of(" \t\r\n") == std::string::npos) {
      // A preprocessor line (with continuations) is not part of a header.
      while (I < End && Text[I] != '\n')
        I += (Text[I] == '\\' && I + 1 < End) ? 2 : 1;
      continue;
    }
    if (C == '"' || C == '\'') {
      for (++I; I < End && Text[I] != C; ++I)
        if (Text[I] == '\\')
          ++I;
      Header += C;
      continue;
    }
    if (C == '{') {
      Scope S;
      if (!InsideFunction())
        S.Function = functionName(Header);
      Stack.push_back(std::move(S));
      Header.clear();
    } else if (C == '}') {
      if (!Stack.empty())
        Stack.pop_back();
      Header.clear();
    } else if (C == ';') {
      Header.clear();
    } else {
      Header += C;
    }
  }
  for (const Scope &S : Stack)
    if (!S.Function.empty())
      return S.Function;
  return "";
}

std::string normalizeLine(llvm::StringRef Line) {
  std::string Out;
  bool Space = false;
  for (char C : Line.trim()) {
    if (llvm::isSpace(C)) {
      Space = true;
      continue;
    }
    if (Space)
      Out += ' ';
    Space = false;
    Out += C;
  }
  return Out;
}

namespace {

/// The fingerprints of \p Findings, each finding's function given by
/// \p FunctionOf.
std::vector<std::string>
fingerprints(const std::vector<Finding> &Findings, llvm::StringRef Root,
             llvm::function_ref<std::string(const Finding &)> FunctionOf) {
  SourceFiles Sources;
  std::map<std::string, unsigned> Occurrences;
  std::vector<std::string> Out;
  for (const Finding &F : Findings) {
    std::string Key = fmt::format(
        "{}\n{}\n{}\n{}", F.Check, relativeToRoot(F.Where.File, Root),
        FunctionOf(F), normalizeLine(Sources.line(F.Where.File, F.Where.Line)));
    unsigned Index = Occurrences[Key]++;
    Key += "\n" + std::to_string(Index);
    Out.push_back(fmt::format("{:016x}", llvm::xxh3_64bits(Key)));
  }
  return Out;
}

} // namespace

void fingerprintFindings(std::vector<Finding> &Findings, llvm::StringRef Root,
                         bool VersionOne) {
  std::vector<std::string> Prints =
      fingerprints(Findings, Root, [](const Finding &F) { return F.Function; });
  for (size_t I = 0; I < Findings.size(); ++I)
    Findings[I].Fingerprint = std::move(Prints[I]);
  if (!VersionOne)
    return;
  SourceFiles Sources;
  Prints = fingerprints(Findings, Root, [&](const Finding &F) {
    return F.Where.File.empty()
               ? std::string()
               : braceCountedFunction(Sources.text(F.Where.File),
                                      F.Where.Offset);
  });
  for (size_t I = 0; I < Findings.size(); ++I)
    Findings[I].VersionOneFingerprint = std::move(Prints[I]);
}

} // namespace loadcheck
