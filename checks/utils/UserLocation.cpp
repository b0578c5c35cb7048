//===--- UserLocation.cpp -------------------------------------------------===//
#include "checks/utils/UserLocation.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"

using namespace clang;

namespace loadcheck::utils {

SourceLocation userLocation(SourceLocation Loc, const SourceManager &SM) {
  while (Loc.isMacroID() && SM.isInSystemHeader(SM.getSpellingLoc(Loc)))
    Loc = SM.getImmediateMacroCallerLoc(Loc);
  return Loc;
}

CharSourceRange fileRange(SourceRange Range, const SourceManager &SM,
                          const LangOptions &LangOpts) {
  if (Range.isInvalid())
    return {};
  CharSourceRange Token = CharSourceRange::getTokenRange(Range);
  if (CharSourceRange InFile = Lexer::makeFileCharRange(Token, SM, LangOpts);
      InFile.isValid())
    return InFile;
  return SM.getExpansionRange(Range);
}

} // namespace loadcheck::utils
