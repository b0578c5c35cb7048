//===--- UserLocation.cpp -------------------------------------------------===//
#include "checks/utils/UserLocation.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace loadcheck::utils {

SourceLocation userLocation(SourceLocation Loc, const SourceManager &SM) {
  while (Loc.isMacroID() && SM.isInSystemHeader(SM.getSpellingLoc(Loc)))
    Loc = SM.getImmediateMacroCallerLoc(Loc);
  return Loc;
}

} // namespace loadcheck::utils
