//===--- DiagnosticsTableTest.cpp - messages, doc tables and fixtures -----===//
//
// Every check's page lists its messages in a `## Diagnostics` table, spelled
// as at the diag() call: `%0` for an inserted name, `%select{a|b}N` for an
// alternative (`\|` inside the table). Three agreements are checked:
// - each message literal at a diag() call in checks/ is written out there,
//   at most 100 characters in every %select alternative (an inserted name
//   counted as 8), lower case, without a trailing period, and is a row of
//   its check's table;
// - each row is expected by some fixture of that check;
// - each fixture expectation of a check matches one of its rows.
// A row and an expectation agree when some message could satisfy both: the
// row's `%N` and the expectation's `{{regex}}` match anything, and the
// expectation may be any part of the message.
//
//===----------------------------------------------------------------------===//
#include "checks/CheckRegistry.h"
#include "tests/TestPaths.h"
#include "tests/harness/FixtureRunner.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"
#include <functional>
#include <gtest/gtest.h>

namespace loadcheck::testing {
namespace {

[[maybe_unused]] const int ModuleAnchor = LoadcheckModuleAnchorSource;

/// Stands for "any text" in a pattern: a row's `%N`, an expectation's
/// `{{regex}}`.
constexpr char Any = '\x01';

struct Message {
  bool IsNote = false;
  std::string Text;
};

std::string readFile(const std::string &Path) {
  auto Buffer = llvm::MemoryBuffer::getFile(Path);
  return Buffer ? (*Buffer)->getBuffer().str() : std::string();
}

/// The rows of the `## Diagnostics` table of \p Page.
std::vector<Message> tableRows(llvm::StringRef Page) {
  std::vector<Message> Rows;
  size_t Start = Page.find("\n## Diagnostics\n");
  if (Start == llvm::StringRef::npos)
    return Rows;
  llvm::StringRef Section = Page.drop_front(Start + 1);
  Section = Section.take_front(Section.find("\n## ", 3));
  llvm::SmallVector<llvm::StringRef, 32> Lines;
  Section.split(Lines, '\n');
  for (llvm::StringRef Line : Lines) {
    bool IsNote = Line.starts_with("| note |");
    if (!IsNote && !Line.starts_with("| warning |"))
      continue;
    size_t Open = Line.find('`'), Close = Line.rfind('`');
    if (Open == llvm::StringRef::npos || Close <= Open)
      continue;
    std::string Text;
    llvm::StringRef Cell = Line.slice(Open + 1, Close);
    for (size_t I = 0; I < Cell.size(); ++I) {
      if (Cell[I] == '\\' && I + 1 < Cell.size() && Cell[I + 1] == '|')
        ++I;
      Text += Cell[I];
    }
    Rows.push_back({IsNote, Text});
  }
  return Rows;
}

/// Every spelling of a diagnostic format: each `%select{...}N` alternative,
/// `%N` as Any.
std::vector<std::string> expandFormat(llvm::StringRef Format) {
  size_t Select = Format.find("%select{");
  if (Select == llvm::StringRef::npos) {
    std::string Out;
    for (size_t I = 0; I < Format.size(); ++I) {
      if (Format[I] == '%' && I + 1 < Format.size() &&
          llvm::isDigit(Format[I + 1])) {
        while (I + 1 < Format.size() && llvm::isDigit(Format[I + 1]))
          ++I;
        Out += Any;
        continue;
      }
      Out += Format[I];
    }
    return {Out};
  }
  size_t Body = Select + strlen("%select{");
  std::vector<std::string> Alternatives(1);
  int Depth = 0;
  size_t I = Body;
  for (; I < Format.size(); ++I) {
    char C = Format[I];
    if (C == '{')
      ++Depth;
    if (C == '}' && Depth-- == 0)
      break;
    if (C == '|' && Depth == 0)
      Alternatives.emplace_back();
    else
      Alternatives.back() += C;
  }
  size_t Rest = I + 1;
  while (Rest < Format.size() && llvm::isDigit(Format[Rest]))
    ++Rest;
  std::vector<std::string> Out;
  for (const std::string &Alternative : Alternatives)
    for (std::string &Spelling : expandFormat(
             (Format.take_front(Select) + Alternative + Format.drop_front(Rest))
                 .str()))
      Out.push_back(std::move(Spelling));
  return Out;
}

/// Whether some text matches both patterns (literal characters and Any).
bool overlap(llvm::StringRef A, llvm::StringRef B) {
  const size_t N = A.size(), M = B.size();
  std::vector<signed char> Memo((N + 1) * (M + 1), -1);
  std::function<bool(size_t, size_t)> Match = [&](size_t I, size_t J) -> bool {
    signed char &Known = Memo[I * (M + 1) + J];
    if (Known >= 0)
      return Known;
    bool Result = false;
    if (I == N && J == M)
      Result = true;
    else if (I < N && A[I] == Any)
      Result = Match(I + 1, J) || (J < M && Match(I, J + 1));
    else if (J < M && B[J] == Any)
      Result = Match(I, J + 1) || (I < N && Match(I + 1, J));
    else
      Result = I < N && J < M && A[I] == B[J] && Match(I + 1, J + 1);
    Known = Result;
    return Result;
  };
  return Match(0, 0);
}

/// Whether the expectation \p Expected (part of a message) fits \p Row.
bool fits(const Message &Row, const Message &Expected) {
  if (Row.IsNote != Expected.IsNote)
    return false;
  std::string Part = Any + Expected.Text + Any;
  return llvm::any_of(expandFormat(Row.Text), [&](const std::string &Row) {
    return overlap(Row, Part);
  });
}

/// The expectations written for \p Check in its fixtures, `{{regex}}` as
/// Any; clang's own "expanded from macro" notes are not the check's.
std::vector<Message> fixtureExpectations(const std::string &Check) {
  static const llvm::Regex Annotation(
      "expect-(warning|note)[^ ]* (loadcheck-[a-z-]+): (.*)$");
  std::vector<Message> Out;
  for (const std::string &Fixture : allFixtures()) {
    if (checkForFixture(Fixture) != Check)
      continue;
    llvm::SmallVector<llvm::StringRef, 256> Lines;
    std::string Text = readFile(Fixture);
    llvm::StringRef(Text).split(Lines, '\n');
    for (llvm::StringRef Line : Lines) {
      llvm::SmallVector<llvm::StringRef, 4> Groups;
      if (!Annotation.match(Line, &Groups) || Groups[2] != Check)
        continue;
      llvm::StringRef Raw = Groups[3].rtrim();
      if (Raw.starts_with("expanded from macro"))
        continue;
      std::string Pattern;
      while (!Raw.empty()) {
        size_t Open = Raw.find("{{");
        Pattern += Raw.take_front(Open).str();
        if (Open == llvm::StringRef::npos)
          break;
        size_t Close = Raw.find("}}", Open);
        Pattern += Any;
        Raw = Close == llvm::StringRef::npos ? "" : Raw.drop_front(Close + 2);
      }
      Out.push_back({Groups[1] == "note", Pattern});
    }
  }
  return Out;
}

std::string printable(std::string Text) {
  for (char &C : Text)
    if (C == Any)
      C = '*';
  return Text;
}

TEST(DiagnosticsTable, RowsAndFixtureExpectationsAgree) {
  ASSERT_FALSE(allChecks().empty());
  for (const CheckInfo &Info : allChecks()) {
    const std::string Check = Info.Name.str();
    SCOPED_TRACE(Check);
    std::vector<Message> Rows = tableRows(
        readFile(LOADCHECK_SOURCE_DIR "/docs/checks/" + Check + ".md"));
    ASSERT_FALSE(Rows.empty())
        << "docs/checks/" << Check << ".md has no Diagnostics table";
    std::vector<Message> Expected = fixtureExpectations(Check);
    for (const Message &Row : Rows)
      EXPECT_TRUE(llvm::any_of(Expected,
                               [&](const Message &E) { return fits(Row, E); }))
          << "no fixture expects the row `" << Row.Text << "`";
    for (const Message &E : Expected)
      EXPECT_TRUE(
          llvm::any_of(Rows, [&](const Message &Row) { return fits(Row, E); }))
          << "the expectation `" << printable(E.Text)
          << "` matches no row of the table";
  }
}

/// The longest a message may be as the user reads it: every `%select`
/// alternative spelled out, each inserted name counted as PlaceholderWidth.
constexpr size_t MaxMessageLength = 100;
/// A short name in quotes, such as 'conn_'.
constexpr size_t PlaceholderWidth = 8;

/// The length of an expanded message, each Any (an inserted name) counted as
/// PlaceholderWidth characters.
size_t shownLength(llvm::StringRef Spelling) {
  size_t Names = Spelling.count(Any);
  return Spelling.size() - Names + Names * PlaceholderWidth;
}

/// One diag() call: where, and its message as written (empty when the
/// message is not a string literal at the call).
struct DiagCall {
  std::string Where;
  std::string Text;
  bool IsNote = false;
};

/// The diag() calls of \p Source (not configurationDiag()).
std::vector<DiagCall> diagCalls(llvm::StringRef Source, llvm::StringRef File) {
  std::vector<DiagCall> Calls;
  for (size_t At = Source.find("diag("); At != llvm::StringRef::npos;
       At = Source.find("diag(", At + 5)) {
    if (At > 0 && (llvm::isAlnum(Source[At - 1]) || Source[At - 1] == '_'))
      continue;
    DiagCall Call;
    Call.Where =
        (File + ":" + llvm::Twine(Source.take_front(At).count('\n') + 1)).str();
    // Skip the location argument up to its top-level comma.
    size_t I = At + 5;
    int Depth = 0;
    for (; I < Source.size(); ++I) {
      char C = Source[I];
      if (C == '"') {
        for (++I; I < Source.size() && Source[I] != '"'; ++I)
          if (Source[I] == '\\')
            ++I;
        continue;
      }
      if (C == '(' || C == '[' || C == '{')
        ++Depth;
      else if (C == ')' || C == ']' || C == '}')
        --Depth;
      else if (C == ',' && Depth == 0)
        break;
    }
    // Adjacent string literals make the message.
    for (++I; I < Source.size();) {
      while (I < Source.size() && llvm::isSpace(Source[I]))
        ++I;
      if (I >= Source.size() || Source[I] != '"')
        break;
      for (++I; I < Source.size() && Source[I] != '"'; ++I) {
        if (Source[I] == '\\')
          ++I;
        Call.Text += Source[I];
      }
      ++I;
    }
    size_t End = Source.find(';', I);
    Call.IsNote = Source.slice(I, End).contains("DiagnosticIDs::Note");
    Calls.push_back(std::move(Call));
  }
  return Calls;
}

/// `checks/security/TlsVerificationDisabledCheck.cpp` ->
/// `loadcheck-tls-verification-disabled`; "" for models and utilities.
std::string checkOfFile(llvm::StringRef Path) {
  llvm::StringRef Stem = llvm::sys::path::stem(Path);
  if (!Stem.consume_back("Check"))
    return "";
  std::string Name = "loadcheck";
  for (char C : Stem) {
    if (llvm::isUpper(C))
      Name += '-';
    Name += llvm::toLower(C);
  }
  return Name;
}

TEST(DiagnosticsTable, MessagesAreWrittenOutShortAndListed) {
  const std::string Root = LOADCHECK_SOURCE_DIR "/checks";
  std::error_code EC;
  unsigned Found = 0;
  for (llvm::sys::fs::recursive_directory_iterator It(Root, EC), End;
       It != End && !EC; It.increment(EC)) {
    llvm::StringRef Path = It->path();
    if (!Path.ends_with(".cpp"))
      continue;
    std::string Check = checkOfFile(Path);
    std::vector<Message> Rows;
    if (!Check.empty())
      Rows = tableRows(
          readFile(LOADCHECK_SOURCE_DIR "/docs/checks/" + Check + ".md"));
    std::string Relative = Path.drop_front(Root.size() - 6).str();
    for (const DiagCall &Call : diagCalls(readFile(Path.str()), Relative)) {
      ++Found;
      SCOPED_TRACE(Call.Where);
      ASSERT_FALSE(Call.Text.empty())
          << "the message is not written out at the diag() call";
      for (const std::string &Spelling : expandFormat(Call.Text))
        EXPECT_LE(shownLength(Spelling), MaxMessageLength)
            << printable(Spelling);
      EXPECT_FALSE(llvm::StringRef(Call.Text).ends_with(".")) << Call.Text;
      // Lower case: no capitalised first word (acronyms such as SQL are fine).
      EXPECT_FALSE(Call.Text.size() > 1 && llvm::isUpper(Call.Text[0]) &&
                   llvm::isLower(Call.Text[1]))
          << Call.Text;
      // The program model's path notes are composed by the model and passed
      // through as `%0`; their templates are rows of the page like any other.
      const bool ModelNote = Call.IsNote && Call.Text == "%0";
      if (!Check.empty() && !ModelNote)
        EXPECT_TRUE(llvm::any_of(Rows,
                                 [&](const Message &Row) {
                                   return Row.Text == Call.Text &&
                                          Row.IsNote == Call.IsNote;
                                 }))
            << "not a row of docs/checks/" << Check << ".md: " << Call.Text;
    }
  }
  EXPECT_FALSE(EC) << EC.message();
  EXPECT_GE(Found, 40u) << "diag() calls not found: is the parser broken?";
}

TEST(DiagnosticsTable, LengthCountsEveryAlternativeAndNames) {
  std::vector<std::string> Spellings =
      expandFormat("%0 is %select{short|a good deal longer}1");
  ASSERT_EQ(Spellings.size(), 2u);
  EXPECT_EQ(shownLength(Spellings[0]), PlaceholderWidth + strlen(" is short"));
  EXPECT_EQ(shownLength(Spellings[1]),
            PlaceholderWidth + strlen(" is a good deal longer"));
}

TEST(DiagnosticsTable, PatternsOverlapAsDocumented) {
  EXPECT_TRUE(fits({false, "thread %0 is detached and cannot be joined"},
                   {false, "thread 't' is detached"}));
  EXPECT_FALSE(fits({false, "temporary thread is detached"},
                    {false, "thread 't' is detached"}));
  EXPECT_TRUE(fits({true, "%0 still joinable at this %select{return|throw}1"},
                   {true, std::string("'t' still joinable at this ") + Any}));
  EXPECT_FALSE(fits({true, "%0 written here"}, {false, "'x' written here"}));
  EXPECT_EQ(expandFormat("a %select{b|c %1}0 d").size(), 2u);
}

} // namespace
} // namespace loadcheck::testing
