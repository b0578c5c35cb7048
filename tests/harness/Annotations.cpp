#include "tests/harness/Annotations.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Regex.h"
#include <fmt/core.h>

namespace loadcheck::testing {

std::string messagePatternToRegex(llvm::StringRef Message) {
  std::string Regex;
  while (!Message.empty()) {
    size_t Open = Message.find("{{");
    if (Open == llvm::StringRef::npos) {
      Regex += llvm::Regex::escape(Message);
      break;
    }
    Regex += llvm::Regex::escape(Message.take_front(Open));
    size_t Close = Message.find("}}", Open + 2);
    if (Close == llvm::StringRef::npos) { // unbalanced: take it literally
      Regex += llvm::Regex::escape(Message.drop_front(Open));
      break;
    }
    Regex += "(" + Message.slice(Open + 2, Close).str() + ")";
    Message = Message.drop_front(Close + 2);
  }
  return Regex;
}

std::string expandRunArg(llvm::StringRef Arg) {
  static constexpr llvm::StringRef Generated = "%{generated}";
  std::string Out;
  while (!Arg.empty()) {
    size_t At = Arg.find(Generated);
    Out += Arg.take_front(At).str();
    if (At == llvm::StringRef::npos)
      break;
    Out += LOADCHECK_GENERATED_DIR;
    Arg = Arg.drop_front(At + Generated.size());
  }
  return Out;
}

static bool isCodeLine(llvm::StringRef Line) {
  llvm::StringRef Trimmed = Line.trim();
  return !Trimmed.empty() && !Trimmed.starts_with("// expect-");
}

ParsedFixture parseFixture(llvm::StringRef Text) {
  ParsedFixture Result;
  llvm::SmallVector<llvm::StringRef> Lines;
  Text.split(Lines, '\n');
  static const llvm::Regex Annotation(
      "//[ \t]*expect-(warning|note)(@([+-][0-9]+))?(:([0-9]+))?[ \t]+"
      "([a-zA-Z0-9.-]+)(:[ \t]*(.*))?$");
  for (size_t I = 0; I < Lines.size(); ++I) {
    llvm::StringRef Line = Lines[I].rtrim("\r");
    unsigned LineNo = I + 1;
    if (Line.trim().starts_with("// RUN-ARGS:")) {
      llvm::SmallVector<llvm::StringRef> Args;
      Line.trim()
          .drop_front(strlen("// RUN-ARGS:"))
          .split(Args, ' ', -1, false);
      for (llvm::StringRef A : Args)
        Result.RunArgs.push_back(expandRunArg(A));
      continue;
    }
    if (Line.trim() == "// expect-no-diagnostics") {
      Result.ExpectNoDiagnostics = true;
      continue;
    }
    size_t At = Line.find("// expect-");
    if (At == llvm::StringRef::npos)
      continue;
    llvm::SmallVector<llvm::StringRef> M;
    if (!Annotation.match(Line.drop_front(At), &M)) {
      Result.Errors.push_back(fmt::format("line {}: malformed annotation: {}",
                                          LineNo, Line.drop_front(At).str()));
      continue;
    }
    Expectation E;
    E.IsNote = M[1] == "note";
    E.AnnotationLine = LineNo;
    bool Standalone = Line.take_front(At).trim().empty();
    if (!M[3].empty()) {
      int Delta = 0;
      M[3].drop_front(M[3][0] == '+').getAsInteger(10, Delta);
      E.Line = LineNo + Delta;
    } else if (Standalone) {
      size_t Next = I + 1;
      while (Next < Lines.size() && !isCodeLine(Lines[Next]))
        ++Next;
      E.Line = Next + 1;
    } else {
      E.Line = LineNo;
    }
    if (!M[5].empty()) {
      unsigned Col = 0;
      M[5].getAsInteger(10, Col);
      E.Column = Col;
    }
    E.Check = M[6].str();
    if (!M[8].trim().empty())
      E.MessagePattern = messagePatternToRegex(M[8].trim());
    Result.Expectations.push_back(std::move(E));
  }
  return Result;
}

} // namespace loadcheck::testing
