//===--- UserLocation.cpp -------------------------------------------------===//
#include "checks/utils/UserLocation.h"
#include "checks/utils/LlvmCompat.h"
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
  // Spelled in a macro's argument (`curl_easy_setopt(h, OPT, 0L)`): clang
  // leaves out the macro backtrace of a caret there only when every range
  // maps into each of its macros, which a range in the file does not; what
  // it counts as mapping differs between versions.
  if (SM.isMacroArgExpansion(Range.getBegin()))
    return compat::rangeInMacroArgument(Token);
  if (CharSourceRange InFile = Lexer::makeFileCharRange(Token, SM, LangOpts);
      InFile.isValid())
    return InFile;
  return SM.getExpansionRange(Range);
}

} // namespace loadcheck::utils
