#include "tool/changed/ChangeSet.h"
#include "tool/Paths.h"

#include "llvm/ADT/StringExtras.h"
#include <algorithm>
#include <fmt/core.h>

namespace loadcheck {

bool ChangeSet::touchesFile(const std::string &File) const {
  return Changed.count(File) || Removed.count(File);
}

bool ChangeSet::touchesLine(const std::string &File, unsigned Line) const {
  auto It = Changed.find(File);
  if (It == Changed.end())
    return false;
  return llvm::any_of(It->second, [&](const LineRange &R) {
    return R.First <= Line && Line <= R.Last;
  });
}

namespace {

/// A path as git quotes it when core.quotePath applies ("a/caf\303\251.h"),
/// unquoted; any other text unchanged.
std::string unquote(llvm::StringRef Path) {
  if (Path.size() < 2 || !Path.starts_with("\"") || !Path.ends_with("\""))
    return Path.str();
  Path = Path.drop_front().drop_back();
  std::string Out;
  for (size_t I = 0; I < Path.size(); ++I) {
    if (Path[I] != '\\' || I + 1 == Path.size()) {
      Out += Path[I];
      continue;
    }
    char C = Path[++I];
    if (C >= '0' && C <= '7') {
      unsigned Code = 0;
      for (unsigned N = 0;
           N < 3 && I < Path.size() && Path[I] >= '0' && Path[I] <= '7';
           ++N, ++I)
        Code = Code * 8 + (Path[I] - '0');
      --I;
      Out += static_cast<char>(Code);
      continue;
    }
    Out += C == 'n' ? '\n' : C == 't' ? '\t' : C == 'a' ? '\a' : C;
  }
  return Out;
}

/// The path of a `---` / `+++` line: `diff -u` appends a tab and a time.
std::string headerPath(llvm::StringRef Rest) {
  Rest = Rest.trim(' ');
  if (!Rest.starts_with("\""))
    Rest = Rest.take_until([](char C) { return C == '\t'; });
  return unquote(Rest.rtrim());
}

/// One file's part of the diff, as read so far.
struct Section {
  bool Git = false;                 ///< began with `diff --git`
  std::string GitOld, GitNew;       ///< the `diff --git` line's names
  std::string Minus, Plus;          ///< `---` and `+++`
  std::string RenameFrom, RenameTo; ///< without prefixes
  bool DeletedMode = false;         ///< `deleted file mode`
  std::vector<unsigned> Lines;      ///< added or modified, new side
};

/// The two names of `diff --git a/X b/X` when they are equal (the only case
/// where spaces make them unambiguous); the names matter only for a
/// section without `---`/`+++` (a change of mode, an empty file).
void readGitNames(llvm::StringRef Rest, Section &S) {
  if (Rest.starts_with("\"")) {
    size_t End = Rest.find("\" ");
    if (End == llvm::StringRef::npos)
      return;
    S.GitOld = unquote(Rest.take_front(End + 1));
    S.GitNew = unquote(Rest.drop_front(End + 2).trim());
    return;
  }
  if (Rest.size() % 2 == 0)
    return;
  llvm::StringRef Old = Rest.take_front(Rest.size() / 2);
  llvm::StringRef New = Rest.drop_front(Rest.size() / 2 + 1);
  if (Old.drop_front(std::min<size_t>(2, Old.size())) ==
      New.drop_front(std::min<size_t>(2, New.size()))) {
    S.GitOld = Old.str();
    S.GitNew = New.str();
  }
}

bool isNull(llvm::StringRef Path) { return Path == "/dev/null"; }

/// \p Path without git's prefix \p Prefix ("a/" or "b/") when \p Strip.
std::string stripped(const std::string &Path, llvm::StringRef Prefix,
                     bool Strip) {
  if (Strip && llvm::StringRef(Path).starts_with(Prefix))
    return Path.substr(Prefix.size());
  return Path;
}

/// Adds what \p S says to \p Changes.
void finish(const Section &S, llvm::StringRef Root, ChangeSet &Changes) {
  std::string Old = S.Minus.empty() ? S.GitOld : S.Minus;
  std::string New = S.Plus.empty() ? S.GitNew : S.Plus;
  if (Old.empty() && New.empty() && S.RenameTo.empty())
    return;
  // Git's prefixes, when both sides carry them (git diff, not diff -u).
  bool Strip =
      S.Git || ((isNull(Old) || llvm::StringRef(Old).starts_with("a/")) &&
                (isNull(New) || llvm::StringRef(New).starts_with("b/")));
  Old = isNull(Old) ? "" : stripped(Old, "a/", Strip);
  New = isNull(New) ? "" : stripped(New, "b/", Strip);
  if (!S.RenameFrom.empty()) {
    Old = S.RenameFrom;
    New = S.RenameTo;
  }
  if (S.DeletedMode || (New.empty() && !Old.empty())) {
    Changes.Removed.insert(absolutePath(Old, Root));
    return;
  }
  if (New.empty())
    return;
  if (!Old.empty() && Old != New && !S.RenameFrom.empty())
    Changes.Removed.insert(absolutePath(Old, Root));
  std::vector<LineRange> &Ranges = Changes.Changed[absolutePath(New, Root)];
  std::vector<unsigned> Lines = S.Lines;
  llvm::sort(Lines);
  for (unsigned Line : Lines) {
    if (!Ranges.empty() && Ranges.back().Last + 1 >= Line)
      Ranges.back().Last = std::max(Ranges.back().Last, Line);
    else
      Ranges.push_back({Line, Line});
  }
}

/// Reads "N" or "N,M" of a hunk header (M defaults to 1).
bool readRange(llvm::StringRef Text, unsigned &Start, unsigned &Count) {
  auto [First, Length] = Text.split(',');
  Count = 1;
  return !First.getAsInteger(10, Start) &&
         (Length.empty() || !Length.getAsInteger(10, Count));
}

} // namespace

std::optional<ChangeSet> parseUnifiedDiff(llvm::StringRef Text,
                                          llvm::StringRef Root,
                                          std::string &Error) {
  ChangeSet Changes;
  std::optional<Section> Current;
  unsigned OldLeft = 0, NewLeft = 0, NewLine = 0, Number = 0;
  bool SawHeader = false;
  auto Fail = [&](llvm::StringRef Why) {
    Error = fmt::format("line {} of the diff: {}", Number, Why.str());
    return std::nullopt;
  };
  llvm::SmallVector<llvm::StringRef, 0> Lines;
  if (!Text.empty())
    Text.drop_back(Text.ends_with("\n")).split(Lines, '\n');
  for (llvm::StringRef Line : Lines) {
    ++Number;
    Line = Line.rtrim('\r');
    if (OldLeft || NewLeft) { // inside a hunk
      if (Line.starts_with("\\"))
        continue; // "\ No newline at end of file"
      char Kind = Line.empty() ? ' ' : Line[0];
      if (Kind == '+' && NewLeft) {
        Current->Lines.push_back(NewLine++);
        --NewLeft;
        continue;
      }
      if (Kind == '-' && OldLeft) {
        --OldLeft;
        continue;
      }
      if (Kind == ' ' && OldLeft && NewLeft) {
        ++NewLine;
        --OldLeft;
        --NewLeft;
        continue;
      }
      return Fail("the hunk is shorter than its header says");
    }
    if (Line.consume_front("diff --git ")) {
      if (Current)
        finish(*Current, Root, Changes);
      Current.emplace();
      Current->Git = SawHeader = true;
      readGitNames(Line, *Current);
    } else if (Line.starts_with("--- ")) {
      if (Current && (!Current->Git || !Current->Minus.empty()))
        finish(*Current, Root, Changes), Current.reset();
      if (!Current)
        Current.emplace();
      Current->Minus = headerPath(Line.drop_front(4));
      SawHeader = true;
    } else if (Line.starts_with("+++ ")) {
      if (!Current)
        return Fail("'+++' without '---'");
      Current->Plus = headerPath(Line.drop_front(4));
    } else if (Line.starts_with("@@ ")) {
      if (!Current || Current->Plus.empty())
        return Fail("a hunk outside a file's section");
      llvm::SmallVector<llvm::StringRef, 4> Parts;
      Line.split(Parts, ' ', /*MaxSplit=*/3);
      unsigned OldStart = 0, NewStart = 0;
      if (Parts.size() < 4 || !Parts[1].consume_front("-") ||
          !Parts[2].consume_front("+") ||
          !readRange(Parts[1], OldStart, OldLeft) ||
          !readRange(Parts[2], NewStart, NewLeft))
        return Fail("a malformed hunk header");
      NewLine = NewStart;
    } else if (Current && Current->Git) {
      if (Line.consume_front("rename from "))
        Current->RenameFrom = unquote(Line);
      else if (Line.consume_front("rename to "))
        Current->RenameTo = unquote(Line);
      else if (Line.starts_with("deleted file mode"))
        Current->DeletedMode = true;
    }
  }
  if (OldLeft || NewLeft)
    return Fail("the diff ends inside a hunk");
  if (Current)
    finish(*Current, Root, Changes);
  if (!SawHeader && !Text.trim().empty()) {
    Number = 1;
    return Fail("no file header ('diff --git' or '---'/'+++'): not a "
                "unified diff");
  }
  return Changes;
}

} // namespace loadcheck
