#include "checks/CheckRegistry.h"

namespace loadcheck {

static const CheckInfo Checks[] = {
#define LOADCHECK_CHECK(Name, Class, Section, OffersFix, Langs, Summary)       \
  {Name, Section, OffersFix, Languages::Langs, Summary},
#include "checks/CheckList.def"
};

llvm::ArrayRef<CheckInfo> allChecks() { return Checks; }

const CheckInfo *findCheck(llvm::StringRef Name) {
  for (const CheckInfo &Info : Checks)
    if (Info.Name == Name)
      return &Info;
  return nullptr;
}

} // namespace loadcheck
