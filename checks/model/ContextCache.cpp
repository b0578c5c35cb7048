//===--- ContextCache.cpp - one model per translation unit, shared --------===//
#include "checks/model/ContextCache.h"
#include "clang/AST/ASTContext.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include <mutex>
#include <utility>

using namespace clang;

namespace loadcheck::model::detail {
namespace {

using Slots =
    llvm::SmallVector<std::pair<const void *, std::shared_ptr<void>>, 4>;

struct Registry {
  std::mutex Mutex;
  llvm::DenseMap<const ASTContext *, Slots> ByContext;
};

Registry &registry() {
  static Registry *R = new Registry; // never destroyed: no race at exit
  return *R;
}

/// Called by ~ASTContext: drops the context's models.
void forgetContext(void *Ctx) {
  Slots Dropped;
  {
    Registry &R = registry();
    std::lock_guard<std::mutex> Lock(R.Mutex);
    auto It = R.ByContext.find(static_cast<const ASTContext *>(Ctx));
    if (It == R.ByContext.end())
      return;
    Dropped = std::move(It->second);
    R.ByContext.erase(It);
  }
  // The models are destroyed here, outside the lock.
}

} // namespace

void *findModel(const ASTContext &Ctx, const void *Kind) {
  Registry &R = registry();
  std::lock_guard<std::mutex> Lock(R.Mutex);
  auto It = R.ByContext.find(&Ctx);
  if (It == R.ByContext.end())
    return nullptr;
  for (const auto &[Key, Model] : It->second)
    if (Key == Kind)
      return Model.get();
  return nullptr;
}

void *storeModel(ASTContext &Ctx, const void *Kind,
                 std::shared_ptr<void> Model) {
  Registry &R = registry();
  std::lock_guard<std::mutex> Lock(R.Mutex);
  auto [It, NewContext] = R.ByContext.try_emplace(&Ctx);
  if (NewContext)
    Ctx.AddDeallocation(forgetContext, &Ctx);
  for (const auto &[Key, Stored] : It->second)
    if (Key == Kind)
      return Stored.get();
  It->second.emplace_back(Kind, std::move(Model));
  return It->second.back().second.get();
}

} // namespace loadcheck::model::detail
